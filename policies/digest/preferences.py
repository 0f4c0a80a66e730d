"""Following a policy and choosing, per kind of event, how to hear about it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from policies.accounts.access import Actor, require_actor
from policies.core.db import utcnow
from policies.core.errors import InvalidInput
from policies.digest import queries
from policies.digest.models import Cadence, EventKind, NoticePreference, PolicyFollow
from policies.lifecycle.queries import get_policy


def _account_id(actor: Actor | None) -> int:
    actor = require_actor(actor)
    if actor.id is None:
        raise InvalidInput(
            "Pengaturan pemberitahuan memerlukan akun.",
            en="Notice settings need an account.",
            field="account",
        )
    return actor.id


def preferences(session: Session, *, actor: Actor | None) -> dict[EventKind, Cadence]:
    """Return the actor's cadence for every kind of event (immediately where none was chosen)."""
    chosen = queries.preferences_of(session, account_id=_account_id(actor))
    return {kind: chosen.get(kind, Cadence.IMMEDIATE) for kind in EventKind}


def set_preferences(
    session: Session, *, actor: Actor | None, cadences: Mapping[str, str], now: datetime | None = None
) -> dict[EventKind, Cadence]:
    """Set the actor's cadence for the kinds given (the others stay as they were); return them all."""
    account_id = _account_id(actor)
    now = now or utcnow()
    parsed: dict[EventKind, Cadence] = {}
    for name, value in cadences.items():
        try:
            parsed[EventKind(name)] = Cadence(value)
        except ValueError:
            kinds, choices = ", ".join(EventKind), ", ".join(Cadence)
            raise InvalidInput(
                f"Pilihan '{name}: {value}' tidak dikenal; jenis: {kinds}; pilihan: {choices}.",
                en=f"Unknown choice '{name}: {value}'; kinds: {kinds}; choices: {choices}.",
                field=name,
            ) from None
    for kind, cadence in parsed.items():
        row = queries.preference_row(session, account_id=account_id, kind=kind)
        if row is None:
            row = NoticePreference(account_id=account_id, kind=kind)
        row.cadence, row.updated_at = cadence, now
        session.add(row)
    session.flush()
    return preferences(session, actor=actor)


def follow(session: Session, *, actor: Actor | None, slug: str, now: datetime | None = None) -> PolicyFollow:
    """Follow a policy; following again returns the first follow."""
    account_id = _account_id(actor)
    policy = get_policy(session, slug=slug)
    existing = queries.follow_of(session, account_id=account_id, policy_id=policy.id)  # type: ignore[arg-type]
    if existing is not None:
        return existing
    row = PolicyFollow(account_id=account_id, policy_id=policy.id, created_at=now or utcnow())  # type: ignore[arg-type]
    try:
        with session.begin_nested():  # a concurrent twin's follow wins and is returned instead
            session.add(row)
            session.flush()
    except IntegrityError:
        found = queries.follow_of(session, account_id=account_id, policy_id=policy.id)  # type: ignore[arg-type]
        if found is None:
            raise
        return found
    return row


def unfollow(session: Session, *, actor: Actor | None, slug: str) -> bool:
    """Stop following a policy; tell whether it was followed."""
    account_id = _account_id(actor)
    policy = get_policy(session, slug=slug)
    removed = queries.drop_follow(session, account_id=account_id, policy_id=policy.id)  # type: ignore[arg-type]
    session.flush()
    return removed > 0


def is_following(session: Session, *, actor: Actor | None, slug: str) -> bool:
    """Tell whether the actor follows a policy (nobody signed in follows nothing)."""
    if actor is None or actor.id is None:
        return False
    policy = get_policy(session, slug=slug)
    return queries.follow_of(session, account_id=actor.id, policy_id=policy.id) is not None  # type: ignore[arg-type]
