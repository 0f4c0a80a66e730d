"""The dispatcher: start stage work that never reached Prefect (Prefect was down, a process died)."""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.deployments import arun_deployment

from flows.common import TASK_RETRIES, TASK_RETRY_DELAY_SECONDS, in_unit_of_work, with_session
from policies.lifecycle import stagework
from policies.lifecycle.stagework import StageWork

DISPATCH_FLOW = "dispatch-stage-work"


async def start_stage_run(work: StageWork) -> tuple[str, str | None]:
    """Ask Prefect for the stage's run and say its state; the event's key makes it one run, ever."""
    run = await arun_deployment(
        name=stagework.deployment_name(work.stage),
        parameters=work.parameters,
        timeout=0,
        idempotency_key=work.idempotency_key,
        tags=stagework.run_tags(stage=work.stage, slug=work.slug),
        flow_run_name=stagework.run_name(stage=work.stage, slug=work.slug, cycle=work.cycle),
        as_subflow=False,
    )
    return str(run.id), (run.state.type.value if run.state else None)


@task(
    name="find-pending-stage-work",
    retries=TASK_RETRIES,
    retry_delay_seconds=TASK_RETRY_DELAY_SECONDS,
    cache_policy=NO_CACHE,
)
def find_pending_work() -> list[StageWork]:
    """Retire superseded work, then list what is still owed."""

    def act(session: object) -> list[StageWork]:
        stagework.retire_superseded(session)  # type: ignore[arg-type]
        return stagework.pending_work(session)  # type: ignore[arg-type]

    return with_session(act)  # type: ignore[arg-type]


@task(
    name="start-stage-run",
    retries=TASK_RETRIES,
    retry_delay_seconds=TASK_RETRY_DELAY_SECONDS,
    cache_policy=NO_CACHE,
)
async def start_pending(work: StageWork) -> str:
    """Start one stage's run and record its id on the event (a run that already ended unfinished fails it)."""
    run_id, state = await start_stage_run(work)
    in_unit_of_work(stagework.record_dispatch, event_id=work.event_id, flow_run_id=run_id, run_state=state)
    if state in stagework.UNFINISHED_FINAL_STATES:
        get_run_logger().warning(
            "Run %s of %s ended %s: work recorded as failed; retry it from Prefect's UI.",
            run_id,
            stagework.run_name(stage=work.stage, slug=work.slug, cycle=work.cycle),
            state,
        )
    return run_id


@flow(name=DISPATCH_FLOW)
async def dispatch_stage_work() -> dict[int, str]:
    """Start every pending stage's work; a run already started for an event is returned, not repeated."""
    logger = get_run_logger()
    started: dict[int, str] = {}
    for work in find_pending_work():
        started[work.event_id] = await start_pending(work)
        logger.info(
            "%s -> %s",
            stagework.run_name(stage=work.stage, slug=work.slug, cycle=work.cycle),
            started[work.event_id],
        )
    return started
