"""Reads shared by actions, the API, pages and flows: every query lives here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from policies.errors import NotFound
from policies.lifecycle import AdoptionFacts, Evidence, KindRules, WindowFacts
from policies.models import (
    Acknowledgement,
    Adoption,
    Clause,
    Comment,
    ConsultationWindow,
    Disposition,
    DraftVersion,
    Policy,
    PolicyKind,
    SocializationSession,
    StageEvent,
    SurveyRound,
    Workshop,
)


def get_policy(session: Session, *, slug: str, for_update: bool = False) -> Policy:
    """Return a policy by slug or raise NotFound."""
    if "\x00" in slug:
        # No slug holds NUL, and PostgreSQL would fail the query instead of finding nothing.
        shown = slug.replace("\x00", "")
        raise NotFound(f"Kebijakan '{shown}' tidak ditemukan.", en=f"There is no policy '{shown}'.")
    stmt = select(Policy).where(Policy.slug == slug)
    if for_update:
        stmt = stmt.with_for_update()
    policy = session.exec(stmt).first()
    if policy is None:
        raise NotFound(f"Kebijakan '{slug}' tidak ditemukan.", en=f"There is no policy '{slug}'.")
    return policy


def get_kind(
    session: Session, *, kind_id: int | None = None, code: str | None = None
) -> PolicyKind:
    """Return a policy kind by id or code or raise NotFound."""
    stmt = select(PolicyKind)
    stmt = (
        stmt.where(PolicyKind.id == kind_id)
        if kind_id is not None
        else stmt.where(PolicyKind.code == code)
    )
    kind = session.exec(stmt).first()
    if kind is None:
        raise NotFound(
            f"Jenis kebijakan '{code or kind_id}' tidak ditemukan.",
            en=f"There is no policy kind '{code or kind_id}' (see GET /api/v1/kinds).",
        )
    return kind


def list_kinds(session: Session) -> list[PolicyKind]:
    """Return every policy kind, by code."""
    return list(session.exec(select(PolicyKind).order_by(PolicyKind.code)))


def list_policies(session: Session) -> list[Policy]:
    """Return every policy, by slug."""
    return list(session.exec(select(Policy).order_by(Policy.slug)))


def list_versions(session: Session, *, policy_id: int) -> list[DraftVersion]:
    """Return a policy's versions, oldest first."""
    stmt = select(DraftVersion).where(DraftVersion.policy_id == policy_id)
    return list(session.exec(stmt.order_by(DraftVersion.number)))


def get_version(session: Session, *, policy_id: int, number: int) -> DraftVersion:
    """Return a version by its number or raise NotFound."""
    stmt = select(DraftVersion).where(
        DraftVersion.policy_id == policy_id, DraftVersion.number == number
    )
    version = session.exec(stmt).first()
    if version is None:
        raise NotFound(f"Versi {number} tidak ditemukan.", en=f"There is no version {number}.")
    return version


def latest_version(
    session: Session, *, policy_id: int, published: bool = False
) -> DraftVersion | None:
    """Return the newest version, or the newest published one."""
    stmt = select(DraftVersion).where(DraftVersion.policy_id == policy_id)
    if published:
        stmt = stmt.where(col(DraftVersion.published_at).is_not(None))
    return session.exec(stmt.order_by(col(DraftVersion.number).desc())).first()


def clauses_of(session: Session, *, version_id: int) -> list[Clause]:
    """Return a version's clauses in reading order."""
    stmt = select(Clause).where(Clause.version_id == version_id).order_by(Clause.position)
    return list(session.exec(stmt))


def current_window(session: Session, *, policy: Policy) -> ConsultationWindow | None:
    """Return the current cycle's latest consultation window."""
    stmt = (
        select(ConsultationWindow)
        .where(ConsultationWindow.policy_id == policy.id, ConsultationWindow.cycle == policy.cycle)
        .order_by(col(ConsultationWindow.id).desc())
    )
    return session.exec(stmt).first()


def cycle_windows(session: Session, *, policy: Policy) -> list[ConsultationWindow]:
    """Return every consultation window of the current cycle, oldest first."""
    stmt = (
        select(ConsultationWindow)
        .where(ConsultationWindow.policy_id == policy.id, ConsultationWindow.cycle == policy.cycle)
        .order_by(col(ConsultationWindow.id))
    )
    return list(session.exec(stmt))


def cycle_window_ids(session: Session, *, policy: Policy) -> list[int]:
    """Return the ids of the current cycle's consultation windows, oldest first."""
    stmt = (
        select(ConsultationWindow.id)
        .where(ConsultationWindow.policy_id == policy.id, ConsultationWindow.cycle == policy.cycle)
        .order_by(col(ConsultationWindow.id))
    )
    return [int(i) for i in session.exec(stmt)]  # type: ignore[arg-type]


def in_windows(column: Any, *, window_ids: Sequence[int]) -> Any:
    """Return the condition "column is one of these windows" (an equality for one, as is usual)."""
    if len(window_ids) == 1:
        # An equality keeps the planners on the (window_id, ...) indexes' fast path.
        return column == window_ids[0]
    return column.in_(list(window_ids))


def current_adoption(session: Session, *, policy: Policy) -> Adoption | None:
    """Return the adoption of the current cycle, if recorded."""
    stmt = select(Adoption).where(Adoption.policy_id == policy.id, Adoption.cycle == policy.cycle)
    return session.exec(stmt).first()


def latest_adoption(session: Session, *, policy_id: int) -> Adoption | None:
    """Return the most recent adoption of any cycle."""
    stmt = select(Adoption).where(Adoption.policy_id == policy_id)
    return session.exec(stmt.order_by(col(Adoption.cycle).desc())).first()


def stage_history(session: Session, *, policy_id: int) -> list[StageEvent]:
    """Return the stage log, oldest first."""
    stmt = select(StageEvent).where(StageEvent.policy_id == policy_id)
    return list(session.exec(stmt.order_by(StageEvent.id)))


def _count(session: Session, stmt: sa.Select) -> int:
    return int(session.exec(stmt).one() or 0)  # type: ignore[call-overload]


def undisposed_comments(session: Session, *, window_id: int) -> int:
    """Count visible top-level comments of one window still lacking a disposition."""
    return undisposed_in_windows(session, window_ids=[window_id])


def undisposed_in_windows(session: Session, *, window_ids: Sequence[int]) -> int:
    """Count visible top-level comments of these windows still lacking a disposition.

    Hidden comments are left out: a moderator hid them with a recorded reason, and that reason
    is the answer the register gives instead.
    """
    if not window_ids:
        return 0
    stmt = (
        select(func.count())
        .select_from(Comment)
        .outerjoin(Disposition, col(Disposition.comment_id) == Comment.id)
        .where(
            in_windows(Comment.window_id, window_ids=window_ids),
            col(Comment.parent_id).is_(None),
            col(Comment.hidden_at).is_(None),
            col(Disposition.id).is_(None),
        )
    )
    return _count(session, stmt)


def undisposed_in_cycle(session: Session, *, policy: Policy) -> int:
    """Count the visible comments of every window of the current cycle still lacking a disposition."""
    return undisposed_in_windows(session, window_ids=cycle_window_ids(session, policy=policy))


def gather_evidence(session: Session, *, policy: Policy, now: datetime) -> Evidence:
    """Collect, for the current cycle, every fact the gates read."""
    kind = get_kind(session, kind_id=policy.kind_id)
    pid, cycle = policy.id, policy.cycle
    versions = (
        select(func.count())
        .select_from(DraftVersion)
        .where(DraftVersion.policy_id == pid, DraftVersion.cycle == cycle)
    )
    published = versions.where(col(DraftVersion.published_at).is_not(None))
    workshops = (
        select(func.count())
        .select_from(Workshop)
        .where(
            Workshop.policy_id == pid,
            Workshop.cycle == cycle,
            col(Workshop.minutes_recorded_at).is_not(None),
        )
    )
    windows = cycle_windows(session, policy=policy)
    window = windows[-1] if windows else None
    window_facts = None
    comments_open = 0
    undisposed = 0
    if window is not None:
        version = session.get(DraftVersion, window.version_id)
        window_facts = WindowFacts(
            opens_at=window.opens_at,
            closes_at=window.closes_at,
            closed_at=window.closed_at,
            report_published_at=window.report_published_at,
            version_published=bool(version and version.published_at),
        )
        # Every window of the cycle owes its answers, not only the latest: a second window must
        # never hide the first one's unanswered comments.
        ids = [w.id for w in windows]
        undisposed = undisposed_in_windows(session, window_ids=ids)  # type: ignore[arg-type]
        comments_open = _count(
            session,
            select(func.count()).select_from(Comment).where(in_windows(Comment.window_id, window_ids=ids)),  # type: ignore[arg-type]
        )
    adoption = current_adoption(session, policy=policy)
    sessions = session.exec(
        select(
            func.count(), func.coalesce(func.sum(SocializationSession.attendance_count), 0)
        ).where(SocializationSession.policy_id == pid, SocializationSession.cycle == cycle)
    ).one()
    acks = 0
    if adoption is not None:
        acks = _count(
            session,
            select(func.count())
            .select_from(Acknowledgement)
            .where(Acknowledgement.version_id == adoption.version_id),
        )
    rounds = (
        select(func.count())
        .select_from(SurveyRound)
        .where(
            SurveyRound.policy_id == pid,
            SurveyRound.cycle == cycle,
            col(SurveyRound.closed_at).is_not(None),
            col(SurveyRound.report_published_at).is_not(None),
        )
    )
    return Evidence(
        now=now,
        rules=KindRules.from_mapping(kind.rules),
        cycle=cycle,
        draft_versions=_count(session, versions),
        published_versions=_count(session, published),
        workshops_with_minutes=_count(session, workshops),
        window=window_facts,
        comments_open=comments_open,
        comments_without_disposition=undisposed,
        adoption=(
            AdoptionFacts(adoption.instrument_type, adoption.number, adoption.adopted_on)
            if adoption
            else None
        ),
        socialization_sessions=int(sessions[0]),
        attendance_total=int(sessions[1]),
        acknowledgements=acks,
        audience_size=policy.audience_size,
        closed_rounds_with_report=_count(session, rounds),
    )
