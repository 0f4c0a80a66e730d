"""`siklus worker`: a real `prefect worker start` supervised against the harness's Prefect server.

It is restarted when it dies, stops within seconds on SIGTERM leaving no process behind (an idle
`prefect worker` alone took 155 s), and runs a deployed stage without any secret in the files
Prefect writes for the run.
"""

from __future__ import annotations

import asyncio
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.settings import get_current_settings
from typer.testing import CliRunner

from policies.core.db import unit_of_work
from policies.core.settings import get_settings
from policies.lifecycle import stagework
from policies.lifecycle.models import Stage
from service import dispatch
from service.cli import app as cli
from service.worker import descendants
from tests import lifecycle_walk as walk
from tests.flows.conftest import in_thread, run_async
from tests.flows.test_pool import POOL, pool_cleanup  # noqa: F401  # a fixture, used by name below

pytestmark = [pytest.mark.flows, pytest.mark.usefixtures("prefect_harness", "pool_cleanup")]
ROOT = Path(__file__).resolve().parents[2]
SECRET = "kunci-rahasia-uji-8f3a1c"
# Starting a worker imports Prefect: tens of seconds on a loaded machine.
START_SECONDS = 120
# What "stops within a few seconds" means here (an idle prefect worker alone took 155 s).
STOP_SECONDS = 10
DRAIN_SECONDS = 60


class Lines:
    """The wrapper's output (its own lines and the worker's), read in a thread, waited for by pattern."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stdout = process.stdout
        threading.Thread(target=lambda: [self._queue.put(line) for line in stdout], daemon=True).start()

    def everything(self) -> str:
        """Return every line read so far, and those waiting to be (for a failure's message)."""
        while not self._queue.empty():
            self.seen.append(self._queue.get())
        return "".join(self.seen)

    def wait_for(self, pattern: str, *, seconds: float = START_SECONDS) -> re.Match[str]:
        """Return the first line from now on matching `pattern`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            if found := re.search(pattern, line):
                return found
        raise AssertionError(f"no line matching {pattern!r} within {seconds} s:\n{''.join(self.seen)}")


@pytest.fixture
def start_worker(tmp_path: Path, db: str) -> Iterator[Callable[..., tuple[subprocess.Popen[str], Lines]]]:
    """Start `siklus worker` on the test pool with the test database and a secret key in its environment."""
    started: list[subprocess.Popen[str]] = []

    def start(*extra: str) -> tuple[subprocess.Popen[str], Lines]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API", "SIKLUS_"))}
        env.update(
            PREFECT_API_URL=str(get_current_settings().api.url),
            PREFECT_HOME=str(tmp_path / "prefect-home"),
            SIKLUS_DATABASE_URL=db,
            SIKLUS_SECRET_KEY=SECRET,
            SIKLUS_DATA_DIR=str(tmp_path / "data"),
            SIKLUS_SMTP_HOST="",
            SIKLUS_PREFECT_ENABLED="false",
            PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        )
        argv = [sys.executable, "-c", "from service.cli import app; app()", "worker", "--pool", POOL]
        process = subprocess.Popen(
            [*argv, "--limit", "1", "--drain-seconds", str(DRAIN_SECONDS), *extra],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(process)
        return process, Lines(process)

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def _group_alive(pgid: int) -> bool:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                return True
    return False


def _stop(process: subprocess.Popen[str], lines: Lines) -> float:
    """SIGTERM the wrapper; return how long it took to exit (asserting it exited cleanly)."""
    began = time.monotonic()
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=START_SECONDS)
    took = time.monotonic() - began
    assert code == 0, "".join(lines.seen)
    return took


def test_a_dead_worker_is_restarted_and_sigterm_stops_it_within_seconds_leaving_nothing(
    db: str, tmp_path: Path, start_worker: Callable[..., Any]
) -> None:
    in_thread(CliRunner().invoke, cli, ["flows", "deploy", "--pool", POOL])
    process, lines = start_worker()
    first = int(lines.wait_for(r"prefect worker dimulai \(PID (\d+)\)")[1])
    lines.wait_for(r"Worker '.*' started!")

    os.kill(first, signal.SIGKILL)  # a worker dies: nothing but the wrapper brings it back
    lines.wait_for(r"prefect worker berhenti \(kode -9\); mulai lagi dalam 1 detik")
    second = int(lines.wait_for(r"prefect worker dimulai \(PID (\d+)\)")[1])
    assert second != first
    lines.wait_for(r"Worker '.*' started!")

    took = _stop(process, lines)
    assert took < STOP_SECONDS, f"{took:.1f} s:\n{''.join(lines.seen)}"
    assert not _group_alive(second) and not _group_alive(first)
    # Its private directory (secrets as files, the runs' temporary files) is gone with it.
    assert list((tmp_path / "data" / "worker").iterdir()) == []


async def _state(run_id: str) -> Any:
    async with get_client() as client:
        return (await client.read_flow_run(run_id)).state


def test_a_run_in_flight_finishes_before_a_stop_and_leaves_no_secret_in_what_prefect_writes(
    db: str,
    catalog: None,
    tmp_path: Path,
    start_worker: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    in_thread(CliRunner().invoke, cli, ["flows", "deploy", "--pool", POOL])
    process, lines = start_worker()
    worker_pid = int(lines.wait_for(r"prefect worker dimulai \(PID (\d+)\)")[1])
    lines.wait_for(r"Worker '.*' started!")
    home = tmp_path / "data" / "worker" / str(process.pid)
    assert oct(home.stat().st_mode & 0o777) == "0o700"
    key_file = home / "secret_key"
    assert key_file.read_text() == SECRET and oct(key_file.stat().st_mode & 0o777) == "0o600"

    people = walk.add_people(db)
    event = walk.advance(db, Stage.WORKSHOP, actor=walk.drafter(people), now=walk.clock().start)
    with unit_of_work(db) as s:
        work = stagework.get_work(s, event_id=event.id)  # type: ignore[arg-type]
    monkeypatch.setenv("SIKLUS_DATABASE_URL", db)
    monkeypatch.setenv("SIKLUS_PREFECT_ENABLED", "true")
    get_settings.cache_clear()
    run_id = in_thread(dispatch.dispatch_stage_work, settings=get_settings(), work=work)
    assert run_id

    # Read every file the worker and its run write under their temporary directory while it runs.
    # Once the run has started, the wrapper is told to stop, as a deploy does: the run in flight
    # finishes (the drain), then the wrapper exits.
    seen: dict[str, str] = {}
    deadline = time.monotonic() + 2 * START_SECONDS
    state = None
    stop_asked_at: float | None = None
    while time.monotonic() < deadline:
        for path in (home / "tmp").rglob("*"):
            try:
                seen[str(path.relative_to(home))] = path.read_text(errors="replace")
            except (OSError, UnicodeDecodeError):
                continue  # a directory, or gone meanwhile
        state = run_async(_state(run_id))
        if stop_asked_at is None and state is not None and state.is_running():
            process.send_signal(signal.SIGTERM)
            stop_asked_at = time.monotonic()
        if state is not None and state.is_final():
            break
        time.sleep(0.05)
    assert stop_asked_at is not None, "the run was never seen running"
    assert state is not None and state.is_completed(), (state, lines.everything())
    # The run's process still has to exit after its state is final (seconds, on a loaded machine);
    # the wrapper waits for it, never longer than its drain.
    assert process.wait(timeout=DRAIN_SECONDS + STOP_SECONDS) == 0, lines.everything()
    said = lines.everything()
    assert "menunggu 1 proses run selesai" in said and "siklus worker: dihentikan" in said, said
    assert "menghentikan" not in said, said  # the run ended by itself: nothing was killed
    assert walk.latest_event(db).work_state == "done"  # it read the database URL from its file
    manifests = {name: text for name, text in seen.items() if name.endswith("workspace.json")}
    assert manifests, sorted(seen)  # what Prefect writes was there to read, and was read
    assert all("SIKLUS_SECRET_KEY_FILE" in text for text in manifests.values())
    leaked = [name for name, text in seen.items() if SECRET in text or db in text]
    assert leaked == []
    ended = time.monotonic() + STOP_SECONDS
    while descendants(worker_pid) and time.monotonic() < ended:
        time.sleep(0.1)
    assert not descendants(worker_pid)  # the run's process ended with its run
    assert not _group_alive(worker_pid) and not home.exists()


async def _worker_names() -> set[str]:
    async with get_client() as client:
        return {w.name for w in await client.read_workers_for_work_pool(work_pool_name=POOL)}


def _wait_for_heartbeats(count: int) -> None:
    """Wait until `count` workers have sent the pool a heartbeat."""
    deadline = time.monotonic() + START_SECONDS
    while len(names := in_thread(asyncio.run, _worker_names())) < count:
        assert time.monotonic() < deadline, f"workers seen: {names}"
        time.sleep(0.5)


def test_the_in_process_worker_is_restarted_and_sigterm_stops_it_within_seconds(
    db: str, tmp_path: Path, start_worker: Callable[..., Any]
) -> None:
    in_thread(CliRunner().invoke, cli, ["flows", "deploy", "--pool", POOL])
    process, lines = start_worker("--in-process")
    first = int(lines.wait_for(r"prefect worker dimulai \(PID (\d+)\)")[1])
    _wait_for_heartbeats(1)  # the executor polls the pool, and says so to Prefect

    os.kill(first, signal.SIGKILL)  # the executor dies: the wrapper brings it back
    lines.wait_for(r"prefect worker berhenti \(kode -9\); mulai lagi dalam 1 detik")
    second = int(lines.wait_for(r"prefect worker dimulai \(PID (\d+)\)")[1])
    _wait_for_heartbeats(1)  # the same name (one per host), polling again

    took = _stop(process, lines)
    assert took < STOP_SECONDS, f"{took:.1f} s:\n{''.join(lines.seen)}"
    assert not _group_alive(second) and not _group_alive(first)
