"""Losing a worker machine mid-run loses no stage work: every stage's work completes, once, without a person.

A Prefect server on PostgreSQL (a database of its own), `siklus flows deploy` to a process work
pool, two workers: a `prefect worker start` (each run a flow process of its own) and, once that
one has claimed its runs, a `siklus worker --in-process` beside it. A batch of stage changes is
dispatched as the web service does, and once one of the process worker's flow runs is under way
that worker is killed with every flow process it started (SIGKILL, no goodbye). Its Running runs
stop sending heartbeats and the zombie automation marks them Crashed, which starts the dispatcher;
its Pending runs are past the stage's bound by then and the dispatcher crashes them; either way the
dispatcher starts each lost attempt again under a new key, and the surviving worker runs it,
resuming at the first step not done. The bounds are short here (set by environment).
"""

from __future__ import annotations

import secrets
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlmodel import func, select

from flows.deploy import RECOVER_AUTOMATION, ZOMBIE_AUTOMATION
from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import unit_of_work
from policies.core.settings import Settings
from policies.drafting.models import DraftVersion
from policies.lifecycle import stagework
from policies.lifecycle.models import Policy, Stage, StageDocument, StageEvent, WorkState
from policies.lifecycle.spec import spec_of
from policies.outbox.models import Reminder
from service import dispatch
from tests import http
from tests import lifecycle_walk as walk
from tests.cluster.cluster import (
    Cluster,
    PrefectTemplate,
    base_env,
    children_of,
    kill_tree,
    siklus,
    siklus_argv,
    start_prefect_server,
    start_worker,
    wait_for,
)
from tests.flows.conftest import in_thread

pytestmark = pytest.mark.cluster
POOL = "siklus-cluster"
# Catalogue policies moved to their workshop stage; with every policy's owed drafting work, 8 runs.
BATCH = 3
# The process worker (the victim) claims this many runs, then the in-process one (the survivor) starts.
VICTIM_LIMIT = 2
# Short bounds, as an operator would set them by environment (production: docs/recovery.md).
BOUNDS = {
    "SIKLUS_FLOW_HEARTBEAT_SECONDS": "30",  # Prefect's minimum
    "SIKLUS_ZOMBIE_AFTER_SECONDS": "45",
    "SIKLUS_STAGE_WORK_PENDING_LIMIT_SECONDS": "20",
    "SIKLUS_STAGE_WORK_RUNNING_LIMIT_SECONDS": "240",  # the zombie automation comes first
    "SIKLUS_STAGE_WORK_RETRY_BACKOFF_SECONDS": "5",
    # A backstop only: the zombie automation's Crashed starts the dispatcher at once.
    "SIKLUS_DISPATCH_CRON": "* * * * *",
    "SIKLUS_SWEEP_CRON": "0 0 1 1 *",  # not during the test
    "PREFECT_WORKER_QUERY_SECONDS": "2",
    "PREFECT_WORKER_PREFETCH_SECONDS": "2",
    # The victim's heartbeat is seen within a second of reaching the server (Prefect's default: 5 s).
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL": "1",
    # The test shares its PostgreSQL server with the rest of the suite: few connections each.
    "SIKLUS_DB_POOL_SIZE": "2",
    "PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE": "4",
    "PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW": "4",
}
# Waits for CPU (processes starting, runs running beside four other test lanes): generous.
UNDER_WAY_SECONDS = 240
ALL_DONE_SECONDS = 420


PENDING_OR_RUNNING = [StateType.PENDING, StateType.RUNNING]


@pytest.fixture
def prefect_db(prefect_template: PrefectTemplate) -> Iterator[str]:
    """A database of Prefect's tables for the test's server (dropped after the processes are stopped)."""
    with prefect_template.clone() as url:
        yield url


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """The processes the test starts, killed (whole trees) when it ends."""
    started = Cluster(logs=tmp_path)
    yield started
    started.stop_all()


def _events(db: str) -> list[StageEvent]:
    with unit_of_work(db) as s:
        return list(s.exec(select(StageEvent).order_by(StageEvent.id)).all())


def test_killing_a_worker_and_its_flow_processes_mid_run_loses_no_stage_work(
    prefect_template: PrefectTemplate,
    db: str,
    catalog: None,
    settings: Settings,
    prefect_db: str,
    cluster: Cluster,
    tmp_path: Path,
) -> None:
    env = {**base_env(tmp_path / "prefect-home"), **BOUNDS}
    api = start_prefect_server(cluster, env=env, database_url=prefect_db)
    env.update(
        PREFECT_API_URL=api,
        SIKLUS_DATABASE_URL=db,
        SIKLUS_DATA_DIR=str(tmp_path / "data"),
        SIKLUS_SECRET_KEY=secrets.token_hex(16),
        SIKLUS_SMTP_HOST="",
    )
    deployed = siklus(["flows", "deploy", "--pool", POOL, "--limit", "6"], env=env)
    assert f"otomasi '{ZOMBIE_AUTOMATION}': dibuat" in deployed.stdout

    # The batch: every catalogue policy moves to its workshop stage, besides its owed drafting
    # work; each stage change is handed to Prefect as the web service does after its commit.
    people = walk.add_people(db)
    with unit_of_work(db) as s:
        every_slug = list(s.exec(select(Policy.slug).order_by(Policy.id)).all())
    slugs = every_slug[:BATCH]
    # An admin: the catalogue's policies belong to two units.
    admin = Actor(id=people["head"].id, name=people["head"].name, role=Role.ADMIN, unit=walk.UNIT)
    for slug in slugs:
        walk.advance(db, Stage.WORKSHOP, actor=admin, now=walk.clock().start, slug=slug)
    enabled = settings.model_copy(update={"prefect_enabled": True})
    with temporary_settings({PREFECT_API_URL: api}):
        for event in _events(db):
            if event.work_state != WorkState.PENDING:
                continue
            with unit_of_work(db) as s:
                work = stagework.get_work(s, event_id=event.id)  # type: ignore[arg-type]
            assert in_thread(dispatch.dispatch_stage_work, settings=enabled, work=work)

        # Every stage event's row is held (FOR UPDATE) until the kill: each run's first step
        # waits for it, so the victim's runs are certainly mid-run when they die, however fast
        # a step is and however late their heartbeat shows.
        with unit_of_work(db) as held:
            held.exec(select(StageEvent).with_for_update()).all()
            victim = start_worker(cluster, name="worker-1", pool=POOL, limit=VICTIM_LIMIT, env=env)
            # The process worker is alone until it has claimed its runs (the in-process one
            # would otherwise take the whole batch first: it polls every second).
            wait_for(
                lambda: len(in_thread(_runs, PENDING_OR_RUNNING)) >= VICTIM_LIMIT,
                timeout=UNDER_WAY_SECONDS,
                what=f"{VICTIM_LIMIT} runs claimed by worker-1",
            )
            survivor = cluster.start(
                "worker-2", siklus_argv(["worker", "--pool", POOL, "--limit", "4", "--in-process"]), env
            )
            # Mid-run: a stage run of the victim is Running and Prefect has its first heartbeat
            # (a run killed before its heartbeat left is no zombie: only the dispatcher's
            # Running bound would catch it, minutes later).
            wait_for(
                lambda: _heartbeats(api, in_thread(_running_under, victim.popen.pid)),
                timeout=UNDER_WAY_SECONDS,
                what="a heartbeat of a Running stage run of worker-1",
            )
            killed = kill_tree(victim.popen.pid, signal.SIGKILL)
            assert len(killed) > 1, killed

        def all_done() -> bool:
            assert survivor.popen.poll() is None, survivor.tail()
            return all(e.work_state == WorkState.DONE for e in _events(db))

        wait_for(all_done, timeout=ALL_DONE_SECONDS, every=2, what="every stage's work done")

        automations = in_thread(_automation_names)
        assert {ZOMBIE_AUTOMATION, RECOVER_AUTOMATION} <= automations

    events = _events(db)
    assert len(events) == len(every_slug) + len(slugs)  # each policy's drafting, the batch's workshop
    # Something was lost with the worker, and recovered under a new attempt.
    recovered = [e for e in events if e.recovered_work]
    assert recovered and all(e.work_attempt >= 2 for e in recovered)
    # Exactly once: each event's steps are each done once, and nothing was retired or failed.
    for event in events:
        steps = [step.name for step in spec_of(event.to_stage).entry_work]
        assert event.done_work == steps, (event.id, event.done_work)
        assert event.retired_work == []
    with unit_of_work(db) as s:
        agendas = s.exec(
            select(func.count()).select_from(StageDocument).where(StageDocument.kind == "agenda")
        )
        assert agendas.one() == len(slugs)
        versions = s.exec(select(func.count()).select_from(DraftVersion)).one()
        assert versions == len(every_slug)  # the catalogue's drafts, none made twice
        keys = s.exec(select(Reminder.dedupe_key)).all()
        assert len(keys) == len(set(keys))
        invites = [k for k in keys if k.startswith("workshop-invite:")]
        assert invites and not [k for k in keys if k.startswith("stage-work-failed:")]  # nobody was needed


def _runs(states: list[StateType]) -> list[FlowRun]:
    """The flow runs in one of these states."""
    with get_client(sync_client=True) as client:
        return client.read_flow_runs(
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=states)))
        )


def _running_under(pid: int) -> list[str]:
    """The stage runs in state Running whose flow process is a descendant of the process `pid`."""
    tree = {str(child) for child in children_of(pid)}
    runs = [r for r in _runs([StateType.RUNNING]) if any(tag.startswith("stage:") for tag in r.tags)]
    return [str(r.id) for r in runs if str(r.infrastructure_pid or "").rsplit(":", 1)[-1] in tree]


def _heartbeats(api: str, run_ids: list[str]) -> list[str]:
    """The runs among these whose heartbeat Prefect's server has received."""
    if not run_ids:
        return []
    query = {
        "event": {"name": ["prefect.flow-run.heartbeat"]},
        "resource": {"id": [f"prefect.flow-run.{run_id}" for run_id in run_ids]},
    }
    response = http.post(f"{api}/events/filter", json={"filter": query, "limit": 50}, timeout=30)
    response.raise_for_status()
    return [event["resource"]["prefect.resource.id"] for event in response.json()["events"]]


def _automation_names() -> set[str]:
    with get_client(sync_client=True) as client:
        return {a.name for a in client.read_automations(limit=50)}
