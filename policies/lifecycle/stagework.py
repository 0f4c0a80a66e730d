"""Stage work in the transactional outbox: what is owed, its states, and its run's last reported state.

Work belongs to its transition: every step runs for every stage event, whatever the policy's stage
when it comes to run, unless it became truly obsolete (`why_obsolete`); a retired step is recorded
on its event with the reason, so the history says what was not done and why.

The orchestrator's own vocabulary (deployment and run names, tags, its state types) lives on the
flows side, in `flows/orchestration.py`; the domain only records what it is told.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session

from policies.core.db import utcnow
from policies.core.errors import NotFound
from policies.core.i18n import stage_name
from policies.lifecycle import queries
from policies.lifecycle.models import Policy, Stage, StageEvent, WorkState

if TYPE_CHECKING:  # the specification names every concept's actions; this module needs only the type
    from policies.lifecycle.spec import Step

# A dispatched run that has not reported back after this long is asked for again (same key).
STALE_AFTER = timedelta(minutes=10)
# The runs whose state the dispatcher reads back in one call.
MAX_IN_FLIGHT = 200


def idempotency_key(*, event_id: int, at: datetime, attempt: int = 1) -> str:
    """Key a stage event's run uniquely across database resets and installs sharing one Prefect.

    Event ids restart after a reset and repeat between environments; the event's timestamp
    (microseconds, UTC) does not, so a stale key never hands back another database's run. Each
    recovery starts the next attempt under the next generation of the key (`…:g2`), a new run.
    """
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    key = f"siklus:{event_id}:{at:%Y%m%dT%H%M%S%f}"
    return key if attempt <= 1 else f"{key}:g{attempt}"


@dataclass(frozen=True)
class StageWork:
    """One stage's owed work, with what a deployment run needs as parameters."""

    event_id: int
    slug: str
    stage: Stage
    cycle: int
    at: datetime
    attempt: int = 1

    @property
    def idempotency_key(self) -> str:
        """Return the key that makes every request for this attempt of the work the same Prefect run."""
        return idempotency_key(event_id=self.event_id, at=self.at, attempt=self.attempt)

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
        attempt=event.work_attempt,
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


def superseded(event: StageEvent, flow_run_id: str | None) -> bool:
    """Tell whether a run is one the dispatcher recovered from (a later attempt speaks for the work)."""
    return bool(flow_run_id) and any(r.get("flow_run_id") == flow_run_id for r in event.recovered_work)


def mark_dispatched(
    session: Session, *, event_id: int, flow_run_id: str, now: datetime | None = None
) -> StageEvent:
    """Record that Prefect accepted the work; a finished event keeps its state."""
    event = _get_event(session, event_id)
    if event.work_state in (WorkState.DONE, WorkState.FAILED, WorkState.RETIRED):
        return event  # a re-run of finished work leaves its record as it was
    if superseded(event, flow_run_id):
        return event  # a recovered run that starts late after all: the next attempt owns the work
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


def mark_done(
    session: Session, *, event_id: int, flow_run_id: str | None = None, steps: Sequence[str] = ()
) -> StageEvent:
    """Record that the stage's work completed; RETIRED when each of its `steps` was retired."""
    event = _get_event(session, event_id)
    retired = {r["step"] for r in event.retired_work}
    all_retired = event.work_state == WorkState.RETIRED or (steps and retired >= set(steps))
    state = WorkState.RETIRED if all_retired else WorkState.DONE
    return _finish(session, event_id=event_id, state=state, flow_run_id=flow_run_id)


def mark_failed(session: Session, *, event_id: int, flow_run_id: str | None = None) -> StageEvent:
    """Record that the stage's work failed after its retries (a person re-runs it from Prefect)."""
    event = _get_event(session, event_id)
    if superseded(event, flow_run_id):
        return event
    return _finish(session, event_id=event_id, state=WorkState.FAILED, flow_run_id=flow_run_id)


def record_run_state(
    session: Session, *, event_id: int, flow_run_id: str, state: str, at: datetime | None = None
) -> StageEvent:
    """Record the state the event's run last reported (`Running`, `Crashed`, ...).

    Only the run recorded on the event speaks for it (a later re-run of finished work leaves the
    record as it was), and an older report never overwrites a newer one.
    """
    event = _get_event(session, event_id)
    at = at or utcnow()
    if event.flow_run_id not in (None, flow_run_id) or superseded(event, flow_run_id):
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

    The idempotency key hands back the same run every time: a run that ended unfinished stays
    DISPATCHED with its state recorded, and the dispatcher's recovery (`policies/lifecycle/
    recovery.py`) retries it under the key's next generation or, after the last attempt, says FAILED.
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


@dataclass(frozen=True)
class Obsolete:
    """Why a step of an event's work no longer applies, in both languages."""

    reason: str
    reason_en: str


def why_obsolete(*, policy: Policy, event: StageEvent, step: Step) -> Obsolete | None:
    """Say why a step of the event's work is truly obsolete now, or None when it must run.

    A later cycle has its own work (its drafts, windows and documents are new), so an older
    cycle's step would act on the wrong cycle; and a withdrawn policy will never hold the
    activity a lapsing step prepares. Everything else runs, however far the policy moved.
    """
    if event.cycle != policy.cycle:
        return Obsolete(
            f"Siklus {policy.cycle} sudah dimulai sebelum langkah ini berjalan; pekerjaan siklus "
            f"{event.cycle} tidak lagi berlaku.",
            f"Cycle {policy.cycle} had begun before this step ran; cycle {event.cycle}'s work no "
            "longer applies.",
        )
    if step.lapses and policy.stage == Stage.WITHDRAWN and event.to_stage != Stage.WITHDRAWN:
        return Obsolete(
            f"Kebijakan dicabut sebelum langkah ini berjalan; tahap {stage_name(event.to_stage)} "
            "yang disiapkannya tidak akan berlangsung.",
            "The policy was withdrawn before this step ran; the "
            f"{stage_name(event.to_stage, locale='en').lower()} stage it prepares will not take place.",
        )
    return None


def run_step(session: Session, *, step: Step, event_id: int, now: datetime) -> str:
    """Run one step of an event's work (unless a run did already), or retire it if obsolete; say which."""
    # The event's row locked first (PostgreSQL): two runs of one event (a recovered run still alive
    # beside its successor) take each step in turn, and the second sees the first's record of it.
    event = session.get(StageEvent, event_id, with_for_update=True)
    if event is None:
        event = _get_event(session, event_id)
    if step.name in event.done_work:
        return f"Langkah {step.name} sudah selesai pada percobaan sebelumnya; dilewati."
    # Locked (PostgreSQL) so a withdrawal committing meanwhile waits for the step, or the step for it.
    policy = queries.get_policy_by_id(session, policy_id=event.policy_id, for_update=True)
    obsolete = why_obsolete(policy=policy, event=event, step=step)
    if obsolete is None:
        said = step.run(session, slug=policy.slug, event_id=event_id, now=now)
        # In the step's own transaction: its effects and this record commit together, or neither.
        event.done_work = [*event.done_work, step.name]  # a new list: the JSON column sees the change
        session.add(event)
        session.flush()
        return said
    if all(r["step"] != step.name for r in event.retired_work):
        entry = {"step": step.name, "reason": obsolete.reason, "reason_en": obsolete.reason_en}
        event.retired_work = [*event.retired_work, entry]  # a new list: the JSON column sees the change
        session.add(event)
        session.flush()
    return f"Langkah {step.name} dihentikan: {obsolete.reason}"
