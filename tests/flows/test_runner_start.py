"""The runner starts the stage work owed before it started: nothing waits for the dispatcher's cron tick.

A policy created (or advanced) while no runner served, like the catalogue's policies that `make run`
loads just before `siklus serve`, gets its stage run as soon as the runner is up.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterDeploymentId
from prefect.settings import get_current_settings
from sqlmodel import select

from flows.dispatcher import DISPATCH_FLOW
from flows.orchestration import DEPLOYMENT
from policies.accounts.access import SYSTEM
from policies.core.db import unit_of_work
from policies.core.settings import Settings
from policies.drafting.models import DraftVersion
from policies.lifecycle.actions import create_policy
from policies.lifecycle.models import StageEvent, WorkState
from service.supervise import Child
from tests.flows.conftest import clear_unfinished_runs, run_async
from tests.flows.test_served import ROOT, RUN_TIMEOUT_SECONDS
from tests.lifecycle_walk import UNIT

pytestmark = [pytest.mark.flows, pytest.mark.usefixtures("prefect_harness")]
NEW_SLUG = "perwal-mutasi-asn-2028"
# A dispatcher cron that cannot fire during the test: only the start's own dispatch can start the work.
NEVER_DURING_THE_TEST = "0 0 1 1 *"


async def _dispatcher_runs(since: datetime) -> list[Any]:
    """The dispatcher's runs created since `since`."""
    async with get_client() as client:
        deployment = await client.read_deployment_by_name(f"{DISPATCH_FLOW}/{DEPLOYMENT}")
        runs = await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(deployment_id=FlowRunFilterDeploymentId(any_=[deployment.id]))
        )
    return [r for r in runs if r.created and r.created >= since]


def _wait_done(db: str, event_id: int, runner: Child) -> StageEvent:
    # The runner starts (its process, the deployments), then the dispatcher's run, then the catalogue's
    # drafting runs beside this one, each its own process: on a loaded 2-core machine that takes a while.
    deadline = time.monotonic() + 3 * RUN_TIMEOUT_SECONDS
    while True:
        with unit_of_work(db) as s:
            event = s.get(StageEvent, event_id)
        assert event is not None
        if event.work_state in (WorkState.DONE, WorkState.FAILED):
            return event
        assert runner.alive(), "the flow runner stopped; see its output above"
        assert time.monotonic() < deadline, f"the work is still {event.work_state} after the runner started"
        time.sleep(0.5)


def test_work_owed_before_the_runner_starts_runs_without_waiting_for_the_cron(
    db: str, catalog: None, flow_settings: Settings, database_url: str
) -> None:
    clear_unfinished_runs()
    with unit_of_work(db) as s:  # created while no runner serves: its drafting work is owed
        policy = create_policy(
            s,
            actor=SYSTEM,
            slug=NEW_SLUG,
            title="Perwal Mutasi ASN",
            kind_code="pengelolaan-jabatan",
            region="Kota Tangerang Selatan",
            unit=UNIT,
        )
        event_id = s.exec(select(StageEvent.id).where(StageEvent.policy_id == policy.id)).one()
    env = {
        **os.environ,
        "PREFECT_API_URL": str(get_current_settings().api.url),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "SIKLUS_DATABASE_URL": database_url,
        "SIKLUS_SMTP_HOST": "",
        "SIKLUS_PREFECT_ENABLED": "false",
        "SIKLUS_DISPATCH_CRON": NEVER_DURING_THE_TEST,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    runner = Child("flow-runner", [sys.executable, "-m", "flows.runner"], env)
    started_at = datetime.now(UTC)
    runner.start()
    try:
        event = _wait_done(db, event_id, runner)  # type: ignore[arg-type]
    finally:
        runner.stop()
        clear_unfinished_runs()
    assert (event.work_state, event.flow_run_state) == (WorkState.DONE, "Completed")
    with unit_of_work(db) as s:  # the drafting run did its work in this database
        (version,) = s.exec(select(DraftVersion).where(DraftVersion.policy_id == policy.id)).all()
        assert "templat katalog" in version.change_note
    # Started by the dispatcher run the runner asked for at its start, not by a scheduled one.
    runs = run_async(_dispatcher_runs(started_at))
    assert runs and not any(r.auto_scheduled for r in runs)
