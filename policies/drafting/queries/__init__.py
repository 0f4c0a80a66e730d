"""Reads of draft versions and their clauses."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session, col, select

from policies.consultation.models import ConsultationWindow
from policies.core.errors import NotFound
from policies.drafting.models import Clause, DraftVersion, RevisionNote
from policies.lifecycle.models import Policy


def list_versions(session: Session, *, policy_id: int) -> list[DraftVersion]:
    """Return a policy's versions, oldest first."""
    stmt = select(DraftVersion).where(DraftVersion.policy_id == policy_id)
    return list(session.exec(stmt.order_by(DraftVersion.number)))


def get_version(session: Session, *, policy_id: int, number: int) -> DraftVersion:
    """Return a version by its number or raise NotFound."""
    stmt = select(DraftVersion).where(DraftVersion.policy_id == policy_id, DraftVersion.number == number)
    version = session.exec(stmt).first()
    if version is None:
        raise NotFound(f"Versi {number} tidak ditemukan.", en=f"There is no version {number}.")
    return version


def latest_version(session: Session, *, policy_id: int, published: bool = False) -> DraftVersion | None:
    """Return the newest version, or the newest published one."""
    stmt = select(DraftVersion).where(DraftVersion.policy_id == policy_id)
    if published:
        stmt = stmt.where(col(DraftVersion.published_at).is_not(None))
    return session.exec(stmt.order_by(col(DraftVersion.number).desc())).first()


def version_number(session: Session, *, version_id: int) -> int:
    """Return the number of a version by its id (0 if it is gone)."""
    version = session.get(DraftVersion, version_id)
    return version.number if version else 0


def clauses_of(session: Session, *, version_id: int) -> list[Clause]:
    """Return a version's clauses in reading order."""
    stmt = select(Clause).where(Clause.version_id == version_id).order_by(Clause.position)
    return list(session.exec(stmt))


def versions_by_id(session: Session, *, version_ids: Collection[int]) -> dict[int, DraftVersion]:
    """Return these versions, each by its id."""
    stmt = select(DraftVersion).where(col(DraftVersion.id).in_(version_ids))
    return {v.id: v for v in session.exec(stmt)}  # type: ignore[misc]


def next_version(session: Session, *, version: DraftVersion) -> DraftVersion | None:
    """Return the version written after this one, if there is one yet."""
    stmt = (
        select(DraftVersion)
        .where(DraftVersion.policy_id == version.policy_id, DraftVersion.number > version.number)
        .order_by(col(DraftVersion.number))
        .limit(1)
    )
    return session.exec(stmt).first()


def clause_headings(session: Session, *, policy_id: int) -> dict[str, str]:
    """Return every clause key of a policy's versions with its label ("Pasal 5"), the newest version's."""
    stmt = (
        select(Clause.key, Clause.heading)
        .join(DraftVersion, col(DraftVersion.id) == Clause.version_id)
        .where(DraftVersion.policy_id == policy_id)
        .order_by(col(DraftVersion.number))
    )
    return {key: heading for key, heading in session.exec(stmt)}


def has_clause(session: Session, *, version_id: int, key: str) -> bool:
    """Tell whether a version has a clause with this key."""
    stmt = select(Clause.id).where(Clause.version_id == version_id, Clause.key == key)
    return session.exec(stmt).first() is not None


def clause_heading(session: Session, *, version_id: int, key: str) -> str:
    """Return how a version's text names a clause ("Pasal 5"), or "" when it has no such clause."""
    stmt = select(Clause.heading).where(Clause.version_id == version_id, Clause.key == key)
    return session.exec(stmt).first() or ""


def clause_keys_of_latest(session: Session, *, policy_id: int) -> set[str]:
    """Return the clause keys of the policy's newest version (none before its first draft)."""
    version = latest_version(session, policy_id=policy_id)
    return {c.key for c in clauses_of(session, version_id=version.id)} if version else set()  # type: ignore[arg-type]


def first_version_of_cycle(session: Session, *, policy: Policy) -> DraftVersion | None:
    """Return a version of the policy's current cycle, if one was written."""
    stmt = select(DraftVersion).where(DraftVersion.policy_id == policy.id, DraftVersion.cycle == policy.cycle)
    return session.exec(stmt).first()


def latest_version_of_cycle(session: Session, *, policy: Policy) -> DraftVersion | None:
    """Return the newest version of the policy's current cycle, if one was written."""
    stmt = select(DraftVersion).where(DraftVersion.policy_id == policy.id, DraftVersion.cycle == policy.cycle)
    return session.exec(stmt.order_by(col(DraftVersion.number).desc())).first()


def latest_version_before(session: Session, *, policy: Policy) -> DraftVersion | None:
    """Return the newest version of the cycles before the current one."""
    stmt = select(DraftVersion).where(DraftVersion.policy_id == policy.id, DraftVersion.cycle < policy.cycle)
    return session.exec(stmt.order_by(col(DraftVersion.number).desc())).first()


def revision_notes(session: Session, *, policy_id: int, cycle: int | None = None) -> list[RevisionNote]:
    """Return a policy's revision notes (of one cycle, or of every cycle by cycle) in the order attached."""
    stmt = select(RevisionNote).where(RevisionNote.policy_id == policy_id)
    if cycle is not None:
        stmt = stmt.where(RevisionNote.cycle == cycle)
    return list(session.exec(stmt.order_by(col(RevisionNote.cycle), col(RevisionNote.id))))


def recommendation_note_codes(
    session: Session, *, policy_id: int, cycle: int, recommendation_id: int
) -> set[str]:
    """Return the reason codes of a recommendation already attached as revision notes of a cycle."""
    return set(
        session.exec(
            select(RevisionNote.reason_code).where(
                RevisionNote.policy_id == policy_id,
                RevisionNote.cycle == cycle,
                RevisionNote.source == "recommendation",
                RevisionNote.source_id == recommendation_id,
            )
        )
    )


def consultation_closed(session: Session, *, policy: Policy, now: datetime) -> bool:
    """Tell whether the current cycle had a consultation window and every one of them has ended."""
    stmt = select(ConsultationWindow.closed_at, ConsultationWindow.closes_at).where(
        ConsultationWindow.policy_id == policy.id, ConsultationWindow.cycle == policy.cycle
    )
    ends = list(session.exec(stmt))
    return bool(ends) and all(closed is not None or closes <= now for closed, closes in ends)
