"""Stage work reaches Prefect exactly once, whether the API, the dispatcher, or both start it."""

from __future__ import annotations

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName, FlowRunFilter
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlmodel import select

from flows.dispatcher import dispatch_stage_work
from flows.runner import deployments
from policies.db import unit_of_work
from policies.models import Stage, StageEvent, WorkState
from policies.settings import Settings
from service import dispatch
from tests import lifecycle_walk as walk
from tests.flows.conftest import in_thread, run_async
from tests.lifecycle_walk import SLUG

pytestmark = [pytest.mark.flows, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture(scope="module")
def registered(prefect_harness: None) -> None:
    """Register every deployment on the test API (no runner: runs stay scheduled, which is enough)."""

    def register() -> None:
        for deployment in deployments(Settings()):
            deployment.apply()

    in_thread(register)


async def _runs_of(deployment_flow: str) -> list[object]:
    async with get_client() as client:
        deps = await client.read_deployments(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["siklus"]))
        )
        ids = [d.id for d in deps if d.entrypoint and deployment_flow in d.entrypoint]
        runs = await client.read_flow_runs(flow_run_filter=FlowRunFilter())
    return [r for r in runs if r.deployment_id in ids]


def test_pending_work_is_started_once_even_when_dispatched_twice(
    db: str, catalog: None, flow_settings: Settings, registered: None
) -> None:
    people = walk.add_people(db)
    event = walk.advance(db, Stage.WORKSHOP, actor=walk.drafter(people), now=walk.clock().start)
    # The API's background dispatch fires first ...
    api_run = in_thread(
        dispatch.dispatch_stage_work,
        settings=flow_settings.model_copy(update={"prefect_enabled": True}),
        event_id=event.id,  # type: ignore[arg-type]
        slug=SLUG,
        stage=Stage.WORKSHOP,
        cycle=1,
    )
    assert api_run is not None
    # ... then the dispatcher sweeps the same event as if the API had died before recording it.
    with unit_of_work(db) as s:
        row = s.get(StageEvent, event.id)
        row.work_state, row.flow_run_id = WorkState.PENDING, None
        s.add(row)
    started = run_async(dispatch_stage_work())
    again = run_async(dispatch_stage_work())  # nothing pending any more
    assert started[event.id] == api_run and again == {}
    runs = run_async(_runs_of("stage_workshop"))
    assert len(runs) == 1 and str(runs[0].id) == api_run
    assert runs[0].name == f"workshop/{SLUG}/cycle-1"
    assert {f"policy:{SLUG}", "stage:workshop"} <= set(runs[0].tags)
    with unit_of_work(db) as s:
        row = s.get(StageEvent, event.id)
        assert (row.work_state, row.flow_run_id) == (WorkState.DISPATCHED, api_run)
        # The catalogue's drafting events were superseded for this policy, not dispatched.
        first = s.exec(
            select(StageEvent).where(StageEvent.policy_id == row.policy_id).order_by(StageEvent.id)
        ).first()
        assert first.work_state == WorkState.NONE
    assert dispatch.flow_run_states([api_run]) == {api_run: "Scheduled"}


def test_states_are_empty_when_prefect_does_not_answer() -> None:
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        assert dispatch.flow_run_states(["00000000-0000-0000-0000-000000000000"]) == {}
    assert dispatch.flow_run_states([]) == {}


def test_disabled_dispatch_leaves_the_event_pending(db: str, catalog: None, flow_settings: Settings) -> None:
    with unit_of_work(db) as s:
        event = s.exec(select(StageEvent)).first()
    assert (
        dispatch.dispatch_stage_work(
            settings=flow_settings, event_id=event.id, slug=SLUG, stage=Stage.DRAFTING, cycle=1
        )
        is None
    )
    with unit_of_work(db) as s:
        assert s.get(StageEvent, event.id).work_state == WorkState.PENDING
