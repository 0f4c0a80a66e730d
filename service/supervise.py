"""`siklus serve`'s supervisor: Prefect server, flow runner and web service as child processes."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from policies.core.settings import Settings

HEALTH_POLL_SECONDS = 0.5
# A busy server can take seconds to answer its first request; a short probe timeout read as "down".
HEALTH_PROBE_SECONDS = 5.0
# How often `siklus serve` says what it still waits for.
REPORT_EVERY_SECONDS = 5.0
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
    """Environment for every child: the Prefect API to use, analytics off, client retries and heartbeats."""
    from service.dispatch import CLIENT_ENV  # Prefect's names live with the flows (see its module)

    env = dict(os.environ)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("DO_NOT_TRACK", "1")
    # Every Prefect client these processes and their flow runs make retries server errors (5xx)
    # with backoff, and served runs send heartbeats (docs/recovery.md); the operator's values win.
    for name, value in CLIENT_ENV.items():
        env.setdefault(name, value)
    env.setdefault("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", str(settings.flow_heartbeat_seconds))
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


class StartFailed(Exception):
    """A child `siklus serve` waits for will not become ready: the message is the one line to show."""


def group_cpu_seconds(pgid: int) -> float | None:
    """Return the CPU time a process group has used so far (None where /proc cannot tell)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The name in parentheses may hold spaces; the fields after it are fixed (proc(5)).
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        if int(fields[2]) == pgid:  # utime, stime, and what its reaped children used
            ticks += sum(int(f) for f in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


class _Progress:
    """Whether a child's process group keeps working: its CPU time grows."""

    def __init__(self, child: Child | None) -> None:
        self.child = child
        self.cpu = self._cpu()
        self.moved_at = time.monotonic()

    def _cpu(self) -> float | None:
        if self.child is None or self.child.process is None:
            return None
        return group_cpu_seconds(self.child.process.pid)

    def idle_seconds(self) -> float:
        """Return how long the group has used no CPU (since the wait began, where none can tell)."""
        cpu = self._cpu()
        if cpu is not None and self.cpu is not None and cpu > self.cpu:
            self.cpu, self.moved_at = cpu, time.monotonic()
        return time.monotonic() - self.moved_at


# What an external Prefect that does not answer means for `siklus serve` (said once, at start).
PREFECT_DOWN = "pekerjaan tahap menunggu di outbox dan dijalankan begitu Prefect menjawab lagi"


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # httpx builds a context per call unless given one: ~30 ms of CPU loading the CA bundle, each
    # probe of a wait loop, taken from the very server being waited for.
    return httpx.create_ssl_context()


def prefect_answers(api_url: str, *, timeout: float = HEALTH_PROBE_SECONDS) -> bool:
    """Tell whether Prefect's API answers its health check now."""
    try:
        return httpx.get(f"{api_url}/health", timeout=timeout, verify=_tls_context()).status_code == 200
    except httpx.HTTPError:
        return False


def wait_healthy(
    api_url: str,
    *,
    limit: float,
    child: Child | None = None,
    stopping: Callable[[], bool] = lambda: False,
    report_every: float = REPORT_EVERY_SECONDS,
    say: Callable[[str], None] = lambda line: print(line, flush=True),
) -> bool:
    """Wait until the Prefect API answers its health check; False when asked to stop meanwhile.

    A server we started is waited for as long as it lives and works (its process group uses CPU):
    on a busy machine its start-up takes minutes. It fails after `limit` seconds without work; an
    external server (no child) after `limit` seconds in all. Raises StartFailed with one line.
    """
    started = time.monotonic()
    progress = _Progress(child)
    next_report = started + report_every
    while True:
        if stopping():
            return False
        if child is not None and not child.alive():
            code = child.process.returncode if child.process is not None else None
            raise StartFailed(
                f"server Prefect berhenti (kode {code}) sebelum siap; lihat lognya di atas "
                "(port sudah terpakai? ubah SIKLUS_PREFECT_PORT)."
            )
        if prefect_answers(api_url):
            return True
        now = time.monotonic()
        idle = progress.idle_seconds() if child is not None else now - started
        if idle >= limit:
            if child is not None:
                raise StartFailed(
                    f"server Prefect di {api_url} belum menjawab dan tidak bekerja selama {idle:.0f} detik; "
                    "lihat lognya di atas, atau naikkan SIKLUS_PREFECT_START_TIMEOUT."
                )
            raise StartFailed(
                f"Prefect di {api_url} tidak menjawab dalam {limit:.0f} detik. Periksa PREFECT_API_URL "
                "dan server itu, atau naikkan SIKLUS_PREFECT_START_TIMEOUT."
            )
        if now >= next_report:
            next_report = now + report_every
            waited = f"siklus serve: masih menunggu Prefect di {api_url} ({now - started:.0f} detik"
            if child is None:
                say(f"{waited} dari batas {limit:.0f}; SIKLUS_PREFECT_START_TIMEOUT)")
            elif idle < report_every:
                say(f"{waited}; server Prefect masih bersiap dan bekerja)")
            else:
                say(f"{waited}; server Prefect diam {idle:.0f} dari batas {limit:.0f} detik)")
        time.sleep(HEALTH_POLL_SECONDS)


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
