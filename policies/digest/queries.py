"""The digest concept's SQL: follows, preferences, who is interested in a policy, events owed and digested."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, delete, select

from policies.accounts.models import Account
from policies.consultation.models import Comment
from policies.digest.models import Cadence, DigestEvent, EventKind, NoticePreference, PolicyFollow


def follow_of(session: Session, *, account_id: int, policy_id: int) -> PolicyFollow | None:
    """Return the account's follow of a policy, if it follows it."""
    stmt = select(PolicyFollow).where(
        PolicyFollow.account_id == account_id, PolicyFollow.policy_id == policy_id
    )
    return session.exec(stmt).first()


def drop_follow(session: Session, *, account_id: int, policy_id: int) -> int:
    """Remove the account's follow of a policy; count the rows removed."""
    result = session.exec(
        delete(PolicyFollow).where(  # type: ignore[call-overload]
            col(PolicyFollow.account_id) == account_id, col(PolicyFollow.policy_id) == policy_id
        )
    )
    return int(result.rowcount or 0)


def preferences_of(session: Session, *, account_id: int) -> dict[EventKind, Cadence]:
    """Return the cadences an account chose, by kind (a kind not chosen is absent)."""
    stmt = select(NoticePreference.kind, NoticePreference.cadence).where(
        NoticePreference.account_id == account_id
    )
    return {EventKind(k): Cadence(c) for k, c in session.exec(stmt)}


def preference_row(session: Session, *, account_id: int, kind: EventKind) -> NoticePreference | None:
    """Return the account's preference row for one kind, if it chose one."""
    stmt = select(NoticePreference).where(
        NoticePreference.account_id == account_id, NoticePreference.kind == kind
    )
    return session.exec(stmt).first()


def cadences_for(session: Session, *, account_ids: Sequence[int], kind: EventKind) -> dict[int, Cadence]:
    """Return the cadence chosen for one kind by each of these accounts that chose one."""
    if not account_ids:
        return {}
    stmt = select(NoticePreference.account_id, NoticePreference.cadence).where(
        NoticePreference.kind == kind, col(NoticePreference.account_id).in_(list(account_ids))
    )
    return {int(a): Cadence(c) for a, c in session.exec(stmt)}


def interested_accounts(session: Session, *, policy_id: int) -> list[Account]:
    """Return the active accounts that follow a policy or commented (or replied) on it, by id."""
    followers = select(PolicyFollow.account_id).where(PolicyFollow.policy_id == policy_id)
    commenters = select(Comment.author_id).where(
        Comment.policy_id == policy_id, col(Comment.author_id).is_not(None)
    )
    stmt = (
        select(Account)
        .where(
            col(Account.active).is_(True),
            sa.or_(col(Account.id).in_(followers), col(Account.id).in_(commenters)),
        )
        .order_by(col(Account.id))
    )
    return list(session.exec(stmt))


def not_now(session: Session, *, policy_id: int, kind: EventKind) -> set[int]:
    """Return the accounts following (or that commented on) a policy that chose not to hear of a kind
    of event at once (a digest, or nothing)."""
    followers = select(PolicyFollow.account_id).where(PolicyFollow.policy_id == policy_id)
    commenters = select(Comment.author_id).where(
        Comment.policy_id == policy_id, col(Comment.author_id).is_not(None)
    )
    stmt = select(NoticePreference.account_id).where(
        NoticePreference.kind == kind,
        NoticePreference.cadence != Cadence.IMMEDIATE,
        sa.or_(
            col(NoticePreference.account_id).in_(followers), col(NoticePreference.account_id).in_(commenters)
        ),
    )
    return set(session.exec(stmt))


def followed_policy_ids(session: Session, *, account_id: int) -> set[int]:
    """Return the ids of the policies an account follows."""
    return set(session.exec(select(PolicyFollow.policy_id).where(PolicyFollow.account_id == account_id)))


_ON_CONFLICT_INSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def insert_events(session: Session, *, rows: Sequence[dict[str, Any]]) -> int:
    """Insert digest events, skipping any key that exists (recorded twice stays one); count the new."""
    if not rows:
        return 0
    insert: Any = _ON_CONFLICT_INSERT[session.get_bind().dialect.name]
    table = DigestEvent.__table__  # type: ignore[attr-defined]
    stmt = insert(table).on_conflict_do_nothing(index_elements=[table.c.dedupe_key]).returning(table.c.id)
    return len(session.execute(stmt, list(rows)).all())


def events_due(session: Session, *, cadence: Cadence, before: datetime) -> list[DigestEvent]:
    """Return the undigested events of a cadence that happened before a moment, by account then time."""
    stmt = (
        select(DigestEvent)
        .where(
            DigestEvent.cadence == cadence,
            col(DigestEvent.digested_at).is_(None),
            col(DigestEvent.occurred_at) < before,
        )
        .order_by(col(DigestEvent.account_id), col(DigestEvent.occurred_at), col(DigestEvent.id))
    )
    return list(session.exec(stmt))


def mark_digested(session: Session, *, event_ids: Sequence[int], digest_key: str, now: datetime) -> int:
    """Record events as digested under a digest's key, unless another digest took them first; count them."""
    result = session.execute(
        sa.update(DigestEvent)
        .where(col(DigestEvent.id).in_(list(event_ids)), col(DigestEvent.digested_at).is_(None))
        .values(digested_at=now, digest_key=digest_key)
        .execution_options(synchronize_session="fetch")  # the sweep's loaded events read the new state
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def events_of(session: Session, *, account_id: int, limit: int = 50) -> list[DigestEvent]:
    """Return an account's recent digest events, newest first (what its settings page shows waiting)."""
    stmt = (
        select(DigestEvent)
        .where(DigestEvent.account_id == account_id)
        .order_by(col(DigestEvent.occurred_at).desc(), col(DigestEvent.id).desc())
        .limit(limit)
    )
    return list(session.exec(stmt))
