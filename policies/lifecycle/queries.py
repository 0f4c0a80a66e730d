"""Reads of policies, their kinds and stage log, and the evidence their gates read."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, func, select

from policies.consultation.models import Comment
from policies.consultation.queries import count_rows, cycle_windows, in_windows, undisposed_in_windows
from policies.core.errors import NotFound
from policies.drafting.models import DraftVersion
from policies.evaluation.models import SurveyRound
from policies.lifecycle import AdoptionFacts, Evidence, KindRules, WindowFacts
from policies.lifecycle.models import Policy, PolicyKind, StageEvent
from policies.rollout.models import Acknowledgement, SocializationSession
from policies.rollout.queries import current_adoption
from policies.workshops.models import Workshop


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


def get_kind(session: Session, *, kind_id: int | None = None, code: str | None = None) -> PolicyKind:
    """Return a policy kind by id or code or raise NotFound."""
    stmt = select(PolicyKind)
    stmt = (
        stmt.where(PolicyKind.id == kind_id) if kind_id is not None else stmt.where(PolicyKind.code == code)
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


def stage_history(session: Session, *, policy_id: int) -> list[StageEvent]:
    """Return the stage log, oldest first."""
    stmt = select(StageEvent).where(StageEvent.policy_id == policy_id)
    return list(session.exec(stmt.order_by(StageEvent.id)))


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
        comments_open = count_rows(
            session,
            select(func.count()).select_from(Comment).where(in_windows(Comment.window_id, window_ids=ids)),  # type: ignore[arg-type]
        )
    adoption = current_adoption(session, policy=policy)
    sessions = session.exec(
        select(func.count(), func.coalesce(func.sum(SocializationSession.attendance_count), 0)).where(
            SocializationSession.policy_id == pid, SocializationSession.cycle == cycle
        )
    ).one()
    acks = 0
    if adoption is not None:
        acks = count_rows(
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
        draft_versions=count_rows(session, versions),
        published_versions=count_rows(session, published),
        workshops_with_minutes=count_rows(session, workshops),
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
        closed_rounds_with_report=count_rows(session, rounds),
    )
