"""Bench (issue 21): the CPU a stage run costs and how long an advance waits for its run to complete.

Run: .venv/bin/python -m bench.stage_runs [--options embedded,process,process-command,in-process]
     [--runs 10] [--burst 200] [--burst-options in-process] [--tree PATH]

Every option serves the real thing: `siklus serve` (uvicorn, advances over its HTTP API), the stage
flows run by whatever executes the option's deployments, states read back from Prefect.
- embedded: `make run`'s picture, `siklus serve` with its embedded Prefect server (SQLite) and its
  flow runner (`python -m flows.runner`: in-process on this tree, Prefect's `serve` before it).
- process / process-command / in-process: the deployed picture. A Prefect server on PostgreSQL,
  `siklus flows deploy --pool`, `siklus serve --no-runner` with SIKLUS_WORKERS=2 on PostgreSQL, and two
  workers: `prefect worker start` (a workspace supervisor + an engine process per run), the same
  with the pool's `command` set (the engine process only), or `python -m flows.runner --pool`
  (runs in the worker's own process).
Each option: one warm-up advance, then `--runs` advances one at a time (each waits for its run to
complete), then, for the `--burst-options`, `--burst` advances at once from a separate process.
Measured: advance → COMPLETED (from sending the POST to the run's Completed state in Prefect), and
the CPU-seconds (user + sys, children included) of the processes executing the runs, per run.
`--tree PATH` runs the served processes from another checkout (the "before": `--tree /work/main`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.common import PG_URL, free_port, percentile, postgres_schema
from bench.stage_runs_support import (
    DRAFTER_EMAIL,
    DRAFTER_PASSWORD,
    Server,
    prepare,
    run_states,
    set_pool_command,
    slugs_for,
    tree_cpu,
    wait_http,
    wait_quiet,
)
from service.supervise import Child

POOL_OPTIONS = ("process", "process-command", "in-process")
SERIES = {"process": "proc", "process-command": "pcmd", "in-process": "inpr"}
RUN_TIMEOUT = 600.0
# The Prefect server's database pool in the deployed picture (the default 5 + 10 answered 500s under a burst).
POOL_SIZE, POOL_OVERFLOW = (
    "PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE",
    "PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW",
)
WORKER_LIMIT = 10


@dataclass
class Result:
    """What one option measured."""

    option: str
    sequential: list[float] = field(default_factory=list)
    phases: list[tuple[float, float, float]] = field(default_factory=list)
    cpu_per_run: float = 0.0
    server_cpu_per_run: float = 0.0
    burst: list[float] = field(default_factory=list)
    burst_errors: int = 0
    burst_answers: list[float] = field(default_factory=list)
    burst_phases: list[tuple[float, float, float]] = field(default_factory=list)
    burst_cpu_per_run: float = 0.0
    burst_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def loadavg() -> str:
    """Return the 1, 5 and 15 minute load averages."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def login(base: str) -> str:
    """Sign the bench's drafter in and return the bearer token."""
    r = httpx.post(
        f"{base}/auth/login", json={"email": DRAFTER_EMAIL, "password": DRAFTER_PASSWORD}, timeout=60
    )
    r.raise_for_status()
    return str(r.json()["access_token"])


def advance_and_wait(
    base: str, api_url: str, token: str, slug: str, phases: list[tuple[float, float, float]] | None = None
) -> float:
    """Advance one policy to the workshop stage and return seconds until its run completed in Prefect."""
    sent_at = time.time()
    r = httpx.post(
        f"{base}/policies/{slug}/advance",
        json={"to_stage": "workshop", "reason": "bench"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    r.raise_for_status()
    states = run_states(api_url, {slug: sent_at}, timeout=RUN_TIMEOUT, poll=0.1, phases=phases)
    name, latency = states[slug]
    if name != "Completed":
        raise RuntimeError(f"the run of {slug} ended {name}")
    return latency


def measure(
    base: str,
    api_url: str,
    slugs: list[str],
    *,
    db: str,
    cpu_roots: list[int],
    server_pid: int | None,
    result: Result,
) -> None:
    """Warm up, then time the advances one at a time, adding up the executors' CPU per run."""
    token = login(base)
    if left := wait_quiet(db):  # the catalogue's policies' drafting runs, started with the runner
        result.notes.append(f"{left} stage events still pending or dispatched when the timing began")
    advance_and_wait(base, api_url, token, slugs[0])  # the first run warms the executor (imports, clients)
    cpu0 = sum(tree_cpu(pid) for pid in cpu_roots)
    server0 = tree_cpu(server_pid) if server_pid else 0.0
    for slug in slugs[1:]:
        result.sequential.append(advance_and_wait(base, api_url, token, slug, result.phases))
        print(
            f"  {result.option}: {slug} completed {result.sequential[-1]:.2f} s after its advance", flush=True
        )
    time.sleep(2)  # let every flow-run process be reaped, so its CPU shows in its parent's
    runs = len(slugs) - 1
    result.cpu_per_run = (sum(tree_cpu(pid) for pid in cpu_roots) - cpu0) / runs
    if server_pid:
        result.server_cpu_per_run = (tree_cpu(server_pid) - server0) / runs


def burst(base: str, api_url: str, slugs: list[str], *, cpu_roots: list[int], result: Result) -> None:
    """Fire every advance at once from another process; time each to its Completed run."""
    token = login(base)
    cpu0 = sum(tree_cpu(pid) for pid in cpu_roots)
    t0 = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "bench.burst", base, token, *slugs], capture_output=True, text=True, check=True
    )
    answers = json.loads(out.stdout)
    sent = {slug: (at, status) for slug, (at, status, _) in answers.items()}
    # How long the web took to answer each advance (the burst's share of the web, apart from Prefect's).
    result.burst_answers = [waited for _, status, waited in answers.values() if status]
    refused = [s for s, (_, status) in sent.items() if not 200 <= status < 300]
    states = run_states(
        api_url,
        {s: at for s, (at, status) in sent.items() if s not in refused},
        timeout=RUN_TIMEOUT,
        phases=result.burst_phases,
    )
    result.burst_seconds = time.monotonic() - t0
    time.sleep(2)
    result.burst_cpu_per_run = (sum(tree_cpu(pid) for pid in cpu_roots) - cpu0) / len(slugs)
    failed = [s for s, (name, _) in states.items() if name != "Completed"]
    result.burst = [lat for name, lat in states.values() if name == "Completed"]
    result.burst_errors = len(refused) + len(failed)
    if refused:
        result.notes.append(f"burst HTTP statuses not 2xx: {sorted({sent[s][1] for s in refused})}")
    if failed:
        result.notes.append(f"burst runs not Completed: {sorted({states[s][0] for s in failed})}")


def child_env(tree: Path, extra: dict[str, str]) -> dict[str, str]:
    """Return the served processes' environment: the tree first on the path, analytics off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIKLUS_", "PREFECT_"))}
    env.update(PYTHONPATH=str(tree), DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    env.update(SIKLUS_SECRET_KEY="bench-secret-key", SIKLUS_SMTP_HOST="", SIKLUS_COMMENTS_PER_MINUTE="100000")
    env.update(extra)
    return env


def siklus(tree: Path, env: dict[str, str], *args: str) -> None:
    """Run a `siklus` command of the tree and fail loudly if it does."""
    argv = [sys.executable, "-c", "from service.cli import app; app()", *args]
    subprocess.run(argv, env=env, cwd=tree, check=True, stdout=subprocess.DEVNULL)


def stop_serve(serve: Child) -> None:
    """Stop `siklus serve` as Ctrl-C would: its children live in sessions of their own, so it stops them."""
    if serve.process is not None and serve.process.poll() is None:
        serve.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            serve.process.wait(timeout=120)
    serve.stop()


def embedded(tree: Path, *, runs: int) -> Result:
    """`make run`'s picture: `siklus serve` with its own Prefect server and flow runner."""
    result = Result("embedded")
    tmp = Path(tempfile.mkdtemp(prefix="siklus-bench-stage-runs-"))
    port = free_port()
    env = child_env(
        tree,
        {
            "SIKLUS_DATABASE_URL": f"sqlite:///{tmp / 'siklus.db'}",
            "SIKLUS_DATA_DIR": str(tmp),
            "SIKLUS_PORT": str(port),
            "SIKLUS_PREFECT_PORT": str(free_port()),
            "PREFECT_HOME": str(tmp / "prefect-client"),
        },
    )
    siklus(tree, env, "db", "upgrade")
    slugs = slugs_for("emb", runs + 1)
    prepare(env["SIKLUS_DATABASE_URL"], slugs)
    serve = Child("siklus-serve", [sys.executable, "-c", "from service.cli import app; app()", "serve"], env)
    serve.start()
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", timeout=600)
        assert serve.process is not None
        runner = Server.find_child(serve.process.pid, "flows.runner")
        prefect = Server.find_child(serve.process.pid, "prefect server")
        api_url = f"http://127.0.0.1:{env['SIKLUS_PREFECT_PORT']}/api"
        measure(
            f"http://127.0.0.1:{port}/api/v1",
            api_url,
            slugs,
            db=env["SIKLUS_DATABASE_URL"],
            cpu_roots=[runner],
            server_pid=prefect,
            result=result,
        )
    finally:
        stop_serve(serve)
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def deployed(tree: Path, option: str, *, server: Server, runs: int, burst_size: int, db_pool: str) -> Result:
    """The deployed picture on `server`: a pool of the option's kind, two workers, two web workers."""
    result = Result(option)
    pool = f"bench-{option}-{int(time.time())}"
    with postgres_schema(PG_URL) as url:
        tmp = Path(tempfile.mkdtemp(prefix="siklus-bench-stage-runs-"))
        port = free_port()
        env = child_env(
            tree,
            {
                "SIKLUS_DATABASE_URL": url,
                "SIKLUS_DATA_DIR": str(tmp),
                "SIKLUS_PORT": str(port),
                "SIKLUS_WORKERS": "2",
                **({"SIKLUS_DB_POOL_SIZE": db_pool} if db_pool else {}),
                "PREFECT_HOME": str(tmp / "prefect-client"),
                "PREFECT_API_URL": server.api_url,
            },
        )
        siklus(tree, env, "db", "upgrade")
        # Run names must differ between options: they share one Prefect server.
        slugs = slugs_for(SERIES[option], runs + 1)
        burst_slugs = slugs_for(f"{SERIES[option]}-b", burst_size)
        prepare(url, slugs + burst_slugs)
        siklus(tree, env, "flows", "deploy", "--pool", pool)
        if option == "process-command":
            set_pool_command(server.api_url, pool)
        if option == "in-process":
            argv = [sys.executable, "-m", "flows.runner", "--pool", pool, "--limit", str(WORKER_LIMIT)]
        else:
            argv = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool]
            argv += ["--limit", str(WORKER_LIMIT)]
        workers = [Child(f"worker-{i}", argv, env) for i in range(2)]
        web = Child(
            "web", [sys.executable, "-c", "from service.cli import app; app()", "serve", "--no-runner"], env
        )
        try:
            for w in workers:
                w.start()
            web.start()
            wait_http(f"http://127.0.0.1:{port}/healthz", timeout=600)
            roots = [w.process.pid for w in workers if w.process is not None]
            base = f"http://127.0.0.1:{port}/api/v1"
            measure(
                base, server.api_url, slugs, db=url, cpu_roots=roots, server_pid=server.pid, result=result
            )
            if burst_size:
                burst(base, server.api_url, burst_slugs, cpu_roots=roots, result=result)
        finally:
            web.stop()
            for w in workers:
                w.stop()
            shutil.rmtree(tmp, ignore_errors=True)
    return result


def summary(results: list[Result], *, tree: Path, load_before: str) -> None:
    """Print every option's figures, one block each."""
    print(f"\n=== Stage runs (issue 21), tree {tree}; load average before {load_before}, after {loadavg()}")
    for r in results:
        seq = r.sequential
        print(
            f"{r.option:16} advance → COMPLETED p50 {statistics.median(seq):.2f} s "
            f"(min {min(seq):.2f}, max {max(seq):.2f}, {len(seq)} one at a time); "
            f"CPU per run {r.cpu_per_run:.2f} s (executor) + {r.server_cpu_per_run:.2f} s (Prefect server)"
        )
        if r.phases:
            dispatch, pickup, run = (statistics.median(p[i] for p in r.phases) for i in range(3))
            print(
                f"{'':16} medians: advance → run created {dispatch:.2f} s, created → started {pickup:.2f} s, "
                f"started → ended {run:.2f} s"
            )
        if r.burst or r.burst_errors:
            lat = r.burst or [float("nan")]
            print(
                f"{'':16} burst of {len(r.burst) + r.burst_errors}: errors {r.burst_errors}, "
                f"advance → COMPLETED p50 {statistics.median(lat):.1f} s, p99 {percentile(lat, 0.99):.1f} s, "
                f"all done in {r.burst_seconds:.0f} s; CPU per run {r.burst_cpu_per_run:.2f} s (executors)"
            )
        if r.burst_answers:
            print(
                f"{'':16} burst answers: p50 {statistics.median(r.burst_answers):.2f} s, "
                f"p99 {percentile(r.burst_answers, 0.99):.2f} s, max {max(r.burst_answers):.2f} s"
            )
        if r.burst_phases:
            dispatch, pickup, run = (statistics.median(p[i] for p in r.burst_phases) for i in range(3))
            print(
                f"{'':16} burst medians: advance → run created {dispatch:.1f} s, created → started "
                f"{pickup:.1f} s, started → ended {run:.1f} s"
            )
        for note in r.notes:
            print(f"{'':16} {note}")


def main() -> None:
    """Measure the chosen options and print the summary."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--options", default="embedded,process,process-command,in-process")
    parser.add_argument("--runs", type=int, default=10, help="advances timed one at a time per option")
    parser.add_argument("--burst", type=int, default=200, help="advances at once (0: none)")
    parser.add_argument("--burst-options", default="in-process", help="the options that take the burst")
    parser.add_argument(
        "--db-pool-size", default="", help="SIKLUS_DB_POOL_SIZE of the deployed web and workers"
    )
    parser.add_argument("--prefect-pool", default="20,20", help="the Prefect server's pool size and overflow")
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    options = [o for o in args.options.split(",") if o]
    load_before = loadavg()
    print(f"Load average at the start: {load_before}", flush=True)
    results: list[Result] = []
    if "embedded" in options:
        results.append(embedded(args.tree, runs=args.runs))
    pooled = [o for o in options if o in POOL_OPTIONS]
    if pooled:
        size, overflow = args.prefect_pool.split(",")
        prefect_pool = {POOL_SIZE: size, POOL_OVERFLOW: overflow}
        with Server.on_postgres(env=child_env(args.tree, prefect_pool)) as server:
            for option in pooled:
                n = args.burst if option in args.burst_options.split(",") else 0
                results.append(
                    deployed(
                        args.tree,
                        option,
                        server=server,
                        runs=args.runs,
                        burst_size=n,
                        db_pool=args.db_pool_size,
                    )
                )
    summary(results, tree=args.tree, load_before=load_before)


if __name__ == "__main__":
    main()
