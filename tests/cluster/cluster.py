"""A real cluster for tests: a Prefect server on a PostgreSQL database of its own, `siklus`, process workers.

Shared by the tests of this directory (a helper module, not a conftest): each test starts what it
needs and stops it, so a test can also run alone (`pytest -m cluster tests/cluster/...`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests import http

ROOT = Path(__file__).resolve().parents[2]
# Waits for CPU, generous: beside four other test lanes on two cores a start takes minutes.
SERVER_START_SECONDS = 240


def postgres_base() -> str:
    """Return the PostgreSQL URL of the test run (SIKLUS_TEST_DATABASE_URL), or "" on SQLite."""
    base = os.environ.get("SIKLUS_TEST_DATABASE_URL", "")
    return base if base.startswith("postgresql") else ""


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrefectTemplate:
    """A PostgreSQL database Prefect's migrations ran on once, cloned for each test's Prefect server.

    Prefect's first start on an empty database runs its migrations first (13–17 s here with the
    load average near 13, besides the server's own start); a clone (`CREATE DATABASE … TEMPLATE
    …`) is a file copy of a second or so. The migration runs in the background from the session's
    start, beside the suite's own migration and the test's catalogue, and the first clone waits.
    """

    def __init__(self, base: str, *, home: Path) -> None:
        self.base = base
        self.name = f"siklus_prefect_template_{secrets.token_hex(4)}"
        self.admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        self.log = home / "prefect-migrations.log"
        home.mkdir(parents=True, exist_ok=True)
        env = {
            **base_env(home / "prefect-home"),
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": self.url(self.name),
        }
        argv = [sys.executable, "-m", "prefect", "server", "database", "upgrade", "--yes"]
        with self.log.open("wb") as out:
            self.migration = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)

    def url(self, name: str) -> str:
        """The asyncpg URL of a database on the test's PostgreSQL server (Prefect's driver)."""
        return (
            make_url(self.base)
            .set(drivername="postgresql+asyncpg", database=name, query={})
            .render_as_string(hide_password=False)
        )

    def ready(self) -> None:
        """Wait for the migration (generously: it waits for CPU); fail with its output if it failed."""
        code = self.migration.wait(timeout=SERVER_START_SECONDS)
        assert code == 0, f"Prefect's migrations failed:\n{self.log.read_text(errors='replace')[-4000:]}"

    @contextlib.contextmanager
    def clone(self) -> Iterator[str]:
        """Create a database of Prefect's tables for one test's server; yield its URL, drop it after."""
        self.ready()
        name = f"siklus_prefect_{secrets.token_hex(4)}"
        for attempt in range(20):
            try:
                with self.admin.connect() as conn:
                    conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
                break
            except sa.exc.OperationalError:  # the migration's connections are still closing
                if attempt == 19:
                    raise
                time.sleep(0.5)
        try:
            yield self.url(name)
        finally:
            with self.admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop(self) -> None:
        """Stop a migration still running and drop the template."""
        if self.migration.poll() is None:
            self.migration.kill()
            self.migration.wait()
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin.dispose()


def base_env(home: Path) -> dict[str, str]:
    """The environment every process of the cluster starts from: this checkout first, telemetry off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SIKLUS_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        PREFECT_HOME=str(home),
        DO_NOT_TRACK="1",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_LOGGING_LEVEL="WARNING",
    )
    return env


@dataclass
class Process:
    """A started process in its own session, its output in a log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 40) -> str:
        """Return the end of the process's output (for an assertion's message)."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Cluster:
    """The processes a test started, stopped (their whole trees) when it ends."""

    logs: Path
    processes: list[Process] = field(default_factory=list)

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> Process:
        """Start a process in its own session, output to `<logs>/<name>.log`."""
        log = self.logs / f"{name}.log"
        with log.open("ab") as out:
            popen = subprocess.Popen(
                argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        """Kill every process started and everything each started (flow runs lead their own sessions)."""
        for process in reversed(self.processes):
            kill_tree(process.popen.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.popen.wait(timeout=10)


def children_of(pid: int) -> list[int]:
    """Return every descendant of a process (read off /proc), nearest first."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in parents.get(queue.pop(0), []):
            found.append(child)
            queue.append(child)
    return found


def kill_tree(pid: int, signum: int = signal.SIGKILL) -> list[int]:
    """Signal a process's group and the group of each descendant (a flow run leads its own); return them."""
    tree = [pid, *children_of(pid)]
    for member in tree:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(os.getpgid(member), signum)
        with contextlib.suppress(ProcessLookupError):
            os.kill(member, signum)
    return tree


def start_prefect_server(cluster: Cluster, *, env: dict[str, str], database_url: str) -> str:
    """Start `prefect server start` on its PostgreSQL database; return its API URL once healthy."""
    port = free_port()
    server_env = {
        **env,
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": database_url,
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_UI_ENABLED": "false",
    }
    argv = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    server = cluster.start("prefect-server", argv, server_env)
    api = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.popen.poll() is not None:
            raise AssertionError(f"Prefect's server exited:\n{server.tail()}")
        with contextlib.suppress(httpx.HTTPError):
            if http.get(f"{api}/health", timeout=5).status_code == 200:
                return api
        time.sleep(1)
    raise AssertionError(f"Prefect's server did not answer in {SERVER_START_SECONDS} s:\n{server.tail()}")


def siklus_argv(argv: list[str]) -> list[str]:
    """The command line of a `siklus` command of this checkout."""
    return [sys.executable, "-c", "from service.cli import app; app()", *argv]


def siklus(argv: list[str], *, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run a `siklus` command of this checkout; raise with its output when it fails."""
    done = subprocess.run(
        siklus_argv(argv), env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"siklus {' '.join(argv)}:\n{done.stdout}\n{done.stderr}"
    return done


def start_worker(cluster: Cluster, *, name: str, pool: str, limit: int, env: dict[str, str]) -> Process:
    """Start `prefect worker start` on the pool, at most `limit` runs at once."""
    argv = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool, "--name", name]
    return cluster.start(name, [*argv, "--limit", str(limit)], env)


def wait_for(check: object, *, timeout: float, every: float = 2.0, what: str = "") -> object:
    """Call `check` until it returns something true; return it, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()  # type: ignore[operator]
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"Waited {timeout:g} s for {what or check}")
        time.sleep(every)
