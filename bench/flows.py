"""Bench: HTTP stage-advance latency over the real service, and stage-flow wall time on a Prefect server.

Run: .venv/bin/python -m bench.flows [--policies N] [--runs K]
It starts, in a temp dir, an embedded Prefect server (as `siklus serve` does), registers every
deployment and starts the web service (uvicorn) pointed at it. It walks copies of a catalogue policy
through every stage (bench/flow_walk.py) and, at each, times that stage's flow in this process
against the server: its first run on each of K+1 copies (the first warms up), then a second run of
each (nothing left to do), beside a default SYNC flow of the same tasks on K+1 copies of its own;
then it advances N policies over HTTP (their stage work is dispatched to Prefect after the
response). Targets (issue 4): advance
p50 < 50 ms; async stage flow median < 0.5 s (a default sync flow about 1.1 s).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import free_port, percentile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--policies", type=int, default=200, help="advances timed over HTTP")
    parser.add_argument("--runs", type=int, default=20, help="runs of each flow timed")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="siklus-bench-flows-"))
    prefect_port, web_port = free_port(), free_port()
    api_url = f"http://127.0.0.1:{prefect_port}/api"
    os.environ.update(
        SIKLUS_DATABASE_URL=f"sqlite:///{tmp / 'siklus.db'}",
        SIKLUS_DATA_DIR=str(tmp),
        SIKLUS_PREFECT_PORT=str(prefect_port),
        SIKLUS_PREFECT_ENABLED="true",
        SIKLUS_SECRET_KEY="bench-secret-key",
        SIKLUS_COMMENTS_PER_MINUTE="100000",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
    )
    from policies.core.settings import get_settings
    from service.supervise import Child, prefect_env, prefect_server_child, wait_healthy

    settings = get_settings()
    server = prefect_server_child(settings)
    server.start()
    web: Child | None = None
    try:
        t0 = time.perf_counter()
        wait_healthy(api_url, child=server)
        print(f"Prefect server ready in {time.perf_counter() - t0:.1f} s ({api_url})")
        os.environ["PREFECT_API_URL"] = api_url
        _prepare(settings, policies=args.policies)
        _register_deployments(settings)
        env = prefect_env(settings, api_url=api_url)
        argv = [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory"]
        web = Child("web", [*argv, "--port", str(web_port), "--log-level", "warning"], env)
        web.start()
        _wait_web(web_port)
        # Flows first: the advances below leave their dispatched runs on the server.
        _bench_flows(runs=args.runs)
        _bench_advance(web_port, policies=args.policies)
    finally:
        if web is not None:
            web.stop()
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def _prepare(settings: object, *, policies: int) -> None:
    from policies.accounts.access import SYSTEM
    from policies.accounts.actions import hash_password
    from policies.accounts.models import Account, Role
    from policies.catalog import load_catalog
    from policies.catalog.loader import read_specs
    from policies.core.db import unit_of_work
    from policies.core.migrate import upgrade
    from policies.drafting.versions import create_version
    from policies.lifecycle.actions import create_policy

    url = settings.database_url  # type: ignore[attr-defined]
    upgrade(url)
    draft = read_specs()[0][0].example.draft
    with unit_of_work(url) as s:
        load_catalog(s)
        s.add(
            Account(
                email="perancang@bench.example.id",
                name="Perancang Bench",
                role=Role.DRAFTER,
                unit="BKPSDM Bench",
                password_hash=hash_password("kata-sandi-bench"),
            )
        )
        for i in range(policies):
            slug = f"bench-kebijakan-{i:04d}"
            create_policy(
                s,
                actor=SYSTEM,
                slug=slug,
                title=f"Kebijakan bench {i}",
                kind_code="kebijakan-kepegawaian",
                region="Kota Bench",
                unit="BKPSDM Bench",
            )
            create_version(s, actor=SYSTEM, slug=slug, body=draft)


def _register_deployments(settings: object) -> None:
    from flows.runner import deployments

    t0 = time.perf_counter()
    for deployment in deployments(settings):  # type: ignore[arg-type]
        # Without the cron schedules: their scheduled runs would pile up (no runner here) and
        # load the server the bench measures.
        deployment.schedules = []
        deployment.apply()
    print(f"Deployments registered in {time.perf_counter() - t0:.1f} s")


def _wait_web(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("web service did not start")


def _bench_advance(port: int, *, policies: int) -> None:
    base = f"http://127.0.0.1:{port}/api/v1"
    with httpx.Client(base_url=base, timeout=30) as client:
        login = client.post(
            "/auth/login", json={"email": "perancang@bench.example.id", "password": "kata-sandi-bench"}
        )
        login.raise_for_status()
        client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        samples: list[float] = []
        for i in range(policies):
            t0 = time.perf_counter()
            response = client.post(
                f"/policies/bench-kebijakan-{i:04d}/advance", json={"to_stage": "workshop", "reason": "bench"}
            )
            samples.append((time.perf_counter() - t0) * 1000)
            response.raise_for_status()
        last_response = time.perf_counter()
        dispatched = _wait_dispatched(policies)
        waited = time.perf_counter() - last_response
        history = client.get(f"/policies/bench-kebijakan-{policies - 1:04d}/history").json()
    ms = samples[5:] if len(samples) > 20 else samples  # the first requests warm the worker up
    print(
        f"HTTP advance drafting→workshop, {len(ms)} requests: p50 {statistics.median(ms):.1f} ms, "
        f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms (target p50 < 50 ms)"
    )
    if statistics.median(ms) >= 50:
        print(f"MISSED: HTTP advance p50 {statistics.median(ms):.1f} ms >= 50 ms")
    last = history[-1]
    print(
        f"  stage work handed to Prefect after the responses: {dispatched}/{policies} within {waited:.1f} s; "
        f"last: {last['work_state']}, run {last['flow_run_id']} ({last['run_state']})"
    )


def _wait_dispatched(policies: int, *, timeout: float = 120) -> int:
    """Wait (bounded) until the background dispatches recorded a run on every advanced policy."""
    from sqlmodel import col, func, select

    from policies.core.db import read_session
    from policies.core.settings import get_settings
    from policies.lifecycle.models import Policy, Stage, StageEvent

    stmt = (
        select(func.count())
        .select_from(StageEvent)
        .join(Policy, col(Policy.id) == StageEvent.policy_id)
        .where(col(Policy.slug).startswith("bench-kebijakan-"), StageEvent.to_stage == Stage.WORKSHOP)
        .where(col(StageEvent.flow_run_id).is_not(None))
    )
    deadline = time.monotonic() + timeout
    while True:
        with read_session(get_settings().database_url) as session:
            done = int(session.exec(stmt).one())
        if done >= policies or time.monotonic() > deadline:
            return done
        time.sleep(0.2)


def _sync_twin(stage: object) -> object:
    """The same stage's tasks in a default SYNC flow (what the issue compares against)."""
    from prefect import flow, tags
    from prefect.artifacts import create_markdown_artifact

    from flows import orchestration, stages

    @flow(name=f"bench-sync-{stage.value}")  # type: ignore[attr-defined]
    def sync_stage(event_id: int, slug: str, cycle: int) -> list[str]:
        with tags(*orchestration.run_tags(stage=stage, slug=slug)):  # type: ignore[arg-type]
            if not stages.begin_stage_work(event_id):
                return []
            lines = stages.run_steps(stage, slug=slug, event_id=event_id)  # type: ignore[arg-type]
            create_markdown_artifact(key=f"bench-sync-{stage.value}", markdown="\n".join(lines))  # type: ignore[attr-defined]
            stages.finish_stage_work(event_id)
        return lines

    return sync_stage


def _bench_flows(*, runs: int) -> None:
    from bench.flow_walk import Walk, start
    from flows import stages
    from flows.stages import run_stage_flow
    from policies.core.settings import get_settings
    from policies.lifecycle.models import Stage, StageEvent

    # One fresh copy of the catalogue policy per timed run and flavour, so every timed run does its
    # stage's real work, as a dispatched stage event does; the first of each series warms the process.
    n = runs + 1
    walks = start(get_settings().database_url, slugs=[f"bench-alur-{i:02d}" for i in range(2 * n)])
    fast, slow = walks[:n], walks[n:]

    def series(group: list[Walk], stage: Stage, run: object) -> list[float]:
        out = []
        for walk in group:
            event: StageEvent = walk.latest_event()
            assert event.to_stage == stage, (walk.slug, event.to_stage, stage)
            t0 = time.perf_counter()
            run(walk, event)  # type: ignore[operator]
            out.append(time.perf_counter() - t0)
        return out[1:]

    def measure(stage: Stage) -> None:
        def run_async(walk: Walk, event: StageEvent) -> None:
            asyncio.run(run_stage_flow(stage, event_id=event.id, slug=walk.slug, cycle=event.cycle))  # type: ignore[arg-type]

        twin = _sync_twin(stage)

        def run_sync(walk: Walk, event: StageEvent) -> None:
            twin(event_id=event.id, slug=walk.slug, cycle=event.cycle)  # type: ignore[operator]

        first = series(fast, stage, run_async)
        again = series(fast, stage, run_async)  # the same events once more: nothing left to do
        sync = series(slow, stage, run_sync)
        tasks = len(stages.STEP_TASKS[stage]) + 2  # the steps, plus begin and finish
        median = statistics.median(first)
        print(
            f"stage-{stage.value:<13} {tasks} tasks, {runs} runs: async median {median:.3f} s "
            f"(max {max(first):.3f}; run again {statistics.median(again):.3f}) | default sync flow "
            f"median {statistics.median(sync):.3f} s (max {max(sync):.3f})"
        )
        if median >= 0.5:
            print(f"MISSED: stage-{stage.value} async median {median:.3f} s >= 0.5 s")

    def each(step: object) -> None:
        for walk in walks:
            step(walk)  # type: ignore[operator]

    print("Stage flows in this process against the embedded server (target: async median < 0.5 s)")
    measure(Stage.DRAFTING)
    each(lambda w: w.advance(Stage.WORKSHOP, now=w.clock.start))
    measure(Stage.WORKSHOP)
    each(lambda w: (w.prepare_consultation(), w.advance(Stage.CONSULTATION, now=w.clock.start)))
    measure(Stage.CONSULTATION)
    each(lambda w: (w.prepare_socialization(), w.advance(Stage.SOCIALIZATION, now=w.clock.closed)))
    measure(Stage.SOCIALIZATION)
    each(lambda w: (w.prepare_evaluation(), w.advance(Stage.EVALUATION, now=w.clock.closed)))
    measure(Stage.EVALUATION)
    each(lambda w: (w.prepare_revision(), w.advance(Stage.REVISION, now=w.clock.evaluated)))
    measure(Stage.REVISION)
    each(lambda w: w.advance(Stage.WITHDRAWN, now=w.clock.evaluated, reason="Digantikan peraturan baru."))
    measure(Stage.WITHDRAWN)


if __name__ == "__main__":
    main()
