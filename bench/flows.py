"""Bench: HTTP stage-advance latency over the real service, and stage-flow wall time on a Prefect server.

Run: .venv/bin/python -m bench.flows [--policies N] [--runs K]
It starts, in a temp dir, an embedded Prefect server (as `siklus serve` does), registers every
deployment, starts the web service (uvicorn) pointed at it, advances N policies over HTTP (the stage
work is dispatched to Prefect after the response), then times the consultation flow (4 tasks plus
begin/finish) run K times in this process against that server, beside a default SYNC flow of the
same tasks. Targets (issue 4): advance p50 < 50 ms; async stage flow median < 0.5 s (sync ~1.1 s).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--policies", type=int, default=200, help="advances timed over HTTP")
    parser.add_argument("--runs", type=int, default=20, help="runs of each flow timed")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="siklus-bench-flows-"))
    prefect_port, web_port = _free_port(), _free_port()
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
    from policies.settings import get_settings
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


def _prepare(settings: object, *, policies: int) -> None:
    from policies.access import SYSTEM
    from policies.accounts import hash_password
    from policies.actions.drafts import create_version
    from policies.actions.lifecycle import create_policy
    from policies.catalog import load_catalog
    from policies.catalog.loader import read_specs
    from policies.db import unit_of_work
    from policies.migrate import upgrade
    from policies.models import Account, Role

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
        time.sleep(2)  # let the background dispatches reach Prefect
        history = client.get("/policies/bench-kebijakan-0000/history").json()
    ms = samples[5:] if len(samples) > 20 else samples  # the first requests warm the worker up
    print(
        f"HTTP advance drafting→workshop, {len(ms)} requests: p50 {statistics.median(ms):.1f} ms, "
        f"p99 {_percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms (target p50 < 50 ms)"
    )
    last = history[-1]
    print(f"  stage work after the response: {last['work_state']}, flow run {last['flow_run_id']}")


def _bench_flows(*, runs: int) -> None:
    from prefect import flow, tags
    from prefect.artifacts import create_markdown_artifact

    from flows import stages
    from flows.stages import run_stage_flow
    from policies import stagework
    from policies.models import Stage
    from policies.settings import get_settings
    from tests import lifecycle_walk as walk

    db = get_settings().database_url
    people = walk.add_people(db)
    actor, c = walk.drafter(people), walk.clock()
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    walk.prepare_consultation(db, actor=actor, c=c)
    event = walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.start)
    slug, event_id = walk.SLUG, event.id

    @flow(name="bench-sync-consultation")
    def sync_consultation(event_id: int, slug: str, cycle: int) -> list[str]:
        with tags(*stagework.run_tags(stage=Stage.CONSULTATION, slug=slug)):
            stages.begin_stage_work(event_id)
            lines = [step(slug=slug) for step in stages.STEPS[Stage.CONSULTATION]]
            stages.finish_stage_work(event_id)
        create_markdown_artifact(key=f"bench-{slug}", markdown="\n".join(lines))
        return lines

    def timed(call: object) -> list[float]:
        out = []
        for _ in range(runs + 1):
            t0 = time.perf_counter()
            call()  # type: ignore[operator]
            out.append(time.perf_counter() - t0)
        return out[1:]  # the first run imports and warms the client

    async_times = timed(
        lambda: asyncio.run(run_stage_flow(Stage.CONSULTATION, event_id=event_id, slug=slug, cycle=1))
    )
    sync_times = timed(lambda: sync_consultation(event_id=event_id, slug=slug, cycle=1))
    print(
        f"stage-consultation flow (async, 6 tasks), {runs} runs: "
        f"median {statistics.median(async_times):.3f} s, "
        f"max {max(async_times):.3f} s (target < 0.5 s)"
    )
    print(
        f"same tasks in a default sync flow, {runs} runs: median {statistics.median(sync_times):.3f} s, "
        f"max {max(sync_times):.3f} s"
    )


if __name__ == "__main__":
    main()
