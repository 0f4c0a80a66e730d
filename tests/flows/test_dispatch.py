"""Stage work reaches Prefect once, whether the API, CLI, pages, dispatcher or several of them start it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName, FlowRunFilter
from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_MAX_RETRIES, temporary_settings
from prefect.states import Crashed
from sqlmodel import select
from typer.testing import CliRunner

from flows import orchestration
from flows.dispatcher import dispatch_stage_work
from policies.accounts.models import Role
from policies.core.db import unit_of_work
from policies.core.settings import Settings, get_settings
from policies.lifecycle import stagework
from policies.lifecycle.models import Stage, StageEvent, WorkState
from service import dispatch
from service.app import create_app
from service.cli import app as cli
from tests import lifecycle_walk as walk
from tests.flows.conftest import clear_unfinished_runs, in_thread, register_deployments, run_async
from tests.lifecycle_walk import SLUG
from tests.service.conftest import UNIT, auth, make_token
from tests.web.conftest import log_in, post_form

pytestmark = [pytest.mark.flows, pytest.mark.usefixtures("prefect_harness")]
DEAD_API = "http://127.0.0.1:9/api"
# Against a dead API the client would retry a once-connected server for about a minute (2 + 4 + ... s):
# the dispatcher is the backstop, so the test asks once.
PREFECT_DOWN = {PREFECT_API_URL: DEAD_API, PREFECT_CLIENT_MAX_RETRIES: 0}


@pytest.fixture(scope="module")
def registered(prefect_harness: None) -> Any:
    """Register every deployment on the test API (no runner: runs stay scheduled, which is enough)."""
    register_deployments()
    yield
    clear_unfinished_runs()


@pytest.fixture
def enabled(flow_settings: Settings) -> Settings:
    """The test's settings with dispatch to Prefect on."""
    return flow_settings.model_copy(update={"prefect_enabled": True})


@pytest.fixture
def event(db: str, catalog: None) -> StageEvent:
    """The walk's people added and the catalogue policy advanced to the workshop stage: that stage event."""
    people = walk.add_people(db)
    return walk.advance(db, Stage.WORKSHOP, actor=walk.drafter(people), now=walk.clock().start)


async def _runs_of(deployment_flow: str, *, key: str) -> list[Any]:
    """The runs of one stage's deployment for one stage event (earlier tests' runs stay on the server)."""
    async with get_client() as client:
        deps = await client.read_deployments(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["siklus"]))
        )
        ids = [d.id for d in deps if d.entrypoint and deployment_flow in d.entrypoint]
        runs = await client.read_flow_runs(flow_run_filter=FlowRunFilter())
    return [r for r in runs if r.deployment_id in ids and r.idempotency_key == key]


async def _run(run_id: str) -> Any:
    async with get_client() as client:
        return await client.read_flow_run(run_id)


async def _crash(run_id: str) -> None:
    async with get_client() as client:
        await client.set_flow_run_state(run_id, Crashed(message="Proses runner mati."), force=True)


def _work(db: str, event_id: int) -> stagework.StageWork:
    with unit_of_work(db) as s:
        return stagework.get_work(s, event_id=event_id)


def _event(db: str, event_id: int) -> StageEvent:
    with unit_of_work(db) as s:
        return s.get(StageEvent, event_id)  # type: ignore[return-value]


def test_pending_work_is_started_once_even_when_dispatched_twice(
    db: str, event: StageEvent, enabled: Settings, registered: None
) -> None:
    work = _work(db, event.id)  # type: ignore[arg-type]
    # The API's background dispatch fires first ...
    api_run = in_thread(dispatch.dispatch_stage_work, settings=enabled, work=work)
    assert api_run is not None
    # ... then the dispatcher sweeps the same event as if the API had died before recording it.
    with unit_of_work(db) as s:
        row = s.get(StageEvent, event.id)
        row.work_state, row.flow_run_id = WorkState.PENDING, None
        s.add(row)
    started = run_async(dispatch_stage_work())
    again = run_async(dispatch_stage_work())  # nothing pending any more
    assert started[event.id] == api_run and again == {}
    runs = run_async(_runs_of("stage_workshop", key=work.idempotency_key))
    assert len(runs) == 1 and str(runs[0].id) == api_run
    assert runs[0].name == f"workshop/{SLUG}/cycle-1"
    assert {f"policy:{SLUG}", "stage:workshop"} <= set(runs[0].tags)
    # Namespaced: another database's event of the same id (another moment) is another run.
    assert work.idempotency_key == f"siklus:{event.id}:{event.at:%Y%m%dT%H%M%S%f}"
    row = _event(db, event.id)  # type: ignore[arg-type]
    assert (row.work_state, row.flow_run_id) == (WorkState.DISPATCHED, api_run)
    with unit_of_work(db) as s:
        # The catalogue's drafting event, though the policy moved on, is started too: its work is owed.
        first = s.exec(
            select(StageEvent).where(StageEvent.policy_id == row.policy_id).order_by(StageEvent.id)
        ).first()
        assert first.work_state == WorkState.DISPATCHED and started[first.id] == first.flow_run_id
    # The state Prefect answered is kept on the event, as Prefect still reports it.
    assert row.flow_run_state == "Scheduled"
    assert orchestration.flow_run_states([api_run])[api_run].name == "Scheduled"


def test_prefect_down_leaves_the_work_pending_for_the_dispatcher_with_the_same_key(
    db: str, event: StageEvent, enabled: Settings, registered: None
) -> None:
    work = _work(db, event.id)  # type: ignore[arg-type]
    with temporary_settings(PREFECT_DOWN):
        assert in_thread(dispatch.dispatch_stage_work, settings=enabled, work=work) is None
    assert _event(db, event.id).work_state == WorkState.PENDING  # type: ignore[arg-type]
    # Prefect answers again: the dispatcher's sweep starts the work, under the event's own key.
    started = run_async(dispatch_stage_work())
    run = run_async(_run(started[event.id]))
    assert run.idempotency_key == work.idempotency_key and run.name == f"workshop/{SLUG}/cycle-1"
    assert _event(db, event.id).work_state == WorkState.DISPATCHED  # type: ignore[arg-type]
    # A late API dispatch of the same event hands back that run, not a second one.
    assert in_thread(dispatch.dispatch_stage_work, settings=enabled, work=work) == str(run.id)
    assert len(run_async(_runs_of("stage_workshop", key=work.idempotency_key))) == 1


def test_a_crashed_run_is_retried_under_a_new_key_shown_in_history_and_not_asked_for_again(
    db: str, event: StageEvent, enabled: Settings, registered: None
) -> None:
    with TestClient(create_app(enabled)) as client:
        before = client.get(f"/api/v1/policies/{SLUG}/history").json()
    assert before[-1]["run_state"] is None and before[-1]["run_url"] is None  # no run yet: nulls
    work = _work(db, event.id)  # type: ignore[arg-type]
    run_id = in_thread(dispatch.dispatch_stage_work, settings=enabled, work=work)
    run_async(_crash(run_id))
    # The dispatcher's next pass reads the crash and starts the work again, at once (the first
    # retry waits for nothing), under the key's next generation: a new run.
    retried = run_async(dispatch_stage_work())[event.id]  # (the other catalogue policies' too)
    assert retried != run_id
    assert run_async(_run(retried)).idempotency_key == f"{work.idempotency_key}:g2"
    row = _event(db, event.id)  # type: ignore[arg-type]
    assert (row.work_state, row.work_attempt, row.flow_run_id) == (WorkState.DISPATCHED, 2, retried)
    assert event.id not in run_async(dispatch_stage_work())  # no loop re-asking

    with TestClient(create_app(enabled)) as client:
        history = client.get(f"/api/v1/policies/{SLUG}/history").json()
    last = history[-1]
    assert (last["work_state"], last["flow_run_id"], last["work_attempt"]) == ("dispatched", retried, 2)
    lost = last["recovered_work"][0]
    assert (lost["attempt"], lost["flow_run_id"], lost["run_state"]) == (1, run_id, "Crashed")
    assert (
        last["run_url"] == f"{orchestration.prefect_api_url().removesuffix('/api')}/runs/flow-run/{retried}"
    )
    # The catalogue's drafting work, started by the same passes, has its own run.
    assert history[0]["work_state"] == "dispatched" and history[0]["flow_run_id"] not in (run_id, retried)


def test_history_without_an_answering_prefect_keeps_the_link_and_says_nothing_of_the_state(
    db: str, event: StageEvent, enabled: Settings
) -> None:
    with unit_of_work(db) as s:
        stagework.mark_dispatched(s, event_id=event.id, flow_run_id="0b7e2f0e-run")  # type: ignore[arg-type]
    ui = enabled.model_copy(update={"prefect_ui_url": "https://prefect.pemkot.example.id/"})
    with temporary_settings(PREFECT_DOWN), TestClient(create_app(ui)) as client:
        last = client.get(f"/api/v1/policies/{SLUG}/history").json()[-1]
    assert last["run_state"] is None
    assert last["run_url"] == "https://prefect.pemkot.example.id/runs/flow-run/0b7e2f0e-run"
    assert orchestration.flow_run_states(["00000000-0000-0000-0000-000000000000"]) == {}  # unknown


def test_history_and_cockpit_show_the_recorded_state_without_asking_prefect(
    db: str, event: StageEvent, enabled: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with unit_of_work(db) as s:
        stagework.record_dispatch(s, event_id=event.id, flow_run_id="0b7e2f0e-run", run_state="Running")  # type: ignore[arg-type]

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a page asked Prefect")

    monkeypatch.setattr(orchestration, "flow_run_states", refuse)
    monkeypatch.setattr(orchestration, "get_client", refuse)
    make_token(db, email="rina@bkpsdm.test", role=Role.DRAFTER, unit=UNIT)
    with temporary_settings(PREFECT_DOWN), TestClient(create_app(enabled)) as client:
        last = client.get(f"/api/v1/policies/{SLUG}/history").json()[-1]
        log_in(client, "rina@bkpsdm.test")
        page = client.get(f"/policies/{SLUG}/cockpit").text
    assert (last["flow_run_id"], last["run_state"]) == ("0b7e2f0e-run", "Running")
    assert "/runs/flow-run/0b7e2f0e-run" in page and "Berjalan" in page  # Running, in the page's language


def test_creating_a_policy_over_the_api_dispatches_its_drafting_work(
    db: str, catalog: None, enabled: Settings, registered: None
) -> None:
    token = make_token(db, email="rina@bkpsdm.test", role=Role.DRAFTER, unit=UNIT)
    body = {
        "slug": "perwal-mutasi-asn-2027",
        "title": "Perwal Mutasi ASN",
        "kind": "pengelolaan-jabatan",
        "region": "Kota Tangerang Selatan",
        "unit": UNIT,
    }
    with TestClient(create_app(enabled)) as client:
        created = client.post("/api/v1/policies", headers=auth(token), json=body)
        assert created.status_code == 201, created.text
        dispatch.drain()  # the dispatch runs beside the request cycle, after the response
        (event,) = client.get("/api/v1/policies/perwal-mutasi-asn-2027/history").json()
    assert event["work_state"] == "dispatched" and event["run_state"] == "Scheduled"
    run = run_async(_run(event["flow_run_id"]))
    assert run.name == "drafting/perwal-mutasi-asn-2027/cycle-1"


def test_the_cockpit_advance_dispatches_after_its_commit(
    db: str, catalog: None, enabled: Settings, registered: None
) -> None:
    make_token(db, email="rina@bkpsdm.test", role=Role.DRAFTER, unit=UNIT)
    with TestClient(create_app(enabled)) as web:
        log_in(web, "rina@bkpsdm.test")
        cockpit = f"/policies/{SLUG}/cockpit"
        moved = post_form(
            web, f"/policies/{SLUG}/advance", {"to_stage": "workshop"}, page=cockpit, follow_redirects=False
        )
        assert moved.status_code == 303, moved.text
        dispatch.drain()
        page = web.get(cockpit).text
    event = walk.latest_event(db)
    assert event.to_stage == Stage.WORKSHOP and event.work_state == WorkState.DISPATCHED
    assert run_async(_run(event.flow_run_id)).name == f"workshop/{SLUG}/cycle-1"  # type: ignore[arg-type]
    # Prefect's "Scheduled", in the page's language.
    assert f"/runs/flow-run/{event.flow_run_id}" in page and "Terjadwal" in page


def test_the_cli_advance_dispatches_right_after_its_commit(
    db: str, catalog: None, flow_settings: Settings, registered: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIKLUS_PREFECT_ENABLED", "true")
    get_settings.cache_clear()
    result = in_thread(CliRunner().invoke, cli, ["policy", "advance", SLUG, "workshop", "--reason", "Siap"])
    assert result.exit_code == 0, result.output
    event = walk.latest_event(db)
    assert event.work_state == WorkState.DISPATCHED
    assert f"Pekerjaan tahap: run Prefect {event.flow_run_id}." in result.output


def test_disabled_dispatch_leaves_the_event_pending(db: str, catalog: None, flow_settings: Settings) -> None:
    with unit_of_work(db) as s:
        event = s.exec(select(StageEvent)).first()
    work = _work(db, event.id)  # type: ignore[union-attr, arg-type]
    assert dispatch.dispatch_stage_work(settings=flow_settings, work=work) is None
    assert _event(db, event.id).work_state == WorkState.PENDING  # type: ignore[union-attr, arg-type]
