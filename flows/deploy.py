"""`siklus flows deploy`: the deployments on a bounded process work pool, with runs never lost unseen.

Besides registering every deployment (`flows/pool.py`), a deploy:
- bounds the pool: a work-pool concurrency limit, so a burst of stage changes queues in Prefect
  instead of starting more flow processes than the workers' machines, Prefect's server and the
  databases take at once (each worker can be bounded further with `prefect worker start --limit`);
- gives each deployed run the environment recovery needs: heartbeats every
  `SIKLUS_FLOW_HEARTBEAT_SECONDS`, and the Prefect client's retries of server errors
  (`orchestration.CLIENT_ENV`);
- creates, or updates, two automations on Prefect's server (the same names each time, so running
  it again changes nothing): the zombie detector Prefect documents ("detect zombie flows"), which
  marks a run Crashed when its heartbeats stop for `SIKLUS_ZOMBIE_AFTER_SECONDS`, and a recoverer,
  which starts the dispatcher as soon as a stage run crashes or fails, so its work is retried at
  once instead of at the dispatcher's next cron tick (docs/recovery.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolUpdate
from prefect.client.schemas.objects import StateType
from prefect.events.actions import ChangeFlowRunState, RunDeployment
from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture
from prefect.events.schemas.events import ResourceSpecification
from prefect.types.entrypoint import EntrypointType

from flows.dispatcher import DISPATCH_FLOW
from flows.orchestration import CLIENT_ENV, DEPLOYMENT
from flows.pool import ensure_pool
from flows.runner import deployments
from policies.core.settings import Settings

# Flow runs a pool starts at once, all workers together, unless `--limit` says otherwise: enough to
# keep two 2-core workers busy, few enough that the flow processes' database connections (one or two
# each) and Prefect's server (its pool sized as docs/deployment.md says) are not swamped.
DEFAULT_POOL_LIMIT = 8
ZOMBIE_AUTOMATION = "siklus: crash zombie flow runs"
RECOVER_AUTOMATION = "siklus: recover crashed stage runs"
FINAL_EVENTS = ("Completed", "Failed", "Cancelled", "Crashed")


@dataclass
class DeployReport:
    """What `deploy` registered and set."""

    pool_created: bool = False
    limit: int | None = None
    deployments: list[str] = field(default_factory=list)
    automations: dict[str, str] = field(default_factory=dict)  # name -> "created" or "updated"


def run_environment(settings: Settings) -> dict[str, str]:
    """Return the environment each deployed run gets beside the worker's own: heartbeats, client retries."""
    return {**CLIENT_ENV, "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(settings.flow_heartbeat_seconds)}


def zombie_automation(settings: Settings) -> AutomationCore:
    """Prefect's documented zombie detector: no heartbeat (nor end) within the bound marks a run Crashed."""
    return AutomationCore(
        name=ZOMBIE_AUTOMATION,
        description="Marks a flow run Crashed when its heartbeats stop (its process or machine died); "
        "Siklus's dispatcher then retries the stage's work. Created by `siklus flows deploy`.",
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={"prefect.flow-run.heartbeat", *(f"prefect.flow-run.{name}" for name in FINAL_EVENTS)},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=settings.zombie_after_seconds),
        ),
        actions=[
            ChangeFlowRunState(
                state=StateType.CRASHED,
                message=f"No heartbeat for {settings.zombie_after_seconds} s: the run's process or machine "
                "was lost (marked by the Siklus zombie automation).",
            )
        ],
    )


def recover_automation(*, dispatcher_id: object) -> AutomationCore:
    """Start the dispatcher whenever a stage's run crashes or fails, so its work is retried at once."""
    return AutomationCore(
        name=RECOVER_AUTOMATION,
        description="Starts Siklus's dispatcher when a stage run crashes or fails: it retries the "
        "stage's work (bounded, with backoff). Created by `siklus flows deploy`.",
        trigger=EventTrigger(
            expect={"prefect.flow-run.Crashed", "prefect.flow-run.Failed"},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            # Stage runs only (tagged `stage:<stage>`): the dispatcher's own failures must not loop.
            match_related=ResourceSpecification(
                {"prefect.resource.role": "tag", "prefect.resource.id": ["prefect.tag.stage:*"]}
            ),
            posture=Posture.Reactive,
            threshold=1,
            within=timedelta(0),
        ),
        actions=[RunDeployment(source="selected", deployment_id=dispatcher_id, parameters={})],  # type: ignore[arg-type]
    )


def ensure_automation(automation: AutomationCore) -> str:
    """Create the automation, or update the one of the same name; say which."""
    with get_client(sync_client=True) as client:
        found = client.read_automations_by_name(automation.name)
        if not found:
            client.create_automation(automation)
            return "created"
        client.update_automation(found[0].id, automation)
        for extra in found[1:]:  # two deploys racing each created one: keep a single copy
            client.delete_automation(extra.id)
    return "updated"


def set_pool_limit(pool: str, *, limit: int | None) -> None:
    """Bound how many of the pool's runs start at once (None: unbounded)."""
    with get_client(sync_client=True) as client:
        client.update_work_pool(pool, WorkPoolUpdate(concurrency_limit=limit))


def deploy(settings: Settings, *, pool: str, limit: int | None = DEFAULT_POOL_LIMIT) -> DeployReport:
    """Register every deployment on a process pool, bound the pool, and ensure the recovery automations."""
    report = DeployReport(pool_created=ensure_pool(pool), limit=limit)
    set_pool_limit(pool, limit=limit)
    env = run_environment(settings)
    dispatcher_id = None
    for deployment in deployments(settings, entrypoint_type=EntrypointType.MODULE_PATH):
        deployment.job_variables = {**(deployment.job_variables or {}), "env": env}
        deployment_id = deployment.apply(work_pool_name=pool)
        report.deployments.append(f"{deployment.flow_name}/{deployment.name}")
        if deployment.flow_name == DISPATCH_FLOW and deployment.name == DEPLOYMENT:
            dispatcher_id = deployment_id
    report.automations[ZOMBIE_AUTOMATION] = ensure_automation(zombie_automation(settings))
    if dispatcher_id is not None:
        report.automations[RECOVER_AUTOMATION] = ensure_automation(
            recover_automation(dispatcher_id=dispatcher_id)
        )
    return report
