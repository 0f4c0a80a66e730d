"""Prefect's vocabulary without a Prefect API: names, tags, keys, what a run's state means for the work."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from prefect.client.schemas.objects import StateType

from flows import orchestration
from flows.orchestration import RunState
from policies.lifecycle.models import Stage, WorkState

SLUG = "perwal-kebijakan-kepegawaian-asn-2026"


def test_names_tags_and_keys() -> None:
    assert orchestration.run_name(stage=Stage.DRAFTING, slug=SLUG, cycle=1) == f"drafting/{SLUG}/cycle-1"
    assert orchestration.run_tags(stage="consultation", slug=SLUG) == [f"policy:{SLUG}", "stage:consultation"]
    assert orchestration.flow_name(Stage.CONSULTATION) == "stage-consultation"
    assert orchestration.deployment_name(Stage.CONSULTATION) == "stage-consultation/siklus"
    assert orchestration.artifact_key(slug=SLUG, stage=Stage.REVISION) == f"policy-{SLUG}-revision"
    assert orchestration.artifact_key(slug="Perwal_2026", stage="drafting") == "policy-perwal-2026-drafting"


@pytest.mark.parametrize(
    ("state", "outcome"),
    [
        (StateType.SCHEDULED, WorkState.DISPATCHED),
        (StateType.RUNNING, WorkState.DISPATCHED),
        (StateType.COMPLETED, WorkState.DONE),
        (StateType.FAILED, WorkState.FAILED),
        (StateType.CRASHED, WorkState.FAILED),
        (StateType.CANCELLED, WorkState.FAILED),
        (None, WorkState.DISPATCHED),
    ],
)
def test_what_a_runs_state_means_for_the_work(state: StateType | None, outcome: WorkState) -> None:
    at = datetime(2026, 8, 17, tzinfo=UTC)
    assert RunState("run-1", state, state.value.title() if state else None, at).outcome is outcome


def test_reading_no_known_run_asks_nothing() -> None:
    # Not run ids Prefect could know: answered without a call (no API is running here).
    assert orchestration.flow_run_states([]) == {}
    assert orchestration.flow_run_states(["0b7e2f0e-run", ""]) == {}
