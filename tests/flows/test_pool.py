"""`siklus flows deploy --pool`: the deployments on a process work pool, run by a real process worker."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import WorkPoolFilter, WorkPoolFilterName
from prefect.workers.process import ProcessWorker
from typer.testing import CliRunner

from flows.deploy import RECOVER_AUTOMATION, ZOMBIE_AUTOMATION
from flows.pool import ensure_pool
from policies.core.db import unit_of_work
from policies.core.settings import Settings, get_settings
from policies.lifecycle import stagework
from policies.lifecycle.models import Stage
from service import dispatch
from service.cli import app as cli
from tests import lifecycle_walk as walk
from tests.flows.conftest import clear_unfinished_runs, in_thread, run_async

pytestmark = [pytest.mark.flows, pytest.mark.usefixtures("prefect_harness")]
POOL = "siklus-uji"


async def _pool_deployments() -> tuple[Any, list[Any]]:
    async with get_client() as client:
        pool = await client.read_work_pool(POOL)
        found = await client.read_deployments(
            work_pool_filter=WorkPoolFilter(name=WorkPoolFilterName(any_=[POOL]))
        )
    return pool, found


async def _automations() -> dict[str, Any]:
    async with get_client() as client:
        found = await client.read_automations()
    named = [a for a in found if a.name.startswith("siklus:")]
    assert len(named) == len({a.name for a in named})
    return {a.name: a for a in named}


async def _forget_pool() -> None:
    async with get_client() as client:
        for automation in (await _automations()).values():
            await client.delete_automation(automation.id)
        for deployment in (await _pool_deployments())[1]:
            await client.delete_deployment(deployment.id)
        await client.delete_work_pool(POOL)


@pytest.fixture
def pool_cleanup(prefect_harness: None) -> Iterator[None]:
    """Leave the harness as the other flow tests expect it: stage deployments served, not pooled."""
    clear_unfinished_runs()
    yield
    clear_unfinished_runs()
    run_async(_forget_pool())


async def _work_one_run(run_id: str) -> Any:
    async with ProcessWorker(work_pool_name=POOL, limit=1) as worker:
        await worker.get_and_submit_flow_runs()
    async with get_client() as client:
        return await client.read_flow_run(run_id)


def test_deploy_registers_every_flow_on_a_process_pool_that_a_worker_runs(
    db: str, catalog: None, flow_settings: Settings, pool_cleanup: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = in_thread(CliRunner().invoke, cli, ["flows", "deploy", "--pool", POOL])
    assert result.exit_code == 0, result.output
    assert f"Work pool '{POOL}' (process) dibuat." in result.output
    assert "9 deployment terdaftar; jadwal dalam zona Asia/Jakarta" in result.output
    assert f"otomasi '{ZOMBIE_AUTOMATION}': dibuat" in result.output
    again = in_thread(CliRunner().invoke, cli, ["flows", "deploy", "--pool", POOL, "--limit", "5"])
    assert again.exit_code == 0, again.output
    assert "dibuat." not in again.output  # deploying again reuses the pool and updates the automations
    assert f"otomasi '{RECOVER_AUTOMATION}': diperbarui" in again.output
    assert in_thread(ensure_pool, POOL) is False

    pool, found = run_async(_pool_deployments())
    assert (pool.type, pool.concurrency_limit) == ("process", 5)
    # Each run gets heartbeats and a client that retries server errors (docs/recovery.md).
    env = found[0].job_variables["env"]
    assert (
        env["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"] == "60"
        and env["PREFECT_CLIENT_RETRY_EXTRA_CODES"] == "500,504"
    )
    automations = run_async(_automations())
    # Once each, however often deployed.
    assert sorted(automations) == sorted([RECOVER_AUTOMATION, ZOMBIE_AUTOMATION])
    zombie = automations[ZOMBIE_AUTOMATION]
    assert zombie.trigger.posture == "Proactive" and zombie.trigger.after == {"prefect.flow-run.heartbeat"}
    assert zombie.trigger.within.total_seconds() == 180 and zombie.actions[0].state == "CRASHED"
    dispatcher = next(d for d in found if d.entrypoint == "flows.dispatcher.dispatch_stage_work")
    assert automations[RECOVER_AUTOMATION].actions[0].deployment_id == dispatcher.id
    # Module entrypoints: a worker machine needs Siklus installed, not this checkout's directory.
    assert sorted(d.entrypoint for d in found) == sorted(
        [f"flows.stages.stage_{s.value}" for s in Stage]
        + ["flows.dispatcher.dispatch_stage_work", "flows.sweeps.run_due"]
    )
    assert {d.name for d in found} == {"siklus"}
    schedules = {d.entrypoint: [(s.schedule.cron, s.schedule.timezone) for s in d.schedules] for d in found}
    assert schedules["flows.sweeps.run_due"] == [("*/15 * * * *", "Asia/Jakarta")]
    assert schedules["flows.dispatcher.dispatch_stage_work"] == [("*/5 * * * *", "Asia/Jakarta")]

    # The web machines' dispatch finds the pooled deployment by the same name; a worker runs it.
    people = walk.add_people(db)
    event = walk.advance(db, Stage.WORKSHOP, actor=walk.drafter(people), now=walk.clock().start)
    with unit_of_work(db) as s:
        work = stagework.get_work(s, event_id=event.id)  # type: ignore[arg-type]
    monkeypatch.setenv("SIKLUS_PREFECT_ENABLED", "true")
    get_settings.cache_clear()
    run_id = in_thread(dispatch.dispatch_stage_work, settings=get_settings(), work=work)
    run = run_async(_work_one_run(run_id))
    assert run.state.is_completed(), run.state
    assert run.name == f"workshop/{walk.SLUG}/cycle-1"
    done = walk.latest_event(db)
    assert (done.work_state, done.flow_run_id) == ("done", run_id)
