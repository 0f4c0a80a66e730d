"""The dispatcher: start stage work that never reached Prefect, and recover work whose run was lost.

Each pass starts the work still owed (Prefect was down, a process died before asking), then reads
the state of every run in flight and lets the domain decide (`policies/lifecycle/recovery.py`):
a run stuck Pending or Running past its stage's bound is crashed here and its work started again
under the next generation of its key; one that ended failed or crashed is retried after a backoff;
after the last attempt the work is recorded failed and people are told. Two dispatchers racing over
the same run recover it once (a conditional update claims each attempt).
"""

from __future__ import annotations

from prefect import flow, get_run_logger, task

from flows import orchestration
from flows.common import TASK_OPTIONS, in_unit_of_work, settings, with_session
from policies.core.db import utcnow
from policies.lifecycle import recovery, stagework
from policies.lifecycle.models import StageEvent, WorkState
from policies.lifecycle.recovery import Action, Decision, Limits
from policies.lifecycle.stagework import StageWork

DISPATCH_FLOW = "dispatch-stage-work"
# What Prefect's UI shows on a run the dispatcher crashed (the zombie automation writes its own).
CRASH_MESSAGE = "Siklus: dihentikan oleh dispatcher, pekerjaannya diulang — {reason}"


@task(name="find-pending-stage-work", **TASK_OPTIONS)
def find_pending_work() -> list[StageWork]:
    """List the stage work still owed, superseded or not: each transition's work runs once."""
    return with_session(stagework.pending_work)


@task(name="start-stage-run", **TASK_OPTIONS)
def start_pending(work: StageWork) -> str:
    """Start one stage's run and record its id and state on the event (recovery reads how it ended)."""
    run = orchestration.start_stage_run(work)
    # A run that already ended unfinished is recorded as it is, still dispatched: the recovery
    # below retries it under the key's next generation, or gives up after the last attempt.
    outcome = WorkState.DONE if run.outcome is WorkState.DONE else WorkState.DISPATCHED
    in_unit_of_work(
        stagework.record_dispatch,
        event_id=work.event_id,
        flow_run_id=run.flow_run_id,
        outcome=outcome,
        run_state=run.name,
        run_state_at=run.at,
    )
    return run.flow_run_id


def _recover_one(event_id: int, run: orchestration.RunState, limits: Limits) -> tuple[str, str | None] | None:
    """Record a run's state on its event, act on the domain's decision; say what was done and the new run."""

    def record_and_decide(session: object) -> tuple[Decision, int] | None:
        event = session.get(StageEvent, event_id)  # type: ignore[attr-defined]
        if event is None or event.flow_run_id != run.flow_run_id:
            return None  # the event moved on meanwhile (a run reported, another dispatcher recovered)
        if run.name:
            stagework.record_run_state(
                session,  # type: ignore[arg-type]
                event_id=event_id,
                flow_run_id=run.flow_run_id,
                state=run.name,
                at=run.at,
            )
        if run.phase is None or event.work_state != WorkState.DISPATCHED:
            return None
        decision = recovery.decide(event=event, phase=run.phase, since=run.at, now=utcnow(), limits=limits)
        return decision, event.work_attempt

    decided = with_session(record_and_decide)  # type: ignore[arg-type]
    if decided is None or decided[0].action is Action.LEAVE:
        return None
    decision, attempt = decided
    if decision.action is Action.CRASH_AND_RETRY:
        # Crashed first, claimed second: a crash both racing dispatchers send is harmless, and a run
        # that ended meanwhile is refused by Prefect (then the next pass reads how it really ended).
        message = CRASH_MESSAGE.format(reason=decision.reason_en)
        if not orchestration.crash_run(run.flow_run_id, message=message):
            return None
    claim = {
        "event_id": event_id,
        "attempt": attempt,
        "flow_run_id": run.flow_run_id,
        "run_state": "Crashed" if decision.action is Action.CRASH_AND_RETRY else run.name,
        "decision": decision,
    }
    if decision.action in (Action.GIVE_UP, Action.STOP):
        if in_unit_of_work(recovery.give_up, tell=decision.action is Action.GIVE_UP, **claim):
            return f"gave up after attempt {attempt}: {decision.reason_en}", None
        return None
    work = in_unit_of_work(recovery.retry, **claim)
    if work is None:
        return None  # another dispatcher recovered it first
    new_run = start_pending.fn(work)
    return f"attempt {work.attempt} started as run {new_run}: {decision.reason_en}", new_run


@task(name="recover-stage-runs", **TASK_OPTIONS)
def recover_runs() -> dict[int, str]:
    """Read the state of every run in flight onto its event, recover the lost ones; return the new runs."""
    in_flight = with_session(stagework.runs_in_flight)
    states = orchestration.flow_run_states([run_id for _, run_id in in_flight])
    limits = Limits.of(settings())
    logger = get_run_logger()
    done: dict[int, str] = {}
    for event_id, run_id in in_flight:
        if (run := states.get(run_id)) is None:
            continue  # unknown to Prefect: asked for again with its key once stale (pending_work)
        try:
            said = _recover_one(event_id, run, limits)
        except Exception:  # one event's trouble must not keep the others from being recovered
            logger.exception("Recovering the work of stage event %s failed; the next pass retries.", event_id)
            continue
        if said is not None:
            logger.warning("Stage event %s: %s", event_id, said[0])
            if said[1] is not None:
                done[event_id] = said[1]
    return done


@flow(name=DISPATCH_FLOW)
async def dispatch_stage_work() -> dict[int, str]:
    """Start every pending stage's work once, then read back the runs in flight and recover the lost.

    Returns the runs it started, by stage event: the owed work's and the recovered work's next attempts.
    """
    logger = get_run_logger()
    started: dict[int, str] = {}
    for work in find_pending_work():
        started[work.event_id] = start_pending(work)
        logger.info(
            "%s -> %s",
            orchestration.run_name(stage=work.stage, slug=work.slug, cycle=work.cycle),
            started[work.event_id],
        )
    started.update(recover_runs())
    return started
