"""`siklus worker`: a supervised `prefect worker start` that restarts a dead worker and stops cleanly.

Why not `prefect worker start` alone:

- *Nothing restarts it.* A worker that exits (an API error at a bad moment, an OOM kill) leaves
  its pool without hands; this wrapper starts it again, with a backoff of 1 s doubling to a minute.
- *It does not stop when asked.* Prefect turns the first SIGTERM into a SIGINT to itself, which
  cancels its main task; an idle worker then sat in its teardown for about 150 s (measured:
  Prefect 3.8.8, `prefect worker start --pool p`, `kill -TERM`, 155 s to exit; its asyncio tasks
  still pending were the polling loops, the worker channel's websocket and the events client).
  Prefect's SIGINT also ends the runs in flight. Here a stop freezes the worker (SIGSTOP: it claims
  no new run and leaves its runs alone), waits for the flow runs it already runs — up to `drain`
  seconds — and then ends the worker's process group and every run's own group (Prefect starts
  each run in a group of its own). An idle worker has nothing to wait for and is ended at once.
- *It writes the environment to disk.* The process worker copies its whole environment into a
  `prefect-workspace-attempt-*/workspace.json` per run, in the temporary directory, and leaves it
  there when killed. The wrapper gives the worker a private temporary directory (0700, under
  `SIKLUS_DATA_DIR/worker/`, stale ones removed on start) and moves the secrets
  (`SIKLUS_DATABASE_URL`, `SIKLUS_SECRET_KEY`, `SIKLUS_SMTP_PASSWORD`) out of the environment into
  0600 files there, passed on as `SIKLUS_*_FILE`: what Prefect writes holds paths, not secrets.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from policies.core.settings import FILE_SETTINGS, Settings

RESTART_FIRST_SECONDS = 1.0
RESTART_MAX_SECONDS = 60.0
# A worker that ran this long before dying starts the backoff again from the first step.
STEADY_SECONDS = 60.0
# After the drain, how long the worker's group has to end on SIGTERM before SIGKILL.
TERMINATE_GRACE_SECONDS = 1.0
POLL_SECONDS = 0.2
WORKER_DIR = "worker"


def _ppids() -> dict[int, int]:
    """Map every running process to its parent (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        if fields[0] != "Z":  # a zombie has ended; only its reaping is left
            parents[int(entry.name)] = int(fields[1])
    return parents


def descendants(pid: int) -> set[int]:
    """Return the running processes below `pid` (its flow runs, their children)."""
    parents = _ppids()
    found: set[int] = set()
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                found.add(child)
                frontier.append(child)
    return found


def _running(pid: int) -> bool:
    return pid in _ppids()


def _kill_groups(pids: set[int], signum: int) -> None:
    """Signal each process's whole group (a flow run leads its own) and the process itself."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(os.getpgid(pid), signum)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signum)


def private_dir(root: Path) -> Path:
    """Make this wrapper's own 0700 directory under `root`, removing those of wrappers no longer running."""
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(root, 0o700)
    running = _ppids()
    for stale in root.iterdir():
        # A wrapper killed with -9 left its secrets and the runs' workspaces behind: clean on start.
        if stale.name.isdigit() and int(stale.name) not in running:
            shutil.rmtree(stale, ignore_errors=True)
    mine = root / str(os.getpid())
    shutil.rmtree(mine, ignore_errors=True)
    (mine / "tmp").mkdir(parents=True, mode=0o700)
    os.chmod(mine, 0o700)
    return mine


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


def worker_env(settings: Settings, *, home: Path, base: dict[str, str]) -> dict[str, str]:
    """The worker's environment: a private TMPDIR, and each secret as a file path instead of a value."""
    env = dict(base)
    env["TMPDIR"] = str(home / "tmp")
    # A run's working directory is a fresh temporary one: a relative data dir would land there.
    env["SIKLUS_DATA_DIR"] = str(Path(settings.data_dir).resolve())
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("DO_NOT_TRACK", "1")
    for name in FILE_SETTINGS:
        variable = f"SIKLUS_{name.upper()}"
        value = getattr(settings, name)
        text = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
        env.pop(variable, None)
        if env.get(f"{variable}_FILE") or not text:
            continue  # already a file the operator keeps, or nothing to keep
        path = home / name
        _write_private(path, text)
        env[f"{variable}_FILE"] = str(path)
    return env


def worker_argv(*, pool: str, limit: int, name: str | None, in_process: bool = False) -> list[str]:
    """The command line of the supervised worker: Siklus's in-process executor, or `prefect worker start`."""
    if in_process:
        # One long-lived process runs each flow run in a thread (docs/performance.md#stage-runs).
        return [sys.executable, "-m", "flows.runner", "--pool", pool, "--limit", str(limit)]
    argv = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool, "--type", "process"]
    argv += ["--limit", str(limit)]
    return [*argv, "--name", name] if name else argv


@dataclass
class WorkerSupervisor:
    """Run one `prefect worker start`, restart it when it dies, stop it (and its runs) when asked."""

    argv: list[str]
    env: dict[str, str]
    drain_seconds: float
    # The in-process executor drains itself on SIGTERM (its runs are threads: a frozen process
    # would freeze them too); `prefect worker start` is frozen while its run processes finish.
    in_process: bool = False
    say: Callable[[str], None] = lambda line: print(line, flush=True)
    process: subprocess.Popen[bytes] | None = None
    stopping: bool = False
    restarts: int = 0
    _backoff: float = field(default=RESTART_FIRST_SECONDS)

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.stopping = True

    def install_signals(self) -> None:
        """Turn SIGTERM and Ctrl-C into a clean stop."""
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _start(self) -> None:
        # Its own session: a Ctrl-C in the terminal reaches only this wrapper, which decides.
        self.process = subprocess.Popen(self.argv, env=self.env, start_new_session=True)
        self.say(f"siklus worker: prefect worker dimulai (PID {self.process.pid})")

    def _sleep(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < until:
            time.sleep(POLL_SECONDS)

    def run(self) -> int:
        """Keep a worker running until asked to stop; return the exit code."""
        while not self.stopping:
            self._start()
            started = time.monotonic()
            assert self.process is not None
            while not self.stopping and self.process.poll() is None:
                time.sleep(POLL_SECONDS)
            if self.stopping:
                break
            code = self.process.returncode
            if time.monotonic() - started >= STEADY_SECONDS:
                self._backoff = RESTART_FIRST_SECONDS
            self.say(
                f"siklus worker: prefect worker berhenti (kode {code}); "
                f"mulai lagi dalam {self._backoff:.0f} detik"
            )
            _kill_groups({self.process.pid}, signal.SIGKILL)  # what it left in its group
            self._sleep(self._backoff)
            self._backoff = min(self._backoff * 2, RESTART_MAX_SECONDS)
            self.restarts += 1
        self.stop()
        return 0

    def stop(self) -> None:
        """Take no more runs, let those in flight finish for up to `drain_seconds`, then end them all."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        if self.in_process:
            self._stop_executor(process)
            return
        in_flight = descendants(process.pid)
        if in_flight:
            # Prefect's own "graceful" stop (SIGINT) ends the runs in flight with the worker (seen in
            # tests/flows/test_worker.py: the run stayed Running, its process gone). Frozen instead,
            # the worker claims no new run and leaves its runs alone; they report their own states.
            # (A run writing more than a pipe's 64 KiB meanwhile would wait for the drain's end.)
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGSTOP)
            self.say(
                f"siklus worker: menunggu {len(in_flight)} proses run selesai (paling lama "
                f"{self.drain_seconds:.0f} detik)"
            )
        deadline = time.monotonic() + self.drain_seconds
        while in_flight and time.monotonic() < deadline and process.poll() is None:
            in_flight = {pid for pid in in_flight if _running(pid)}
            time.sleep(POLL_SECONDS)
        left = descendants(process.pid) if process.poll() is None else set()
        if left:
            # Runs past the drain are ended; their stage work is run again (docs/recovery.md).
            self.say(f"siklus worker: menghentikan {len(left)} proses run yang belum selesai")
            _kill_groups(left, signal.SIGKILL)
        # Nothing left to wait for: its own teardown (which an idle worker sat in for 155 s) is moot.
        _kill_groups({process.pid}, signal.SIGCONT)
        _kill_groups({process.pid}, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=TERMINATE_GRACE_SECONDS)
        _kill_groups({process.pid}, signal.SIGKILL)
        process.wait()
        self.say("siklus worker: dihentikan")

    def _stop_executor(self, process: subprocess.Popen[bytes]) -> None:
        """Ask the executor to stop: it claims no more runs and lets those in flight finish."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=self.drain_seconds + TERMINATE_GRACE_SECONDS)
        # Runs past the drain are ended; their stage work is run again (docs/recovery.md).
        _kill_groups({process.pid}, signal.SIGKILL)
        process.wait()
        self.say("siklus worker: dihentikan")


def run_worker(
    settings: Settings,
    *,
    pool: str,
    limit: int,
    name: str | None,
    drain_seconds: float,
    in_process: bool = False,
) -> int:
    """Run a supervised process worker for `pool` until SIGTERM or Ctrl-C; return the exit code."""
    home = private_dir(Path(settings.data_dir).resolve() / WORKER_DIR)
    try:
        supervisor = WorkerSupervisor(
            argv=worker_argv(pool=pool, limit=limit, name=name, in_process=in_process),
            env=worker_env(settings, home=home, base=dict(os.environ)),
            drain_seconds=drain_seconds,
            in_process=in_process,
        )
        supervisor.install_signals()
        return supervisor.run()
    finally:
        shutil.rmtree(home, ignore_errors=True)
