"""`python -m flows.runner`: serve every deployment (stage flows, dispatcher, sweeps) with its schedules."""

from __future__ import annotations

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType

from flows.dispatcher import dispatch_stage_work
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
    # The scheduled flows: the dispatcher's backstop and the sweeps, each on its own cron.
    scheduled = ((dispatch_stage_work, settings.dispatch_cron), (run_due, settings.sweep_cron))
    built += [
        scheduled_flow.to_deployment(
            name=DEPLOYMENT,
            tags=["siklus"],
            schedules=[Cron(cron, timezone=tz)],
            entrypoint_type=entrypoint_type,
        )
        for scheduled_flow, cron in scheduled
    ]
    return built


def main() -> None:
    """Serve until interrupted; the supervisor (`siklus serve`) stops it with SIGTERM."""
    serve(*deployments(get_settings()), print_starting_message=True)


if __name__ == "__main__":
    main()
