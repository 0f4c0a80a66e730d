"""Reads of policies, their kinds, stage log, stage work and documents, and the evidence their gates read.

The stage advance's lock (`move_stage`) and the stage-work outbox's statements live here too, as
they were written: their SQL is what the plans and the measured speed were taken on.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, func, or_, select

from policies.consultation.models import Comment
from policies.consultation.queries import count_rows, cycle_windows, in_windows, undisposed_in_windows
from policies.consultation.queries.changes import untraced_acceptances
from policies.core.errors import NotFound
from policies.drafting.models import DraftVersion
from policies.drafting.queries import clause_headings
from policies.evaluation.models import SurveyRound
from policies.lifecycle import AdoptionFacts, Evidence, KindRules, UntracedComment, WindowFacts
from policies.lifecycle.models import Policy, PolicyKind, Stage, StageDocument, StageEvent, WorkState
from policies.outbox.models import Reminder
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


def get_policy_by_id(session: Session, *, policy_id: int, for_update: bool = False) -> Policy:
    """Return a policy by id (locked for update if asked) or raise NotFound."""
    stmt = select(Policy).where(Policy.id == policy_id)
    if for_update:
        stmt = stmt.with_for_update()
    policy = session.exec(stmt).first()
    if policy is None:
        raise NotFound(f"Kebijakan {policy_id} tidak ditemukan.", en=f"There is no policy {policy_id}.")
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


def find_kind(session: Session, *, code: str) -> PolicyKind | None:
    """Return the policy kind with this code, if there is one."""
    return session.exec(select(PolicyKind).where(PolicyKind.code == code)).first()


def slug_taken(session: Session, *, slug: str) -> bool:
    """Tell whether a policy already has this slug."""
    return session.exec(select(Policy.id).where(Policy.slug == slug)).first() is not None


def move_stage(
    session: Session, *, policy_id: int, seen: int, to_stage: Stage, cycle: int, now: datetime
) -> bool:
    """Move a policy to a stage if its lock version is still the one seen; tell whether it moved."""
    result = session.execute(
        sa.update(Policy)
        .where(Policy.id == policy_id, Policy.lock_version == seen)  # type: ignore[arg-type]
        .values(stage=to_stage.value, cycle=cycle, lock_version=seen + 1, stage_changed_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def list_kinds(session: Session) -> list[PolicyKind]:
    """Return every policy kind, by code."""
    return list(session.exec(select(PolicyKind).order_by(PolicyKind.code)))


def list_policies(session: Session) -> list[Policy]:
    """Return every policy, by slug."""
    return list(session.exec(select(Policy).order_by(Policy.slug)))


def policies_by_title(
    session: Session, *, stage: Stage | None = None, unit: str | None = None
) -> list[Policy]:
    """Return the policies (of one stage, of one unit, when given) by title."""
    stmt = select(Policy)
    if stage is not None:
        stmt = stmt.where(Policy.stage == stage.value)
    if unit:
        stmt = stmt.where(Policy.unit == unit)
    return list(session.exec(stmt.order_by(col(Policy.title))))


def policies_with_kinds(session: Session, *, stage: Stage | None = None) -> list[tuple[Policy, PolicyKind]]:
    """Return every policy (or those in one stage) with its kind, by title."""
    stmt = select(Policy, PolicyKind).join(PolicyKind, col(PolicyKind.id) == Policy.kind_id)
    if stage is not None:
        stmt = stmt.where(Policy.stage == stage.value)
    return list(session.exec(stmt.order_by(col(Policy.title))).all())  # type: ignore[arg-type]


def count_by_stage(session: Session) -> list[tuple[str, int]]:
    """Count the policies in each stage that has any."""
    return [
        (stage, int(n))
        for stage, n in session.exec(select(Policy.stage, func.count()).group_by(Policy.stage))
    ]


def get_document(session: Session, *, policy_id: int, cycle: int, kind: str) -> StageDocument | None:
    """Return a policy's rendered document of a kind for a cycle."""
    return session.exec(
        select(StageDocument).where(
            StageDocument.policy_id == policy_id, StageDocument.cycle == cycle, StageDocument.kind == kind
        )
    ).first()


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
    untraced: tuple[UntracedComment, ...] = ()
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
        pending = untraced_acceptances(session, window_ids=ids)  # type: ignore[arg-type]
        if pending:
            headings = clause_headings(session, policy_id=pid)  # type: ignore[arg-type]
            untraced = tuple(UntracedComment(i, headings.get(k, "")) for i, k in pending)
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
        untraced_acceptances=untraced,
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


def latest_event_id(session: Session, *, policy_id: int) -> int | None:
    """Return the id of a policy's newest stage event (None before its first)."""
    stmt = select(StageEvent.id).where(StageEvent.policy_id == policy_id)
    return session.exec(stmt.order_by(col(StageEvent.id).desc())).first()


def owed_events(session: Session, *, stale: datetime) -> list[tuple[StageEvent, str]]:
    """Return the events whose work is pending, or dispatched before `stale`, with their slugs."""
    stmt = (
        select(StageEvent, Policy.slug)
        .join(Policy, col(Policy.id) == StageEvent.policy_id)
        .where(
            or_(
                StageEvent.work_state == WorkState.PENDING,
                (StageEvent.work_state == WorkState.DISPATCHED)
                & (col(StageEvent.work_dispatched_at) < stale),
            )
        )
        .order_by(col(StageEvent.id))
    )
    return list(session.exec(stmt).all())  # type: ignore[arg-type]


def runs_in_flight(session: Session, *, limit: int) -> list[tuple[int, str]]:
    """Return the (event id, run id) of dispatched work not reported finished, newest first."""
    stmt = (
        select(StageEvent.id, StageEvent.flow_run_id)
        .where(StageEvent.work_state == WorkState.DISPATCHED, col(StageEvent.flow_run_id).is_not(None))
        .order_by(col(StageEvent.id).desc())
        .limit(limit)
    )
    return [(event_id, run_id) for event_id, run_id in session.exec(stmt)]  # type: ignore[misc]


def claim_event_work(
    session: Session, *, event_id: int, attempt: int, flow_run_id: str, state: WorkState, next_attempt: int
) -> bool:
    """Move an event's work on from `attempt` of run `flow_run_id` unless someone did; tell whether we did.

    One conditional UPDATE: two dispatchers racing over the same stuck run both try it, and only
    the first matches the row (the second finds the attempt moved on), so a recovery happens once.
    """
    result = session.execute(
        sa.update(StageEvent)
        .where(
            col(StageEvent.id) == event_id,
            col(StageEvent.work_attempt) == attempt,
            col(StageEvent.flow_run_id) == flow_run_id,
            col(StageEvent.work_state) == WorkState.DISPATCHED,
        )
        .values(work_attempt=next_attempt, work_state=state)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def policy_not_withdrawn() -> sa.ColumnElement[bool]:
    """Hold for a reminder about no policy, or about one that exists and is not withdrawn (outbox hooks)."""
    in_force = (
        select(Policy.id)
        .where(col(Policy.id) == Reminder.policy_id, Policy.stage != Stage.WITHDRAWN.value)
        .exists()
    )
    return or_(col(Reminder.policy_id).is_(None), in_force)
