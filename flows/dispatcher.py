"""The dispatcher: start stage work that never reached Prefect (Prefect was down, a process died)."""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import orchestration
from flows.common import TASK_RETRIES, TASK_RETRY_DELAY_SECONDS, in_unit_of_work, with_session
from policies.lifecycle import stagework
from policies.lifecycle.models import WorkState
from policies.lifecycle.stagework import StageWork

DISPATCH_FLOW = "dispatch-stage-work"


@task(
    name="find-pending-stage-work",
    retries=TASK_RETRIES,
    retry_delay_seconds=TASK_RETRY_DELAY_SECONDS,
    cache_policy=NO_CACHE,
)
def find_pending_work() -> list[StageWork]:
    """List the stage work still owed, superseded or not: each transition's work runs once."""
    return with_session(stagework.pending_work)


@task(
    name="start-stage-run",
    retries=TASK_RETRIES,
    retry_delay_seconds=TASK_RETRY_DELAY_SECONDS,
    cache_policy=NO_CACHE,
)
def start_pending(work: StageWork) -> str:
    """Start one stage's run and record its id and state on the event (one that ended unfinished fails it)."""
    run = orchestration.start_stage_run(work)
    in_unit_of_work(
        stagework.record_dispatch,
        event_id=work.event_id,
        flow_run_id=run.flow_run_id,
        outcome=run.outcome,
        run_state=run.name,
        run_state_at=run.at,
    )
    if run.outcome is WorkState.FAILED:
        get_run_logger().warning(
            "Run %s of %s ended %s: work recorded as failed; retry it from Prefect's UI.",
            run.flow_run_id,
            orchestration.run_name(stage=work.stage, slug=work.slug, cycle=work.cycle),
            run.name,
        )
    return run.flow_run_id


@task(
    name="read-run-states",
    retries=TASK_RETRIES,
    retry_delay_seconds=TASK_RETRY_DELAY_SECONDS,
    cache_policy=NO_CACHE,
)
def read_run_states() -> int:
    """Record on each event in flight the state Prefect has for its run (pages read it from there)."""
    in_flight = with_session(stagework.runs_in_flight)
    states = orchestration.flow_run_states([run_id for _, run_id in in_flight])

    def record(session: object) -> int:
        for event_id, run_id in in_flight:
            if (state := states.get(run_id)) is not None and state.name:
                stagework.record_run_state(
                    session,  # type: ignore[arg-type]
                    event_id=event_id,
                    flow_run_id=run_id,
                    state=state.name,
                    at=state.at,
                )
        return len(states)

    return with_session(record)  # type: ignore[arg-type]


@flow(name=DISPATCH_FLOW)
async def dispatch_stage_work() -> dict[int, str]:
    """Start every pending stage's work once, then read back the states of the runs in flight."""
    logger = get_run_logger()
    started: dict[int, str] = {}
    for work in find_pending_work():
        started[work.event_id] = start_pending(work)
        logger.info(
            "%s -> %s",
            orchestration.run_name(stage=work.stage, slug=work.slug, cycle=work.cycle),
            started[work.event_id],
        )
    read_run_states()
    return started
