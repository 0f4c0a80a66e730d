"""`siklus serve`'s supervisor: Prefect server, flow runner and web service as child processes."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from policies.core.settings import Settings

HEALTH_TIMEOUT_SECONDS = 90
HEALTH_POLL_SECONDS = 0.5
STOP_TIMEOUT_SECONDS = 15
# A child that keeps dying is restarted at most this often, so a broken setup does not spin.
MIN_RESTART_INTERVAL_SECONDS = 5.0


@dataclass
class Child:
    """One supervised process and how to (re)start it."""

    name: str
    argv: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restarts: int = field(default=0)

    def start(self) -> None:
        """Start the process in its own session, so Ctrl-C reaches only the supervisor."""
        self.process = subprocess.Popen(self.argv, env=self.env, start_new_session=True)
        self.started_at = time.monotonic()

    def alive(self) -> bool:
        """Tell whether the process runs."""
        return self.process is not None and self.process.poll() is None

    def _signal_group(self, signum: int) -> None:
        assert self.process is not None
        # The child leads its own session, so its group holds everything it started too
        # (uvicorn's workers, the runner's flow-run processes).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def stop(self) -> None:
        """Ask the child's whole process group to stop, then kill what is left of it."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self._signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        # Whatever outlived the leader (or the timeout) would run on unsupervised: end it.
        self._signal_group(signal.SIGKILL)
        self.process.wait()


def prefect_env(settings: Settings, *, api_url: str | None) -> dict[str, str]:
    """Environment for every child: the Prefect API to use and analytics off."""
    env = dict(os.environ)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("DO_NOT_TRACK", "1")
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


EMBEDDED_SERVER_SETTINGS = {
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "500",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "1",
}


def prefect_server_child(settings: Settings) -> Child:
    """The embedded Prefect server on 127.0.0.1 with its own SQLite under the data dir."""
    home = (Path(settings.data_dir) / "prefect").resolve()
    home.mkdir(parents=True, exist_ok=True)
    env = prefect_env(settings, api_url=None)
    env.pop("PREFECT_API_URL", None)
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_API_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{home / 'prefect.db'}",
        PREFECT_SERVER_API_HOST="127.0.0.1",
        PREFECT_SERVER_API_PORT=str(settings.prefect_port),
    )
    # SQLite takes one writer at a time, and a write that loses the race answers 503, which the
    # client retries two seconds later. By default the task-run recorder writes each task event as
    # it arrives, a write per task state; batched, it writes at most once a second, and the API's
    # own writes (a flow run's creation, its states) stop losing those races (measured: bench.flows).
    for name, value in EMBEDDED_SERVER_SETTINGS.items():
        env.setdefault(name, value)
    argv = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1"]
    return Child("prefect-server", [*argv, "--port", str(settings.prefect_port)], env)


def wait_healthy(
    api_url: str,
    *,
    timeout: float = HEALTH_TIMEOUT_SECONDS,
    child: Child | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> bool:
    """Wait until the Prefect API answers its health check; False when asked to stop meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stopping():
            return False
        if child is not None and not child.alive():
            raise RuntimeError("Server Prefect berhenti sebelum siap; lihat lognya di atas.")
        try:
            if httpx.get(f"{api_url}/health", timeout=HEALTH_POLL_SECONDS).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(HEALTH_POLL_SECONDS)
    raise RuntimeError(f"Server Prefect di {api_url} tidak menjawab dalam {timeout:.0f} detik.")


class Supervisor:
    """Start children in order, restart one that dies, stop all in reverse order on a signal."""

    def __init__(self) -> None:
        self.children: list[Child] = []
        self.stopping = False
        # While starting (e.g. waiting for Prefect's health) a signal interrupts at once; once
        # watching or stopping, it only sets the flag, so the children are stopped in order.
        self.interrupt_on_signal = True

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.stopping = True
        if self.interrupt_on_signal:
            self.interrupt_on_signal = False
            raise KeyboardInterrupt

    def install_signals(self) -> None:
        """Turn Ctrl-C and SIGTERM into a clean stop."""
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)

    def start(self, child: Child) -> Child:
        """Start and watch a child."""
        print(f"siklus serve: memulai {child.name}", flush=True)
        child.start()
        self.children.append(child)
        return child

    def watch(self, *, poll_seconds: float = 0.5) -> None:
        """Restart dead children until asked to stop, then stop them all."""
        self.interrupt_on_signal = False
        try:
            while not self.stopping:
                for child in self.children:
                    if self.stopping or child.alive():
                        continue
                    wait = MIN_RESTART_INTERVAL_SECONDS - (time.monotonic() - child.started_at)
                    if wait > 0:
                        time.sleep(wait)
                    if self.stopping:
                        break
                    child.restarts += 1
                    code = child.process.returncode if child.process else None
                    print(f"siklus serve: {child.name} berhenti (kode {code}); memulai ulang", flush=True)
                    child.stop()  # what it left behind in its group (a port held by a worker)
                    child.start()
                time.sleep(poll_seconds)
        finally:
            self.stop_all()

    def stop_all(self) -> None:
        """Stop the children, the last started first."""
        self.interrupt_on_signal = False
        for child in reversed(self.children):
            if child.alive():
                print(f"siklus serve: menghentikan {child.name}", flush=True)
            child.stop()
