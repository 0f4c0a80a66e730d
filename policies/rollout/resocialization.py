"""Targeted re-socialization: who must read a policy again after its text changed, and what exactly.

A policy maps some elements of its text (by key, kept across versions) to the work units or the
positions (jabatan) they apply to. When a later version is adopted (a new cycle, or an amendment),
each civil servant who acknowledged an earlier version is compared against it: the elements
changed since the version they read (changed, added or removed) that apply to their unit or their
position, directly or through an ancestor.
Those with any are asked again (through the outbox) and shown only those elements; the others'
reading carries over. Nobody is asked twice for one version: the request's key names it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from policies.accounts.access import Actor, require_actor
from policies.accounts.actions import check_position
from policies.accounts.models import Account
from policies.accounts.queries import active_accounts
from policies.core.db import utcnow
from policies.core.errors import InvalidInput, NotFound
from policies.core.fields import clean_text
from policies.drafting.diff import ElementChange, diff_elements
from policies.drafting.models import DraftVersion, TextElement
from policies.drafting.queries import latest_version
from policies.drafting.queries.elements import element_by_key, elements_of
from policies.lifecycle.models import Policy
from policies.lifecycle.owned import owned_policy
from policies.lifecycle.queries import get_policy
from policies.outbox.models import Channel
from policies.outbox.notify import Recipient, notify, policy_context
from policies.rollout import queries
from policies.rollout.models import Adoption, ElementScope
from policies.rollout.reminders import REACK_PREFIX, REACK_REQUEST

# What a reader must read again; a move or a new number alone changes no obligation.
CONTENT_CHANGES = frozenset({"changed", "added", "removed"})


def content_hash(version: DraftVersion) -> str:
    """Hash the exact words of a version (what an acknowledgement says was read)."""
    return hashlib.sha256(version.body.encode()).hexdigest()


def _adopted(session: Session, *, policy: Policy) -> Adoption:
    adoption = queries.latest_adoption(session, policy_id=policy.id)  # type: ignore[arg-type]
    if adoption is None:
        raise NotFound("Kebijakan ini belum ditetapkan.", en="This policy has not been adopted yet.")
    return adoption


def _mapped_version_id(session: Session, *, policy: Policy) -> int | None:
    adoption = queries.latest_adoption(session, policy_id=policy.id)  # type: ignore[arg-type]
    latest = latest_version(session, policy_id=policy.id)  # type: ignore[arg-type]
    # The adopted text, else the working draft: keys are kept across versions, so either names it.
    return adoption.version_id if adoption is not None else (latest.id if latest is not None else None)


def mappable_elements(session: Session, *, policy: Policy) -> list[TextElement]:
    """Return the elements a scope may name: those of the adopted text, else of the latest draft."""
    version_id = _mapped_version_id(session, policy=policy)
    return elements_of(session=session, version_id=version_id) if version_id is not None else []


def position_key(position: str) -> str:
    """Return the form two spellings of one jabatan share (case and spacing aside)."""
    return " ".join(position.split()).casefold()


def _target(*, unit: str, position: str) -> tuple[str, str]:
    unit = clean_text(unit, field="unit", label="Unit kerja", label_en="The work unit", max_chars=200)
    position = " ".join(check_position(position).split())
    if unit and position:
        raise InvalidInput(
            "Pilih salah satu: unit kerja atau jabatan, bukan keduanya. Buat dua pemetaan bila perlu.",
            en="Give a work unit or a position, not both. Make two mappings if both apply.",
            field="position",
        )
    if not (unit or position):
        raise InvalidInput(
            "Isi unit kerja atau jabatan yang dikenai bagian ini.",
            en="Give the work unit or the position this part applies to.",
            field="unit",
        )
    return unit, position


def add_scope(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    element_key: str,
    unit: str = "",
    position: str = "",
    now: datetime | None = None,
) -> ElementScope:
    """Map an element of the adopted (else latest) text to a unit or a position; again returns the first."""
    policy = owned_policy(session, actor=actor, slug=slug)
    unit, position = _target(unit=unit, position=position)
    version_id = _mapped_version_id(session, policy=policy)
    if version_id is None or element_by_key(session=session, version_id=version_id, key=element_key) is None:
        raise InvalidInput(
            f"Unsur '{element_key}' tidak ada dalam teks kebijakan ini.",
            en=f"The element '{element_key}' is not in this policy's text.",
            field="element_key",
        )
    found = queries.find_scope(
        session,
        policy_id=policy.id,  # type: ignore[arg-type]
        element_key=element_key,
        unit=unit,
        position=position,
    )
    if found is not None:
        return found
    row = ElementScope(
        policy_id=policy.id,  # type: ignore[arg-type]
        element_key=element_key,
        unit=unit,
        position=position,
        created_at=now or utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        found = queries.find_scope(
            session,
            policy_id=policy.id,  # type: ignore[arg-type]
            element_key=element_key,
            unit=unit,
            position=position,
        )
        if found is None:
            raise
        return found
    return row


def remove_scope(session: Session, *, actor: Actor, slug: str, scope_id: int) -> None:
    """Remove one row of the policy's element-to-unit mapping."""
    policy = owned_policy(session, actor=actor, slug=slug)
    row = queries.scope_of(session, policy_id=policy.id, scope_id=scope_id)  # type: ignore[arg-type]
    if row is None:
        raise NotFound(
            f"Pemetaan {scope_id} tidak ada pada kebijakan ini.",
            en=f"Mapping {scope_id} is not in this policy.",
        )
    session.delete(row)
    session.flush()


def _targets_by_key(scopes: Iterable[ElementScope]) -> dict[str, set[tuple[str, str]]]:
    # ("unit", name) or ("position", its key): one set per element, so an ancestor walk unions them.
    found: dict[str, set[tuple[str, str]]] = {}
    for s in scopes:
        target = ("position", position_key(s.position)) if s.position else ("unit", s.unit)
        found.setdefault(s.element_key, set()).add(target)
    return found


def _content_changes(session: Session, *, old_version_id: int, new_version_id: int) -> list[ElementChange]:
    old = elements_of(session=session, version_id=old_version_id)
    new = elements_of(session=session, version_id=new_version_id)
    return [c for c in diff_elements(old=old, new=new) if c.kind in CONTENT_CHANGES]


def _parents(session: Session, *, version_ids: Sequence[int]) -> dict[str, str | None]:
    parents: dict[str, str | None] = {}
    for version_id in version_ids:
        for e in elements_of(session=session, version_id=version_id):
            parents.setdefault(e.key, e.parent_key)
    return parents


@dataclass(frozen=True)
class ChangeScope:
    """The content changes between two versions, each with the units and positions it applies to."""

    changes: list[tuple[ElementChange, frozenset[tuple[str, str]]]]

    def for_unit(self, unit: str) -> list[ElementChange]:
        """Return the changes that apply to a unit."""
        return [c for c, targets in self.changes if ("unit", unit) in targets]

    def for_reader(self, *, unit: str, position: str) -> list[ElementChange]:
        """Return the changes that apply to a reader: by their unit, or by their position (any case)."""
        mine = {("unit", unit)} | ({("position", position_key(position))} if position.strip() else set())
        return [c for c, targets in self.changes if targets & mine]


def change_scope(
    session: Session, *, policy: Policy, old_version_id: int, new_version_id: int
) -> ChangeScope:
    """Return the content changes between two versions, each with whom it (or an ancestor) is mapped to."""
    targets_by_key = _targets_by_key(queries.scopes_of(session, policy_id=policy.id))  # type: ignore[arg-type]
    parents = _parents(session, version_ids=[new_version_id, old_version_id])
    scoped: list[tuple[ElementChange, frozenset[tuple[str, str]]]] = []
    for change in _content_changes(session, old_version_id=old_version_id, new_version_id=new_version_id):
        targets: set[tuple[str, str]] = set()
        key = change.new_key or change.old_key
        seen: set[str] = set()
        while key is not None and key not in seen:  # the element, then each ancestor
            seen.add(key)
            targets |= targets_by_key.get(key, set())
            key = parents.get(key)
        scoped.append((change, frozenset(targets)))
    return ChangeScope(scoped)


def request_reacknowledgements(session: Session, *, slug: str, now: datetime) -> int:
    """Ask again only the earlier readers whose unit or position a change applies to; count the requests."""
    policy = get_policy(session, slug=slug)
    adoption = queries.latest_adoption(session, policy_id=policy.id)  # type: ignore[arg-type]
    if adoption is None:
        return 0
    current = adoption.version_id
    earlier: dict[int, list[int]] = {}  # version read → its readers
    for account_id, ack in queries.latest_acknowledgements(session, policy_id=policy.id).items():  # type: ignore[arg-type]
        if ack.version_id != current:
            earlier.setdefault(ack.version_id, []).append(account_id)
    new = 0
    for version_id, account_ids in sorted(earlier.items()):
        scope = change_scope(session, policy=policy, old_version_id=version_id, new_version_id=current)
        people = [
            a
            for a in active_accounts(session, ids=account_ids)
            if scope.for_reader(unit=a.unit, position=a.position)
        ]
        new += notify(
            session,
            key=f"{REACK_PREFIX}:{current}:from-{version_id}",
            template=REACK_REQUEST,
            recipients=[Recipient.of(a) for a in people],
            due_at=now,
            policy=policy,
            context=policy_context(policy),
            channels=(Channel.EMAIL, Channel.INBOX),
        )
    return new


def ask_again(session: Session, *, actor: Actor, slug: str, now: datetime | None = None) -> int:
    """Ask again the readers (by unit or position) a change since their version applies to (the owner)."""
    owned_policy(session, actor=actor, slug=slug)
    _adopted(session, policy=get_policy(session, slug=slug))
    return request_reacknowledgements(session, slug=slug, now=now or utcnow())


@dataclass(frozen=True)
class WhatToRead:
    """What a reader must read of the adopted text: all of it, only some changes, or nothing."""

    version_number: int
    read_version_number: int | None  # the version they acknowledged last (None: never)
    changes: list[ElementChange]  # only the changes that apply to them (empty with `everything`)
    everything: bool
    done: bool  # they acknowledged the adopted version already

    @property
    def carried(self) -> bool:
        """Tell whether their earlier reading stands: no change since applies to their unit or position."""
        return not (self.everything or self.done or self.changes)


def what_to_read(session: Session, *, actor: Actor | None, slug: str) -> WhatToRead:
    """Tell a reader what to read: the whole adopted text, only the changes for them, or nothing."""
    reader = require_actor(actor)
    account = session.get(Account, reader.id) if reader.id is not None else None
    if account is None:
        raise InvalidInput(
            "Konfirmasi baca memerlukan akun.", en="An acknowledgement needs an account.", field="account"
        )
    policy = get_policy(session, slug=slug)
    adoption = _adopted(session, policy=policy)
    current = session.get(DraftVersion, adoption.version_id)
    assert current is not None  # a foreign key guarantees it
    last = queries.latest_acknowledgements(session, policy_id=policy.id).get(account.id or 0)  # type: ignore[arg-type]
    if last is None:
        return WhatToRead(current.number, None, [], everything=True, done=False)
    read = session.get(DraftVersion, last.version_id)
    assert read is not None
    if last.version_id == current.id:
        return WhatToRead(current.number, read.number, [], everything=False, done=True)
    scope = change_scope(session, policy=policy, old_version_id=read.id, new_version_id=current.id)  # type: ignore[arg-type]
    changes = scope.for_reader(unit=account.unit, position=account.position)
    return WhatToRead(current.number, read.number, changes, everything=False, done=False)
