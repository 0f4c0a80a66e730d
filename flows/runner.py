"""`python -m flows.runner`: serve every deployment (stage flows, dispatcher, sweeps) with its schedules.

By default the runs execute inside this process (`flows/executor.py`); `--subprocess` serves them
with Prefect's own runner instead, a Python process per run (the bench compares the two).
`--pool NAME` runs the same executor as a worker of a work pool (`siklus flows deploy --pool`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from datetime import timedelta
from uuid import UUID

from prefect import serve
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, Interval, Schedule
from prefect.types.entrypoint import EntrypointType

from flows.dispatcher import DISPATCH_FLOW, dispatch_stage_work
from flows.orchestration import DEPLOYMENT
from flows.stages import STAGE_FLOWS
from flows.sweeps import run_due
from policies.core.settings import Settings, get_settings


def deployments(
    settings: Settings, *, entrypoint_type: EntrypointType = EntrypointType.FILE_PATH
) -> list[RunnerDeployment]:
    """Build every deployment; schedules run in the configured time zone (Asia/Jakarta)."""
    tz = settings.timezone
    built = [
        stage_flow.to_deployment(
            name=DEPLOYMENT, tags=["siklus", f"stage:{stage.value}"], entrypoint_type=entrypoint_type
        )
        for stage, stage_flow in STAGE_FLOWS.items()
    ]
    # The scheduled flows: the dispatcher's backstop and the sweeps, each on its own schedule.
    scheduled = (
        (dispatch_stage_work, dispatch_schedule(settings)),
        (run_due, Cron(settings.sweep_cron, timezone=tz)),
    )
    built += [
        scheduled_flow.to_deployment(
            name=DEPLOYMENT, tags=["siklus"], schedules=[schedule], entrypoint_type=entrypoint_type
        )
        for scheduled_flow, schedule in scheduled
    ]
    return built


def dispatch_schedule(settings: Settings) -> Schedule:
    """The dispatcher's schedule: every `dispatch_interval_seconds` when set, else its cron."""
    if settings.dispatch_interval_seconds > 0:
        return Interval(timedelta(seconds=settings.dispatch_interval_seconds), timezone=settings.timezone)
    return Cron(settings.dispatch_cron, timezone=settings.timezone)


def dispatch_backlog(built: list[RunnerDeployment]) -> list[UUID]:
    """Register the deployments and ask for one dispatcher run now; return its id.

    Work owed before this start (the catalogue's policies just loaded, advances made while Prefect
    or the runner was down) starts at once instead of at the dispatcher's next cron tick, minutes on.
    The stage deployments are registered first, so the dispatcher's run can start their runs.
    Returns the registered deployments' ids.
    """
    ids = [deployment.apply() for deployment in built]
    run_deployment(name=f"{DISPATCH_FLOW}/{DEPLOYMENT}", timeout=0, tags=["siklus"])
    return ids


# While Prefect does not answer, how often the runner asks again and how often it says so.
API_POLL_SECONDS = 2.0
API_REPORT_SECONDS = 30.0


def wait_for_api() -> None:
    """Wait until Prefect's API answers: the web serves meanwhile, and stage work waits in the outbox."""
    started = reported = time.monotonic()
    with get_client(sync_client=True) as client:
        while (trouble := client.api_healthcheck()) is not None:
            if time.monotonic() - reported >= API_REPORT_SECONDS:
                reported = time.monotonic()
                print(
                    f"flow runner: Prefect belum menjawab ({time.monotonic() - started:.0f} s): {trouble}",
                    flush=True,
                )
            time.sleep(API_POLL_SECONDS)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the runner's options (`siklus serve` passes none: in-process, polling every second)."""
    from flows.executor import DEFAULT_LIMIT, POLL_SECONDS

    parser = argparse.ArgumentParser(prog="python -m flows.runner", description=__doc__)
    parser.add_argument("--pool", help="run the flow runs of this work pool instead of serving deployments")
    parser.add_argument("--limit", type=int, default=None, help=f"flow runs at once ({DEFAULT_LIMIT})")
    parser.add_argument("--poll-seconds", type=float, default=POLL_SECONDS, help="how often to ask Prefect")
    parser.add_argument(
        "--subprocess", action="store_true", help="Prefect's runner: a new Python process per flow run"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Start the owed work, then serve until interrupted (the supervisor stops it with SIGTERM)."""
    from flows.executor import DEFAULT_LIMIT, InProcessExecutor, known_flows, serve_in_process

    args = parse_args(argv)
    wait_for_api()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    limit = args.limit or DEFAULT_LIMIT
    if args.pool:
        executor = InProcessExecutor(
            flows=known_flows(), pool=args.pool, limit=limit, poll_seconds=args.poll_seconds
        )
        asyncio.run(serve_in_process(executor))
        return
    built = deployments(get_settings())
    ids = dispatch_backlog(built)
    if args.subprocess:
        serve(*built, print_starting_message=True, limit=args.limit)
        return
    executor = InProcessExecutor(
        flows=known_flows(), deployment_ids=ids, limit=limit, poll_seconds=args.poll_seconds
    )
    asyncio.run(serve_in_process(executor))


if __name__ == "__main__":
    main()
