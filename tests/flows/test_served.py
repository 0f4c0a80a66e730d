"""The real path: an advance over the API → a deployment run → the served runner runs the stage flow.

The runner is `python -m flows.runner`, the very child `siklus serve` supervises, pointed at the
session's Prefect harness and at the test database; nothing in between is called by hand.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterExpectedStartTime,
    FlowRunFilterIdempotencyKey,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.exceptions import ObjectNotFound
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_CLIENT_MAX_RETRIES,
    get_current_settings,
    temporary_settings,
)
from sqlmodel import select
from typer.testing import CliRunner

from flows import orchestration
from flows.dispatcher import dispatch_stage_work
from policies.accounts.models import Role
from policies.core.db import unit_of_work
from policies.core.settings import Settings, get_settings
from policies.drafting.models import DraftVersion
from policies.lifecycle import stagework
from policies.lifecycle.models import Policy, Stage, StageDocument, StageEvent, WorkState
from policies.outbox.models import Reminder
from service.app import create_app
from service.cli import app as cli
from service.supervise import Child
from tests import lifecycle_walk as walk
from tests.flows.conftest import clear_unfinished_runs, in_thread, run_async
from tests.lifecycle_walk import SLUG
from tests.service.conftest import UNIT, auth, make_token

pytestmark = [pytest.mark.flows, pytest.mark.usefixtures("prefect_harness")]
ROOT = Path(__file__).resolve().parents[2]
# Generous for a loaded 2-core machine; a run usually completes within seconds of its creation.
RUN_TIMEOUT_SECONDS = 120
NEW_SLUG = "perwal-mutasi-asn-2027"
DEAD_API = "http://127.0.0.1:9/api"  # nothing listens there: Prefect is down
PREFECT_DOWN = {
    PREFECT_API_URL: DEAD_API,
    PREFECT_CLIENT_MAX_RETRIES: 0,
}  # asked once, as in test_dispatch.py


@pytest.fixture(scope="module")
def served(prefect_harness: None, database_url: str) -> Iterator[Child]:
    """Start the flow runner as `siklus serve` does, polling every second instead of every ten."""
    clear_unfinished_runs()  # earlier tests' scheduled runs name events of an emptied database
    env = {
        **os.environ,
        "PREFECT_API_URL": str(get_current_settings().api.url),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "SIKLUS_DATABASE_URL": database_url,
        "SIKLUS_SMTP_HOST": "",
        "SIKLUS_PREFECT_ENABLED": "false",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    runner = Child("flow-runner", [sys.executable, "-m", "flows.runner"], env)
    started_at = datetime.now(UTC)
    runner.start()
    try:
        _wait_polled(runner, since=started_at)
    except BaseException:
        runner.stop()
        raise
    yield runner
    runner.stop()
    clear_unfinished_runs()


async def _last_polled(name: str) -> datetime | None:
    async with get_client() as client:
        try:
            return (await client.read_deployment_by_name(name)).last_polled
        except ObjectNotFound:
            return None


def _wait_polled(runner: Child, *, since: datetime) -> None:
    """Wait until the runner has registered the stage deployments and polls them for runs."""
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        assert runner.alive(), "the flow runner stopped; see its output above"
        polled = run_async(_last_polled(orchestration.deployment_name(Stage.WORKSHOP)))
        if polled is not None and polled > since:
            return
        time.sleep(0.5)
    raise AssertionError(f"the flow runner did not poll within {RUN_TIMEOUT_SECONDS} s")


def _wait_completed(client: TestClient, slug: str, *, stage: str) -> dict[str, Any]:
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    while True:
        event = client.get(f"/api/v1/policies/{slug}/history").json()[-1]
        assert event["to_stage"] == stage
        if event["run_state"] in ("Completed", "Failed", "Crashed") or time.monotonic() > deadline:
            return event
        time.sleep(0.5)


async def _run_and_artifacts(run_id: str, key: str) -> tuple[Any, list[Any]]:
    async with get_client() as client:
        run = await client.read_flow_run(run_id)
        found = await client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    return run, [a for a in found if str(a.flow_run_id) == run_id]


async def _schedules() -> dict[str, list[tuple[str, str]]]:
    async with get_client() as client:
        found = {
            name: await client.read_deployment_by_name(name)
            for name in ("dispatch-stage-work/siklus", "run-due/siklus")
        }
    return {
        name: [(s.schedule.cron, s.schedule.timezone) for s in d.schedules]  # type: ignore[union-attr]
        for name, d in found.items()
    }


def test_an_api_advance_and_a_new_policy_run_their_stage_flows_on_the_served_runner(
    db: str, catalog: None, flow_settings: Settings, served: Child
) -> None:
    token = make_token(db, email="rina@bkpsdm.test", role=Role.DRAFTER, unit=UNIT)
    settings = flow_settings.model_copy(update={"prefect_enabled": True})
    with TestClient(create_app(settings)) as client:
        moved = client.post(
            f"/api/v1/policies/{SLUG}/advance", headers=auth(token), json={"to_stage": "workshop"}
        )
        assert moved.status_code == 200, moved.text
        assert moved.json()["work_state"] == "pending"  # the request never waits for Prefect
        created = client.post(
            "/api/v1/policies",
            headers=auth(token),
            json={
                "slug": NEW_SLUG,
                "title": "Perwal Mutasi ASN",
                "kind": "pengelolaan-jabatan",
                "region": "Kota Tangerang Selatan",
                "unit": UNIT,
            },
        )
        assert created.status_code == 201, created.text
        workshop = _wait_completed(client, SLUG, stage="workshop")
        drafting = _wait_completed(client, NEW_SLUG, stage="drafting")
    assert served.alive()

    for slug, stage, event in ((SLUG, Stage.WORKSHOP, workshop), (NEW_SLUG, Stage.DRAFTING, drafting)):
        assert (event["run_state"], event["work_state"]) == ("Completed", "done"), event
        run_id = event["flow_run_id"]
        assert event["run_url"].endswith(f"/runs/flow-run/{run_id}")
        run, artifacts = run_async(
            _run_and_artifacts(run_id, orchestration.artifact_key(slug=slug, stage=stage))
        )
        assert run.name == orchestration.run_name(stage=stage, slug=slug, cycle=1)
        assert set(orchestration.run_tags(stage=stage, slug=slug)) <= set(run.tags)
        at = datetime.fromisoformat(event["at"])
        assert run.idempotency_key == stagework.idempotency_key(event_id=event["id"], at=at)
        (artifact,) = artifacts
        assert run.name in artifact.data and f"Peristiwa tahap #{event['id']}" in artifact.data

    with unit_of_work(db) as s:  # what the two flows did, in the test's database
        assert s.exec(select(StageDocument).where(StageDocument.kind == "agenda")).one()
        new = s.exec(select(Policy).where(Policy.slug == NEW_SLUG)).one()
        assert s.exec(select(DraftVersion).where(DraftVersion.policy_id == new.id)).one().number == 1
    # The runner registered the scheduled flows in the configured time zone.
    assert run_async(_schedules()) == {
        "dispatch-stage-work/siklus": [("*/5 * * * *", "Asia/Jakarta")],
        "run-due/siklus": [("*/15 * * * *", "Asia/Jakarta")],
    }


def _wait_settled(db: str, event_ids: list[int]) -> dict[int, StageEvent]:
    """Wait until the runner has finished the work of these events (or the time is up)."""
    # Longer than one run's wait: the dispatcher's pass also starts the catalogue policies' drafting
    # runs, each its own process on the runner, and on a loaded 2-core machine they queue up.
    deadline = time.monotonic() + 3 * RUN_TIMEOUT_SECONDS
    while True:
        with unit_of_work(db) as s:
            rows = {i: s.get(StageEvent, i) for i in event_ids}
        if all(r.work_state in (WorkState.DONE, WorkState.FAILED) for r in rows.values()):  # type: ignore[union-attr]
            return rows  # type: ignore[return-value]
        if time.monotonic() > deadline:
            ids = [r.flow_run_id or "" for r in rows.values()]  # type: ignore[union-attr]
            runs = in_thread(orchestration.flow_run_states, ids)
            raise AssertionError(f"not finished: {rows}; Prefect says {runs}")
        time.sleep(0.5)


async def _runs_with_key(key: str) -> list[Any]:
    async with get_client() as client:
        return await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(idempotency_key=FlowRunFilterIdempotencyKey(any_=[key]))
        )


async def _dispatcher_runs_unfinished() -> int:
    """Count the dispatcher's runs due by now and not finished (its future cron runs aside)."""
    due = (StateType.SCHEDULED, StateType.PENDING, StateType.RUNNING)
    async with get_client() as client:
        runs = await client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["dispatch-stage-work"])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=list(due))),
                expected_start_time=FlowRunFilterExpectedStartTime(before_=datetime.now(UTC)),
            ),
        )
        return len(runs)


def _wait_dispatcher_idle() -> None:
    """Wait until the dispatcher's pass of the runner's start is over (it would start pending work)."""
    deadline = time.monotonic() + 120
    while run_async(_dispatcher_runs_unfinished()):
        assert time.monotonic() < deadline, "the runner's first dispatcher pass did not end"
        time.sleep(0.5)


def test_advances_while_prefect_is_down_succeed_and_each_ones_work_runs_once_when_it_is_back(
    db: str, catalog: None, flow_settings: Settings, served: Child, monkeypatch: pytest.MonkeyPatch
) -> None:
    _wait_dispatcher_idle()
    people = walk.add_people(db)
    actor, c = walk.drafter(people), walk.clock()
    monkeypatch.setenv("SIKLUS_PREFECT_ENABLED", "true")
    get_settings.cache_clear()
    events: list[StageEvent] = []
    with temporary_settings(PREFECT_DOWN):
        # Two advances with `siklus policy advance`: each commits, then finds Prefect unreachable.
        for stage in (Stage.WORKSHOP, Stage.CONSULTATION):
            if stage is Stage.CONSULTATION:
                walk.prepare_consultation(db, actor=actor, c=c)
            result = in_thread(CliRunner().invoke, cli, ["policy", "advance", SLUG, stage.value])
            assert result.exit_code == 0, result.output
            assert "Pekerjaan tahap: menunggu dispatcher." in result.output
            events.append(walk.latest_event(db))
            assert events[-1].to_stage == stage
    get_settings.cache_clear()
    ids = [e.id for e in events]
    with unit_of_work(db) as s:
        assert {s.get(StageEvent, i).work_state for i in ids} == {WorkState.PENDING}  # type: ignore[union-attr]
    # Prefect is back: the dispatcher's pass starts each event's work, and a second pass nothing new.
    started = run_async(dispatch_stage_work())
    assert set(ids) <= set(started)
    rows = _wait_settled(db, ids)  # type: ignore[arg-type]
    assert not set(ids) & set(run_async(dispatch_stage_work()))
    for event in events:
        row = rows[event.id]  # type: ignore[index]
        assert (row.work_state, row.flow_run_state, row.retired_work) == (WorkState.DONE, "Completed", [])
        # Exactly one run for the event, ever: its key.
        (run,) = run_async(_runs_with_key(stagework.work_of(row, slug=SLUG).idempotency_key))
        assert str(run.id) == row.flow_run_id == started[event.id]  # type: ignore[index]
    with unit_of_work(db) as s:
        kinds = [d.kind for d in s.exec(select(StageDocument))]
        templates = [r.template for r in s.exec(select(Reminder))]
    assert sorted(kinds) == ["agenda", "consultation"]
    # Both transitions' notices, each queued exactly once (per recipient and channel).
    assert (templates.count("workshop_invitation"), templates.count("consultation_opened")) == (6, 4)
    assert templates.count("consultation_closing") == 4
