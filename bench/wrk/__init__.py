"""Load from Debian's `wrk` against uvicorn started as `siklus serve` starts the web.

`serve` starts a server with `siklus serve`'s command line (`python -m uvicorn APP --factory --host
--port --workers`, uvicorn's default loop, HTTP parser and access log; its output to a file as a
supervisor would keep it); `run` drives it with `wrk` and a Lua script from this folder and
returns wrk's own totals and latency distribution (microseconds, measured by wrk).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.common import free_port

HERE = Path(__file__).parent
WRK = shutil.which("wrk") or "/usr/bin/wrk"
SIKLUS_APP = "service.app:create_app"
BARE_APP = "bench.bare_app:create_app"
FLOOR_APP = "bench.floor_app:create_app"


@dataclass(frozen=True)
class Load:
    """What wrk measured: totals and the latency distribution of one run."""

    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    # The server's own CPU per answered request (all its processes): steadier than throughput on
    # a shared machine, where other work takes the cores in turns.
    cpu_ms: float = 0.0

    @property
    def rps(self) -> float:
        """Return the requests answered per second."""
        return self.requests / self.seconds

    def as_dict(self) -> dict[str, float]:
        """Return the figures, throughput included, for the JSON record."""
        return {**self.__dict__, "rps": self.rps}


def machine_load() -> str:
    """Return the load average now, as `uptime` prints it (the machine is shared)."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


class Server(str):
    """A served app's base URL that also knows its process (to read the CPU it spends)."""

    pid: int

    def cpu_seconds(self) -> float:
        """Return the CPU time the server and its worker processes have used so far."""
        return _cpu_seconds(self.pid)


def _children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(c) for t in tasks for c in (t / "children").read_text().split()]
    except OSError:
        return []


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return own + sum(_cpu_seconds(c) for c in _children(pid))


def _exit_on_term(_signum: int, _frame: object) -> None:
    raise SystemExit(143)


@contextmanager
def serve(app: str, *, env: dict[str, str], workers: int, log: Path) -> Iterator[Server]:
    """Run uvicorn on `app` as `siklus serve` runs the web; yield its base URL, stop it after."""
    if not Path(WRK).exists():
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    # A bench stopped by SIGTERM still stops its servers (the `finally` below), as Ctrl-C does.
    signal.signal(signal.SIGTERM, _exit_on_term)
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", app, "--factory", "--host", "127.0.0.1"]
    argv += ["--port", str(port), "--workers", str(workers)]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        proc = subprocess.Popen(argv, env={**os.environ, **env}, stdout=out, stderr=out)
    base = Server(f"http://127.0.0.1:{port}")
    base.pid = proc.pid
    try:
        for _ in range(600):
            try:
                # Every worker answers before the load starts (each serves /healthz on its own).
                if all(
                    httpx.get(f"{base}/healthz", timeout=2).status_code == 200 for _ in range(4 * workers)
                ):
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"{app} exited: see {log}")
            time.sleep(0.1)
        else:
            raise RuntimeError(f"{app} did not start: see {log}")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run(
    base: str,
    *,
    script: str,
    params: list[str],
    connections: int,
    seconds: float,
    threads: int = 1,
) -> Load:
    """Load `base` with wrk for `seconds` over `connections` keep-alive connections; return its figures."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(params) + "\n")
    try:
        # wrk takes whole seconds only ("-d3.3s" is refused).
        argv = [WRK, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s"]
        argv += ["-s", str(HERE / script), base]
        env = {**os.environ, "SIKLUS_WRK_DIR": str(HERE), "SIKLUS_WRK_PARAMS": f.name}
        cpu_before = base.cpu_seconds() if isinstance(base, Server) else 0.0
        out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout
        cpu = (base.cpu_seconds() - cpu_before) if isinstance(base, Server) else 0.0
    finally:
        os.unlink(f.name)
    line = next((x for x in out.splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{out}")
    r = json.loads(line.removeprefix("WRK_JSON "))
    errors = sum(r[k] for k in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts"))
    if r["requests"] == 0:
        # No answer within the run: wrk reports a latency of 0, which would read as a pass.
        r.update(p50_us=math.inf, p90_us=math.inf, p99_us=math.inf, max_us=math.inf)
    return Load(
        requests=r["requests"],
        seconds=r["duration_us"] / 1e6,
        errors=errors,
        p50_ms=r["p50_us"] / 1000,
        p90_ms=r["p90_us"] / 1000,
        p99_ms=r["p99_us"] / 1000,
        max_ms=r["max_us"] / 1000,
        cpu_ms=cpu * 1000 / max(1, r["requests"]),
    )


def get(base: str, *, paths: list[str], connections: int, seconds: float, cookie: str = "") -> Load:
    """GET `paths` in turn under load; refuse a run in which any answer was not 2xx/3xx."""
    params = [f"path {p}" for p in paths] + ([f"cookie {cookie}"] if cookie else [])
    load = run(base, script="get.lua", params=params, connections=connections, seconds=seconds)
    if load.errors:
        raise RuntimeError(f"{load.errors} failed answers to GET {paths[0]}…")
    return load
