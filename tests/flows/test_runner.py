"""The deployments the runner serves and `flows deploy` registers: names, tags, schedules in the set zone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prefect.types.entrypoint import EntrypointType

from flows.runner import deployments
from policies.core.settings import Settings
from policies.lifecycle.models import Stage
from tests.flows.conftest import in_thread


@pytest.mark.parametrize("tz", ["Asia/Jakarta", "Asia/Makassar"])
def test_every_cron_schedule_runs_in_the_configured_time_zone(tz: str) -> None:
    settings = Settings(timezone=tz, sweep_cron="0 7 * * *", dispatch_cron="*/5 * * * *")
    # Off the main thread: Playwright's session loop there would make Prefect hand back coroutines.
    built = {d.flow_name: d for d in in_thread(deployments, settings)}
    scheduled = {
        name: [(s.schedule.cron, s.schedule.timezone) for s in d.schedules]
        for name, d in built.items()
        if d.schedules
    }
    assert scheduled == {
        "dispatch-stage-work": [("*/5 * * * *", tz)],
        "run-due": [("0 7 * * *", tz)],
    }
    # Stage flows run on demand only: a stage change starts them.
    assert set(built) - set(scheduled) == {f"stage-{s.value}" for s in Stage}
    assert {d.name for d in built.values()} == {"siklus"}
    assert all("siklus" in d.tags for d in built.values())
    assert built["stage-consultation"].tags == ["siklus", "stage:consultation"]


def test_the_defaults_are_jakarta_and_a_dispatcher_every_five_minutes() -> None:
    settings = Settings()
    assert (settings.timezone, settings.dispatch_cron, settings.sweep_cron) == (
        "Asia/Jakarta",
        "*/5 * * * *",
        "*/15 * * * *",
    )
    assert settings.dispatch_interval_seconds == 0  # the cron, unless an interval is set


def test_served_entrypoints_are_files_and_pooled_ones_modules() -> None:
    served = {d.flow_name: d.entrypoint for d in in_thread(deployments, Settings())}
    pooled = {
        d.flow_name: d.entrypoint
        for d in in_thread(deployments, Settings(), entrypoint_type=EntrypointType.MODULE_PATH)
    }
    assert served["stage-revision"] == "flows/stages.py:stage_revision"
    assert pooled["stage-revision"] == "flows.stages.stage_revision"
    assert pooled["run-due"] == "flows.sweeps.run_due"


def test_a_dispatch_interval_replaces_the_dispatchers_cron_and_leaves_the_sweeps_on_theirs() -> None:
    settings = Settings(dispatch_interval_seconds=15, dispatch_cron="*/5 * * * *", sweep_cron="0 7 * * *")
    built = {d.flow_name: d for d in in_thread(deployments, settings)}
    [dispatcher] = [s.schedule for s in built["dispatch-stage-work"].schedules]
    assert dispatcher.interval == timedelta(seconds=15)
    assert dispatcher.timezone == "Asia/Jakarta"
    assert [s.schedule.cron for s in built["run-due"].schedules] == ["0 7 * * *"]
