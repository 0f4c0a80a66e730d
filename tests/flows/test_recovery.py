"""Lost stage runs are recovered: crashed when stuck, retried under a new key, once, then people told."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from prefect.client.orchestration import get_client
from prefect.states import Crashed, Pending
from sqlmodel import select

from flows.common import retry_database_errors, transient_database_error
from flows.dispatcher import dispatch_stage_work
from policies.accounts.models import Role
from policies.core.db import unit_of_work, utcnow
from policies.core.errors import Conflict
from policies.core.settings import Settings, get_settings
from policies.lifecycle import recovery, stagework
from policies.lifecycle.models import Stage, StageEvent, WorkState
from policies.lifecycle.recovery import Action, Decision, Limits, RunPhase
from policies.outbox.models import Reminder
from service import dispatch
from service.app import create_app
from tests import lifecycle_walk as walk
from tests.flows.conftest import clear_unfinished_runs, in_thread, register_deployments, run_async
from tests.lifecycle_walk import SLUG
from tests.service.conftest import UNIT, make_token
from tests.web.conftest import log_in

NOW = utcnow()
LIMITS = Limits(max_attempts=3, backoff=timedelta(minutes=1))


def _event(*, stage: Stage = Stage.WORKSHOP, attempt: int = 1) -> StageEvent:
    return StageEvent(policy_id=1, cycle=1, to_stage=stage, actor_name="x", work_attempt=attempt)


def _decide(phase: RunPhase, *, ago: timedelta, attempt: int = 1, stage: Stage = Stage.WORKSHOP) -> Action:
    event = _event(stage=stage, attempt=attempt)
    return recovery.decide(event=event, phase=phase, since=NOW - ago, now=NOW, limits=LIMITS).action


def test_each_phase_of_a_run_gets_its_decision_by_the_stage_bounds_and_the_attempts() -> None:
    # Pending: a worker took it; past the stage's 10 minutes it is presumed lost with its worker.
    assert _decide(RunPhase.PENDING, ago=timedelta(minutes=9)) is Action.LEAVE
    assert _decide(RunPhase.PENDING, ago=timedelta(minutes=11)) is Action.CRASH_AND_RETRY
    # Running: 30 minutes for most stages, an hour for evaluation (its invitations take longest).
    assert _decide(RunPhase.RUNNING, ago=timedelta(minutes=31)) is Action.CRASH_AND_RETRY
    assert _decide(RunPhase.RUNNING, ago=timedelta(minutes=31), stage=Stage.EVALUATION) is Action.LEAVE
    # Waiting for a worker (none is up) is not lost: the work is still owed.
    assert _decide(RunPhase.WAITING, ago=timedelta(days=1)) is Action.LEAVE
    assert _decide(RunPhase.COMPLETED, ago=timedelta(days=1)) is Action.LEAVE
    # Ended unfinished: the first retry at once, the next after the backoff, doubling.
    assert _decide(RunPhase.UNFINISHED, ago=timedelta(0)) is Action.RETRY
    assert _decide(RunPhase.UNFINISHED, ago=timedelta(seconds=59), attempt=2) is Action.LEAVE
    assert _decide(RunPhase.UNFINISHED, ago=timedelta(seconds=61), attempt=2) is Action.RETRY
    assert LIMITS.retry_after(3) == timedelta(minutes=2)
    # The last attempt lost too: people are told; a person's cancellation is not retried.
    assert _decide(RunPhase.UNFINISHED, ago=timedelta(hours=1), attempt=3) is Action.GIVE_UP
    assert _decide(RunPhase.PENDING, ago=timedelta(hours=1), attempt=3) is Action.GIVE_UP
    assert _decide(RunPhase.CANCELLED, ago=timedelta(0)) is Action.STOP
    # The settings override every stage's bounds (short ones in the cluster test).
    short = Limits(pending=timedelta(seconds=5), running=timedelta(seconds=5))
    event = _event(stage=Stage.EVALUATION)
    decided = recovery.decide(
        event=event, phase=RunPhase.RUNNING, since=NOW - timedelta(seconds=6), now=NOW, limits=short
    )
    assert decided.action is Action.CRASH_AND_RETRY and "over 5 seconds" in decided.reason_en


def test_only_a_database_that_failed_is_retried_by_a_task() -> None:
    from prefect.states import Failed

    down = sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
    assert transient_database_error(down)
    assert not transient_database_error(Conflict("Belum ada jendela.", en="No window yet."))
    assert retry_database_errors(None, None, Failed(data=down))  # type: ignore[arg-type]
    assert not retry_database_errors(None, None, Failed(data=ValueError("refused")))  # type: ignore[arg-type]


@pytest.fixture
def registered(prefect_harness: None) -> Any:
    """Every deployment registered on the test API (no runner: runs stay scheduled unless moved)."""
    register_deployments()
    yield
    clear_unfinished_runs()


@pytest.fixture
def enabled(flow_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Dispatch on, at most two attempts, and a Pending bound of one second (set as an operator would)."""
    monkeypatch.setenv("SIKLUS_PREFECT_ENABLED", "true")
    monkeypatch.setenv("SIKLUS_STAGE_WORK_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("SIKLUS_STAGE_WORK_PENDING_LIMIT_SECONDS", "1")
    get_settings.cache_clear()
    return get_settings()


async def _set_state(run_id: str, state: Any) -> None:
    async with get_client() as client:
        await client.set_flow_run_state(run_id, state, force=True)


async def _run(run_id: str) -> Any:
    async with get_client() as client:
        return await client.read_flow_run(run_id)


def _row(db: str, event_id: int) -> StageEvent:
    with unit_of_work(db) as s:
        return s.get(StageEvent, event_id)  # type: ignore[return-value]


@pytest.mark.flows
def test_lost_runs_are_crashed_retried_under_a_new_key_shown_in_history_then_people_told(
    db: str, catalog: None, enabled: Settings, registered: None
) -> None:
    people = walk.add_people(db)
    event = walk.advance(db, Stage.WORKSHOP, actor=walk.drafter(people), now=walk.clock().start)
    with unit_of_work(db) as s:
        work = stagework.get_work(s, event_id=event.id)  # type: ignore[arg-type]
    first = in_thread(dispatch.dispatch_stage_work, settings=enabled, work=work)
    # Its worker claimed it and died before starting it: Pending, past the (one second) bound.
    run_async(_set_state(first, Pending()))
    time.sleep(1.5)
    started = run_async(dispatch_stage_work())
    second = started[event.id]  # type: ignore[index]
    lost = run_async(_run(first))
    assert lost.state.type.value == "CRASHED" and "Pending" in lost.state.message
    row = _row(db, event.id)  # type: ignore[arg-type]
    assert (row.work_attempt, row.work_state, row.flow_run_id) == (2, WorkState.DISPATCHED, second)
    assert [(r["attempt"], r["flow_run_id"], r["run_state"]) for r in row.recovered_work] == [
        (1, first, "Crashed")
    ]
    new = run_async(_run(second))
    # A new generation of the event's key: a new run, named and tagged as the first.
    assert new.idempotency_key == f"{work.idempotency_key}:g2" and new.name == lost.name
    assert run_async(dispatch_stage_work()).get(event.id) is None  # once: nothing more to recover

    # The second attempt crashes too (its host died): the last of two, so people are told, once.
    run_async(_set_state(second, Crashed(message="Host hilang.")))
    run_async(dispatch_stage_work())
    run_async(dispatch_stage_work())
    row = _row(db, event.id)  # type: ignore[arg-type]
    assert (row.work_state, row.work_attempt, len(row.recovered_work)) == (WorkState.FAILED, 2, 2)
    with unit_of_work(db) as s:
        told = s.exec(select(Reminder).where(Reminder.template == "stage_work_failed")).all()
    # The unit's drafter and the admin (the unit head), by email and in the inbox, each once.
    assert sorted((r.recipient_email, str(r.channel)) for r in told) == [
        ("kepala@bkpsdm.example.id", "email"),
        ("kepala@bkpsdm.example.id", "inbox"),
        ("rina@bkpsdm.example.id", "email"),
        ("rina@bkpsdm.example.id", "inbox"),
    ]
    assert told[0].context["attempts"] == 2 and told[0].context["run_state"] == "Crashed"

    # The history API and the cockpit say what happened to each attempt.
    make_token(db, email="dewi@bkpsdm.test", role=Role.DRAFTER, unit=UNIT)
    with TestClient(create_app(enabled)) as client:
        last = client.get(f"/api/v1/policies/{SLUG}/history").json()[-1]
        log_in(client, "dewi@bkpsdm.test")
        page = client.get(f"/policies/{SLUG}/cockpit").text
    assert "Percobaan ke-1 dipulihkan:" in page and "Percobaan ke-2 dipulihkan:" in page
    assert last["work_state"] == "failed" and last["work_attempt"] == 2
    assert [r["attempt"] for r in last["recovered_work"]] == [1, 2]
    assert "Pending" in last["recovered_work"][0]["reason_en"]
    assert "perancang dan admin diberi tahu" in last["recovered_work"][1]["reason"]


@pytest.mark.flows
def test_two_dispatchers_racing_over_one_lost_run_recover_it_once(db: str, catalog: None) -> None:
    with unit_of_work(db) as s:
        event = s.exec(select(StageEvent)).first()
        assert event is not None
        stagework.mark_dispatched(s, event_id=event.id, flow_run_id="run-lost")  # type: ignore[arg-type]
        event_id = event.id
    decision = Decision(Action.RETRY, "hilang", "lost")
    claim = {"event_id": event_id, "attempt": 1, "flow_run_id": "run-lost", "run_state": "Crashed"}
    with unit_of_work(db) as s:
        won = recovery.retry(s, decision=decision, **claim)  # type: ignore[arg-type]
    with unit_of_work(db) as s:
        lost = recovery.retry(s, decision=decision, **claim)  # type: ignore[arg-type]
    assert won is not None and won.attempt == 2 and lost is None
    row = _row(db, event_id)  # type: ignore[arg-type]
    assert (row.work_attempt, row.work_state, len(row.recovered_work)) == (2, WorkState.PENDING, 1)
    # The recovered run, should it start late after all, no longer speaks for the work.
    with unit_of_work(db) as s:
        stagework.mark_dispatched(s, event_id=event_id, flow_run_id="run-lost")  # type: ignore[arg-type]
        stagework.mark_failed(s, event_id=event_id, flow_run_id="run-lost")  # type: ignore[arg-type]
    row = _row(db, event_id)  # type: ignore[arg-type]
    assert (row.work_state, row.flow_run_id) == (WorkState.PENDING, None)
