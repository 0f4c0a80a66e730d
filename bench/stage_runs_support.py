"""What bench/stage_runs.py needs around the measurement: policies to advance, a Prefect server on
PostgreSQL, the runs' states read back from Prefect, and the CPU a process tree has used."""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.common import free_port

DRAFTER_EMAIL = "perancang@bench.example.id"
DRAFTER_PASSWORD = "kata-sandi-bench"
FINAL = frozenset({"Completed", "Failed", "Crashed", "Cancelled"})
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def slugs_for(prefix: str, count: int) -> list[str]:
    """Name `count` policies of one series."""
    return [f"bench-{prefix}-{i:04d}" for i in range(count)]


def prepare(url: str, slugs: list[str]) -> None:
    """Load the catalogue, the bench's drafter (once) and one drafting policy with a version per slug."""
    from sqlmodel import select

    from policies.accounts.access import SYSTEM
    from policies.accounts.actions import hash_password
    from policies.accounts.models import Account, Role
    from policies.catalog import load_catalog
    from policies.catalog.loader import read_specs
    from policies.core.db import unit_of_work
    from policies.drafting.versions import create_version
    from policies.lifecycle.actions import create_policy
    from policies.lifecycle.models import StageEvent, WorkState

    draft = read_specs()[0][0].example.draft
    with unit_of_work(url) as s:
        load_catalog(s)
        if s.exec(select(Account).where(Account.email == DRAFTER_EMAIL)).first() is None:
            s.add(
                Account(
                    email=DRAFTER_EMAIL,
                    name="Perancang Bench",
                    role=Role.DRAFTER,
                    unit="BKPSDM Bench",
                    password_hash=hash_password(DRAFTER_PASSWORD),
                )
            )
        for slug in slugs:
            create_policy(
                s,
                actor=SYSTEM,
                slug=slug,
                title=f"Kebijakan {slug}",
                kind_code="kebijakan-kepegawaian",
                region="Kota Bench",
                unit="BKPSDM Bench",
            )
            create_version(s, actor=SYSTEM, slug=slug, body=draft)
        # Their drafting work (and the catalogue's) is not what is measured: recorded done, so no run
        # starts for it and only the timed advances' runs load the executors.
        for event in s.exec(select(StageEvent).where(StageEvent.work_state == WorkState.PENDING)):
            event.work_state = WorkState.DONE
            s.add(event)


def wait_quiet(url: str, *, timeout: float = 600) -> int:
    """Wait until no stage work is pending or under way (start-up runs); return how much is left."""
    from sqlmodel import col, func, select

    from policies.core.db import read_session
    from policies.lifecycle.models import StageEvent, WorkState

    busy = col(StageEvent.work_state).in_([WorkState.PENDING, WorkState.DISPATCHED])
    deadline = time.monotonic() + timeout
    while True:
        with read_session(url) as s:
            left = int(s.exec(select(func.count()).select_from(StageEvent).where(busy)).one())
        if left == 0 or time.monotonic() > deadline:
            return left
        time.sleep(1)


def run_states(
    api_url: str,
    sent: dict[str, float],
    *,
    timeout: float,
    poll: float = 0.5,
    phases: list[tuple[float, float, float]] | None = None,
) -> dict[str, tuple[str, float]]:
    """Wait for each policy's workshop run to end; return its final state and seconds from its advance.

    `phases` gets, per completed run: advance → run created (the web's dispatch), created → started
    (the executor's pick-up and start), started → ended (the run itself).
    """
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
    from prefect.exceptions import PrefectHTTPStatusError

    names = {f"workshop/{slug}/cycle-1": slug for slug in sent}
    found: dict[str, tuple[str, float]] = {}
    deadline = time.monotonic() + timeout
    with SyncPrefectClient(api_url) as client:
        while True:
            waiting = [n for n, slug in names.items() if slug not in found]
            for i in range(0, len(waiting), 100):
                chunk = waiting[i : i + 100]
                try:
                    runs = client.read_flow_runs(
                        flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=chunk)), limit=len(chunk)
                    )
                except (PrefectHTTPStatusError, httpx.HTTPError):
                    runs = []  # the server is overloaded for a moment: what it owes is asked again
                for run in runs:
                    if run.state is not None and run.state.name in FINAL:
                        slug = names[run.name]
                        found[slug] = (run.state.name, run.state.timestamp.timestamp() - sent[slug])
                        if phases is not None and run.created and run.start_time and run.end_time:
                            created, start = run.created.timestamp(), run.start_time.timestamp()
                            phases.append(
                                (created - sent[slug], start - created, run.end_time.timestamp() - start)
                            )
            if len(found) == len(sent):
                return found
            if time.monotonic() > deadline:
                for slug in sent:
                    found.setdefault(slug, ("not ended", float("nan")))
                return found
            time.sleep(poll)


def set_pool_command(api_url: str, pool: str) -> None:
    """Name the engine command in the pool's job template: the worker then skips its workspace supervisor."""
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.actions import WorkPoolUpdate

    with SyncPrefectClient(api_url) as client:
        template = client.read_work_pool(pool).base_job_template
        template["variables"]["properties"]["command"]["default"] = f"{sys.executable} -m prefect.engine"
        client.update_work_pool(pool, WorkPoolUpdate(base_job_template=template))


def _stat(pid: str) -> list[str] | None:
    try:
        # The name in parentheses may hold spaces; the fields after it are fixed (proc(5)).
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def tree_cpu(root: int) -> float:
    """Return the CPU-seconds (user + sys) a process and its descendants used, the reaped ones included."""
    stats = {p.name: s for p in Path("/proc").iterdir() if p.name.isdigit() and (s := _stat(p.name))}
    children: dict[str, list[str]] = {}
    for pid, fields in stats.items():
        children.setdefault(fields[1], []).append(pid)
    ticks, todo = 0, [str(root)]
    while todo:
        pid = todo.pop()
        if pid in stats:
            ticks += sum(int(f) for f in stats[pid][11:15])  # utime, stime, cutime, cstime
            todo += children.get(pid, [])
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_http(url: str, *, timeout: float) -> None:
    """Wait until `url` answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


@dataclass
class Server:
    """A Prefect server the bench started: its API and its process."""

    api_url: str
    pid: int

    @staticmethod
    def find_child(parent: int, needle: str, *, timeout: float = 120) -> int:
        """Return the pid of `parent`'s child whose command line holds `needle`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for p in Path("/proc").iterdir():
                fields = _stat(p.name) if p.name.isdigit() else None
                if fields is None or fields[1] != str(parent):
                    continue
                try:
                    cmdline = (p / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                except OSError:
                    continue
                if needle in cmdline:
                    return int(p.name)
            time.sleep(0.5)
        raise RuntimeError(f"no child of {parent} runs {needle!r}")

    @classmethod
    @contextmanager
    def on_postgres(cls, *, env: dict[str, str]) -> Iterator[Server]:
        """Start a Prefect server on a fresh PostgreSQL database (dropped afterwards), as deployed."""
        import psycopg

        from service.supervise import Child, wait_healthy

        database = f"siklus_bench_prefect_{secrets.token_hex(4)}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        home = Path(tempfile.mkdtemp(prefix="siklus-bench-prefect-"))
        port = free_port()
        server_env = {
            **env,
            "PREFECT_HOME": str(home),
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"postgresql+asyncpg://postgres@127.0.0.1:5432/{database}",
        }
        argv = [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ]
        child = Child("prefect-server", argv, server_env)
        child.start()
        try:
            api_url = f"http://127.0.0.1:{port}/api"
            t0 = time.monotonic()
            wait_healthy(api_url, limit=300, child=child)
            print(f"Prefect server on PostgreSQL ready in {time.monotonic() - t0:.0f} s", flush=True)
            assert child.process is not None
            yield cls(api_url, child.process.pid)
        finally:
            child.stop()
            shutil.rmtree(home, ignore_errors=True)
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
