"""`siklus flows deploy`: the same deployments on a process work pool, for workers on other machines."""

from __future__ import annotations

from dataclasses import dataclass, field

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.exceptions import ObjectNotFound
from prefect.types.entrypoint import EntrypointType
from prefect.workers.process import ProcessWorker

from flows.runner import deployments
from policies.core.errors import Conflict
from policies.core.settings import Settings

POOL_TYPE = "process"


@dataclass
class DeployReport:
    """What `deploy_to_pool` registered."""

    pool_created: bool = False
    deployments: list[str] = field(default_factory=list)


def ensure_pool(name: str) -> bool:
    """Create the process work pool unless it exists; tell whether it was created."""
    with get_client(sync_client=True) as client:
        try:
            pool = client.read_work_pool(name)
        except ObjectNotFound:
            template = ProcessWorker.get_default_base_job_template()
            client.create_work_pool(WorkPoolCreate(name=name, type=POOL_TYPE, base_job_template=template))
            return True
    if pool.type != POOL_TYPE:
        raise Conflict(
            f"Work pool '{name}' bertipe {pool.type}; Siklus memasang deployment-nya pada pool bertipe "
            f"{POOL_TYPE}.",
            en=f"Work pool '{name}' is of type {pool.type}; Siklus deploys to a {POOL_TYPE} pool.",
        )
    return False


def deploy_to_pool(settings: Settings, *, pool: str) -> DeployReport:
    """Register every deployment (same names and schedules) on a process pool.

    Entrypoints are module paths (`flows.stages.stage_consultation`), so a worker machine needs
    Siklus installed and the same `SIKLUS_*` environment, not this checkout's directory.
    """
    report = DeployReport(pool_created=ensure_pool(pool))
    for deployment in deployments(settings, entrypoint_type=EntrypointType.MODULE_PATH):
        deployment.apply(work_pool_name=pool)
        report.deployments.append(f"{deployment.flow_name}/{deployment.name}")
    return report
