"""The in-process executor as a work pool's worker: two of them, one run, executed exactly once, a clean stop.

`python -m flows.runner --pool NAME` is the deployed picture's cheap worker (flows/executor.py):
it claims a pool's runs (Scheduled → Pending, which only one claimant wins) and runs them in its own
process. The served picture (`python -m flows.runner` without --pool) is proven by test_served.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterIdempotencyKey
from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings
from prefect.states import Pending
from sqlmodel import select
from typer.testing import CliRunner

from flows.dispatcher import dispatch_stage_work
from flows.executor import InProcessExecutor, known_flows
from policies.core.db import unit_of_work
from policies.core.settings import Settings, get_settings
from policies.lifecycle import stagework
from policies.lifecycle.models import Stage, StageDocument
from service import dispatch
from service.cli import app as cli
from service.supervise import Child
from tests import lifecycle_walk as walk
from tests.flows.conftest import clear_unfinished_runs, in_thread, run_async
from tests.flows.test_pool import POOL, _forget_pool

pytestmark = [pytest.mark.flows, pytest.mark.usefixtures("prefect_harness")]
ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_SECONDS = 180


@pytest.fixture
def executors(db: str, flow_settings: Settings) -> Iterator[list[Child]]:
    """Two executors on the pool, as two worker machines would run them."""
    clear_unfinished_runs()
    result = in_thread(CliRunner().invoke, cli, ["flows", "deploy", "--pool", POOL])
    assert result.exit_code == 0, result.output
    env = {
        **os.environ,
        "PREFECT_API_URL": str(get_current_settings().api.url),
        "SIKLUS_DATABASE_URL": db,
        "SIKLUS_SMTP_HOST": "",
        "SIKLUS_PREFECT_ENABLED": "false",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    argv = [sys.executable, "-m", "flows.runner", "--pool", POOL, "--limit", "2", "--poll-seconds", "0.5"]
    children = [Child(f"executor-{i}", argv, env) for i in range(2)]
    for child in children:
        child.start()
    yield children
    for child in children:
        child.stop()
    clear_unfinished_runs()
    run_async(_forget_pool())


async def _runs_with_key(key: str) -> list[Any]:
    async with get_client() as client:
        return await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(idempotency_key=FlowRunFilterIdempotencyKey(any_=[key]))
        )


def test_two_executors_on_a_pool_run_a_dispatched_stage_run_once_and_stop_cleanly(
    db: str, catalog: None, flow_settings: Settings, executors: list[Child], monkeypatch: pytest.MonkeyPatch
) -> None:
    people = walk.add_people(db)
    event = walk.advance(db, Stage.WORKSHOP, actor=walk.drafter(people), now=walk.clock().start)
    with unit_of_work(db) as s:
        work = stagework.get_work(s, event_id=event.id)  # type: ignore[arg-type]
    monkeypatch.setenv("SIKLUS_PREFECT_ENABLED", "true")
    get_settings.cache_clear()
    run_id = in_thread(dispatch.dispatch_stage_work, settings=get_settings(), work=work)
    assert run_id

    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    while (done := walk.latest_event(db)).work_state != "done":
        assert all(c.alive() for c in executors), "an executor stopped; see its output above"
        assert time.monotonic() < deadline, f"the work is still {done.work_state}"
        time.sleep(0.5)

    # The work is recorded done before the engine reports the run's final state to Prefect.
    while not (run := run_async(_runs_with_key(work.idempotency_key))[0]).state.is_completed():
        assert time.monotonic() < deadline, run.state
        time.sleep(0.5)
    (only,) = run_async(_runs_with_key(work.idempotency_key))  # one run, claimed by one executor
    assert str(only.id) == str(run.id) == run_id
    assert run.name == f"workshop/{walk.SLUG}/cycle-1"
    assert done.flow_run_id == run_id
    with unit_of_work(db) as s:  # its work done once: one agenda rendered
        assert s.exec(select(StageDocument).where(StageDocument.kind == "agenda")).one()

    # SIGTERM: nothing in flight, so each stops at once and exits cleanly.
    for child in executors:
        assert child.process is not None
        child.process.send_signal(signal.SIGTERM)
    for child in executors:
        assert child.process is not None
        try:
            assert child.process.wait(timeout=30) == 0
        except subprocess.TimeoutExpired:
            pytest.fail(f"{child.name} did not stop within 30 s of SIGTERM")


def test_a_run_whose_engine_failed_while_prefect_was_away_is_crashed_when_prefect_answers_again(
    db: str,
) -> None:
    async def pending_run() -> Any:
        async with get_client() as client:
            return await client.create_flow_run(dispatch_stage_work, state=Pending())

    async def state_of(run_id: Any) -> Any:
        async with get_client() as client:
            return (await client.read_flow_run(run_id)).state

    run = run_async(pending_run())
    executor = InProcessExecutor(flows=known_flows())
    failed: Future[str] = Future()
    failed.set_exception(RuntimeError("Failed to reach API"))
    # Prefect is away when the engine fails: the run cannot be marked Crashed then.
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        executor._finished(run, failed)
    assert set(executor.left_uncrashed) == {run.id}
    assert run_async(state_of(run.id)).is_pending()

    async def next_poll() -> int:
        async with get_client() as client:
            return await executor.crash_left(client)

    assert run_async(next_poll()) == 1  # Prefect answers again: crashed, for the dispatcher to retry
    assert executor.left_uncrashed == {}
    state = run_async(state_of(run.id))
    assert state.is_crashed() and "Failed to reach API" in str(state.message)
    assert run_async(next_poll()) == 0
