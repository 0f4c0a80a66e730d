"""Reads of a policy's adoption, socialization sessions, acknowledgements and mentoring pairs."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from policies.accounts.models import Account
from policies.drafting.models import DraftVersion
from policies.lifecycle.models import Policy, Stage
from policies.outbox import hooks
from policies.outbox.models import Reminder
from policies.rollout.models import (
    Acknowledgement,
    Adoption,
    ElementScope,
    MentoringPair,
    SocializationAttendance,
    SocializationSession,
)


def current_adoption(session: Session, *, policy: Policy) -> Adoption | None:
    """Return the adoption of the current cycle, if recorded."""
    stmt = select(Adoption).where(Adoption.policy_id == policy.id, Adoption.cycle == policy.cycle)
    return session.exec(stmt).first()


def latest_adoption(session: Session, *, policy_id: int, before_cycle: int | None = None) -> Adoption | None:
    """Return the most recent adoption of any cycle (or of the cycles before one)."""
    stmt = select(Adoption).where(Adoption.policy_id == policy_id)
    if before_cycle is not None:
        stmt = stmt.where(Adoption.cycle < before_cycle)
    return session.exec(stmt.order_by(col(Adoption.cycle).desc())).first()


def adoptions_of(session: Session, *, policy_id: int) -> list[Adoption]:
    """Return every cycle's adoption of a policy, the earliest cycle first (each stays on the record)."""
    stmt = select(Adoption).where(Adoption.policy_id == policy_id).order_by(col(Adoption.cycle))
    return list(session.exec(stmt))


def acknowledgement_of(session: Session, *, version_id: int, account_id: int) -> Acknowledgement | None:
    """Return the account's acknowledgement of a version, if given."""
    stmt = select(Acknowledgement).where(
        Acknowledgement.version_id == version_id, Acknowledgement.account_id == account_id
    )
    return session.exec(stmt).first()


def has_acknowledged(session: Session, *, version_id: int, account_id: int) -> bool:
    """Tell whether the account has acknowledged a version."""
    stmt = select(Acknowledgement.id).where(
        Acknowledgement.version_id == version_id, Acknowledgement.account_id == account_id
    )
    return session.exec(stmt).first() is not None


def acknowledged_account_ids(session: Session, *, version_id: int) -> set[int]:
    """Return the ids of the accounts that acknowledged a version."""
    stmt = select(Acknowledgement.account_id).where(Acknowledgement.version_id == version_id)
    return set(session.exec(stmt))


def recent_adoptions(session: Session, *, limit: int) -> list[tuple[Policy, Adoption]]:
    """Return the latest adoptions of policies not withdrawn, with their policies, newest first."""
    stmt = (
        select(Policy, Adoption)
        .join(Adoption, col(Adoption.policy_id) == Policy.id)
        .where(Policy.stage != Stage.WITHDRAWN.value)
        .order_by(col(Adoption.adopted_on).desc(), col(Adoption.id).desc())
        .limit(limit)
    )
    return list(session.exec(stmt).all())  # type: ignore[arg-type]


def list_sessions(session: Session, *, policy_id: int) -> list[SocializationSession]:
    """Return a policy's socialization sessions of every cycle, in date order."""
    stmt = select(SocializationSession).where(SocializationSession.policy_id == policy_id)
    return list(session.exec(stmt.order_by(col(SocializationSession.held_on), col(SocializationSession.id))))


def list_mentoring_pairs(session: Session, *, policy_id: int) -> list[MentoringPair]:
    """Return a policy's mentoring pairs of every cycle, in the order they started."""
    stmt = select(MentoringPair).where(MentoringPair.policy_id == policy_id)
    return list(session.exec(stmt.order_by(col(MentoringPair.started_on), col(MentoringPair.id))))


def acknowledgement_count(session: Session, *, version_id: int) -> int:
    """Count the acknowledgements of a version."""
    stmt = select(func.count()).select_from(Acknowledgement).where(Acknowledgement.version_id == version_id)
    return int(session.exec(stmt).one())


def mentee_count(session: Session, *, policy_id: int, cycle: int) -> int:
    """Count the distinct mentees (by name and NIP) of a policy's cycle."""
    stmt = select(func.count(func.distinct(MentoringPair.mentee_name + MentoringPair.mentee_nip))).where(
        MentoringPair.policy_id == policy_id, MentoringPair.cycle == cycle
    )
    return int(session.exec(stmt).one())


def acknowledgement_still_owed(*, prefix: str) -> sa.ColumnElement[bool]:
    """Hold for a reading request whose recipient has not acknowledged the version its key names."""
    done = (
        select(Acknowledgement.id)
        .where(
            col(Acknowledgement.account_id) == Reminder.recipient_account_id,
            hooks.key_names(prefix=prefix, ident=col(Acknowledgement.version_id)),
        )
        .exists()
    )
    return ~done


def attendance_count(session: Session, *, session_id: int) -> int:
    """Count the people named in a socialization session's daftar hadir."""
    stmt = (
        select(func.count())
        .select_from(SocializationAttendance)
        .where(SocializationAttendance.session_id == session_id)
    )
    return int(session.exec(stmt).one())


def attendance_of_sessions(
    session: Session, *, session_ids: list[int]
) -> dict[int, list[SocializationAttendance]]:
    """Return the daftar hadir of each of these sessions, in the order recorded."""
    stmt = (
        select(SocializationAttendance)
        .where(col(SocializationAttendance.session_id).in_(session_ids))
        .order_by(col(SocializationAttendance.id))
    )
    found: dict[int, list[SocializationAttendance]] = {i: [] for i in session_ids}
    for row in session.exec(stmt):
        found.setdefault(row.session_id, []).append(row)
    return found


def scopes_of(session: Session, *, policy_id: int) -> list[ElementScope]:
    """Return a policy's element-to-unit mapping, by element then unit."""
    stmt = select(ElementScope).where(ElementScope.policy_id == policy_id)
    order = (col(ElementScope.element_key), col(ElementScope.unit), col(ElementScope.position))
    return list(session.exec(stmt.order_by(*order)))


def scope_of(session: Session, *, policy_id: int, scope_id: int) -> ElementScope | None:
    """Return one row of a policy's element-to-unit mapping, if it is this policy's."""
    row = session.get(ElementScope, scope_id)
    return row if row is not None and row.policy_id == policy_id else None


def find_scope(
    session: Session, *, policy_id: int, element_key: str, unit: str, position: str
) -> ElementScope | None:
    """Return the mapping row of an element and a unit or a position (any case), if there is one."""
    stmt = select(ElementScope).where(
        ElementScope.policy_id == policy_id,
        ElementScope.element_key == element_key,
        ElementScope.unit == unit,
        func.lower(ElementScope.position) == position.lower(),
    )
    return session.exec(stmt).first()


def latest_acknowledgements(session: Session, *, policy_id: int) -> dict[int, Acknowledgement]:
    """Return each account's latest acknowledgement of a policy (the last version it read), by account."""
    stmt = (
        select(Acknowledgement)
        .where(Acknowledgement.policy_id == policy_id)
        .order_by(
            col(Acknowledgement.account_id), col(Acknowledgement.acknowledged_at), col(Acknowledgement.id)
        )
    )
    return {a.account_id: a for a in session.exec(stmt)}


def acknowledgements_by_version_and_unit(session: Session, *, policy_id: int) -> list[tuple[int, str, int]]:
    """Count a policy's acknowledgements per version number and reader's unit."""
    stmt = (
        select(DraftVersion.number, Account.unit, func.count())
        .select_from(Acknowledgement)
        .join(DraftVersion, col(DraftVersion.id) == Acknowledgement.version_id)
        .join(Account, col(Account.id) == Acknowledgement.account_id)
        .where(Acknowledgement.policy_id == policy_id)
        .group_by(col(DraftVersion.number), col(Account.unit))
        .order_by(col(DraftVersion.number), col(Account.unit))
    )
    return [(int(n), str(u), int(c)) for n, u, c in session.exec(stmt)]
