"""Stage work in the transactional outbox: what is owed, its states, and its run's last reported state.

The orchestrator's own vocabulary (deployment and run names, tags, its state types) lives on the
flows side, in `flows/orchestration.py`; the domain only records what it is told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from policies.core.db import utcnow
from policies.core.errors import NotFound
from policies.lifecycle import queries
from policies.lifecycle.models import Policy, Stage, StageEvent, WorkState

# A dispatched run that has not reported back after this long is asked for again (same key).
STALE_AFTER = timedelta(minutes=10)
# The runs whose state the dispatcher reads back in one call.
MAX_IN_FLIGHT = 200


def idempotency_key(*, event_id: int, at: datetime) -> str:
    """Key a stage event's run uniquely across database resets and installs sharing one Prefect.

    Event ids restart after a reset and repeat between environments; the event's timestamp
    (microseconds, UTC) does not, so a stale key never hands back another database's run.
    """
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return f"siklus:{event_id}:{at:%Y%m%dT%H%M%S%f}"


@dataclass(frozen=True)
class StageWork:
    """One stage's owed work, with what a deployment run needs as parameters."""

    event_id: int
    slug: str
    stage: Stage
    cycle: int
    at: datetime

    @property
    def idempotency_key(self) -> str:
        """Return the key that makes every request for this work the same Prefect run."""
        return idempotency_key(event_id=self.event_id, at=self.at)

    @property
    def parameters(self) -> dict[str, object]:
        """Return the stage flow's parameters."""
        return {"event_id": self.event_id, "slug": self.slug, "cycle": self.cycle}


def pending_work(
    session: Session, *, now: datetime | None = None, stale_after: timedelta = STALE_AFTER
) -> list[StageWork]:
    """List stage work not started yet, or dispatched so long ago that it may have been lost."""
    now = now or utcnow()
    return [work_of(e, slug=slug) for e, slug in queries.owed_events(session, stale=now - stale_after)]


def retire_superseded(session: Session) -> int:
    """Mark unstarted work of events a later stage change superseded as owed no more."""
    ids = queries.superseded_event_ids(session)
    if ids:
        queries.set_work_state(session, event_ids=ids, state=WorkState.NONE)
        session.flush()
    return len(ids)


def get_work(session: Session, *, event_id: int) -> StageWork:
    """Return the work of one stage event or raise NotFound."""
    event = _get_event(session, event_id)
    policy = session.get(Policy, event.policy_id)
    assert policy is not None  # a foreign key guarantees it
    return work_of(event, slug=policy.slug)


def work_of(event: StageEvent, *, slug: str) -> StageWork:
    """Describe the work a stage event owes (its id, stage, cycle and timestamp)."""
    return StageWork(
        event_id=event.id,  # type: ignore[arg-type]
        slug=slug,
        stage=Stage(event.to_stage),
        cycle=event.cycle,
        at=event.at,
    )


def latest_event(session: Session, *, policy_id: int) -> StageEvent:
    """Return a policy's newest stage event (the one whose work is owed)."""
    event_id = queries.latest_event_id(session, policy_id=policy_id)
    if event_id is None:
        raise NotFound(
            f"Kebijakan {policy_id} belum memiliki riwayat tahap.",
            en=f"Policy {policy_id} has no stage history yet.",
        )
    return _get_event(session, event_id)


def _get_event(session: Session, event_id: int) -> StageEvent:
    event = session.get(StageEvent, event_id)
    if event is None:
        raise NotFound(
            f"Peristiwa tahap {event_id} tidak ditemukan.", en=f"Stage event {event_id} not found."
        )
    return event


def is_superseded(session: Session, *, event_id: int) -> bool:
    """Tell whether the policy has moved on since this event, so its work is no longer owed."""
    event = _get_event(session, event_id)
    return queries.latest_event_id(session, policy_id=event.policy_id) != event_id


def mark_dispatched(
    session: Session, *, event_id: int, flow_run_id: str, now: datetime | None = None
) -> StageEvent:
    """Record that Prefect accepted the work; a finished event keeps its state."""
    event = _get_event(session, event_id)
    if event.work_state in (WorkState.DONE, WorkState.FAILED):
        return event  # a re-run of finished work leaves its record as it was
    event.work_state = WorkState.DISPATCHED
    event.work_dispatched_at = now or utcnow()
    # The idempotency key makes every dispatch of one event the same run, so the id is stable.
    event.flow_run_id = flow_run_id or event.flow_run_id
    session.add(event)
    session.flush()
    return event


def _finish(session: Session, *, event_id: int, state: WorkState, flow_run_id: str | None) -> StageEvent:
    event = _get_event(session, event_id)
    event.work_state = state
    if flow_run_id and not event.flow_run_id:
        event.flow_run_id = flow_run_id
    session.add(event)
    session.flush()
    return event


def mark_done(session: Session, *, event_id: int, flow_run_id: str | None = None) -> StageEvent:
    """Record that the stage's work completed; marking twice changes nothing."""
    return _finish(session, event_id=event_id, state=WorkState.DONE, flow_run_id=flow_run_id)


def mark_failed(session: Session, *, event_id: int, flow_run_id: str | None = None) -> StageEvent:
    """Record that the stage's work failed after its retries (a person re-runs it from Prefect)."""
    return _finish(session, event_id=event_id, state=WorkState.FAILED, flow_run_id=flow_run_id)


def mark_superseded(session: Session, *, event_id: int) -> StageEvent:
    """Record that no work is owed any more because the policy moved on (finished work stays)."""
    event = _get_event(session, event_id)
    if event.work_state in (WorkState.PENDING, WorkState.DISPATCHED):
        return _finish(session, event_id=event_id, state=WorkState.NONE, flow_run_id=None)
    return event


def record_run_state(
    session: Session, *, event_id: int, flow_run_id: str, state: str, at: datetime | None = None
) -> StageEvent:
    """Record the state the event's run last reported (`Running`, `Crashed`, ...).

    Only the run recorded on the event speaks for it (a later re-run of finished work leaves the
    record as it was), and an older report never overwrites a newer one.
    """
    event = _get_event(session, event_id)
    at = at or utcnow()
    if event.flow_run_id not in (None, flow_run_id):
        return event
    if event.flow_run_state_at is None or at >= event.flow_run_state_at:
        event.flow_run_state, event.flow_run_state_at = state, at
        session.add(event)
        session.flush()
    return event


def record_dispatch(
    session: Session,
    *,
    event_id: int,
    flow_run_id: str,
    outcome: WorkState = WorkState.DISPATCHED,
    run_state: str | None = None,
    run_state_at: datetime | None = None,
    now: datetime | None = None,
) -> StageEvent:
    """Record the orchestrator's answer to a (re-)dispatch: a run that already ended settles the work.

    The idempotency key hands back the same run every time, so re-asking after a crash or a
    failure would loop forever: the caller says the work FAILED instead (the history shows the
    run's state, a person retries it from Prefect's UI, and that retry marks the work done).
    """
    if outcome is WorkState.FAILED:
        event = mark_failed(session, event_id=event_id, flow_run_id=flow_run_id)
    elif outcome is WorkState.DONE:
        event = mark_done(session, event_id=event_id, flow_run_id=flow_run_id)
    else:
        event = mark_dispatched(session, event_id=event_id, flow_run_id=flow_run_id, now=now)
    if run_state:
        return record_run_state(
            session, event_id=event_id, flow_run_id=flow_run_id, state=run_state, at=run_state_at
        )
    return event


def runs_in_flight(session: Session, *, limit: int = MAX_IN_FLIGHT) -> list[tuple[int, str]]:
    """List the (event id, run id) of dispatched work not reported finished, newest first."""
    return queries.runs_in_flight(session, limit=limit)
