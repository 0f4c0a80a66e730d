"""The process work pool `siklus flows deploy` registers the deployments on (`flows/deploy.py`)."""

from __future__ import annotations

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.exceptions import ObjectNotFound
from prefect.workers.process import ProcessWorker

from policies.core.errors import Conflict

POOL_TYPE = "process"


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
