"""`siklus serve` waits for a slow Prefect as long as it works, says so, and fails in one line.

The stand-in for Prefect's server is a real child process (Prefect is not our code): it works for
a while before it listens, as the embedded server does on a busy machine.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
from pathlib import Path

import httpx
import pytest

from service.supervise import PREFECT_DOWN, Child, StartFailed, wait_healthy
from tests import http
from tests.service.test_cli_flows import DEADLINE_SECONDS, _serve

# Starting up: busy (CPU) and not yet listening, for `busy` seconds; then it answers /api/health.
SLOW_SERVER = """
import http.server, sys, time
port, busy = int(sys.argv[1]), float(sys.argv[2])
until = time.monotonic() + busy
while time.monotonic() < until:
    sum(range(10_000))

class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
        self.wfile.write(b"true")

    def log_message(self, *args):
        pass

http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_slow_server_that_keeps_working_is_waited_for_past_the_limit_and_reported() -> None:
    port = _free_port()
    limit = 2.0
    # Three limits' worth of start-up: a fixed wait of `limit` seconds (the old 90 s) gave up on it.
    child = Child(
        "prefect-server", [sys.executable, "-c", SLOW_SERVER, str(port), str(3 * limit)], dict(os.environ)
    )
    said: list[str] = []
    child.start()
    try:
        ready = wait_healthy(
            f"http://127.0.0.1:{port}/api", limit=limit, child=child, report_every=0.5, say=said.append
        )
    finally:
        child.stop()
    assert ready is True
    # A line every few seconds saying what it waits for, and that the server is still working.
    assert said and all(
        line.startswith(f"siklus serve: masih menunggu Prefect di http://127.0.0.1:{port}/api")
        for line in said
    )
    assert any("masih bersiap dan bekerja" in line for line in said), said


def test_a_server_that_stopped_working_fails_after_the_limit_in_one_line() -> None:
    idle = Child("prefect-server", [sys.executable, "-c", "import time; time.sleep(600)"], dict(os.environ))
    idle.start()
    try:
        with pytest.raises(StartFailed) as failed:
            wait_healthy(f"http://127.0.0.1:{_free_port()}/api", limit=1.0, child=idle, say=lambda _: None)
        assert idle.alive()  # alive but idle: that alone does not keep the wait going
    finally:
        idle.stop()
    message = str(failed.value)
    assert "tidak bekerja selama" in message and "SIKLUS_PREFECT_START_TIMEOUT" in message
    assert "\n" not in message


def test_a_server_that_died_fails_at_once_naming_its_exit_code() -> None:
    dead = Child("prefect-server", [sys.executable, "-c", "raise SystemExit(3)"], dict(os.environ))
    dead.start()
    assert dead.process is not None
    dead.process.wait(timeout=DEADLINE_SECONDS)
    # An hour's limit: only the child's death can end the wait.
    with pytest.raises(StartFailed, match=r"berhenti \(kode 3\) sebelum siap"):
        wait_healthy(f"http://127.0.0.1:{_free_port()}/api", limit=3600, child=dead)


def test_serve_no_runner_starts_the_web_while_an_external_prefect_does_not_answer(
    tmp_path: Path, db: str
) -> None:
    # Prefect down is a closed port. It used to end the start after SIKLUS_PREFECT_START_TIMEOUT.
    api = f"http://127.0.0.1:{_free_port()}/api"
    web = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_API_URL=api, SIKLUS_PREFECT_START_TIMEOUT="1", SIKLUS_PORT=str(web))
    serve = _serve(env, "--no-runner", db=db, data_dir=tmp_path / "data")
    try:
        assert serve.stdout is not None
        lines = [serve.stdout.readline().strip() for _ in range(4)]
        assert lines == [
            f"siklus serve: Prefect di {api} belum menjawab; web tetap dimulai ({PREFECT_DOWN})",
            f"Prefect: {api.removesuffix('/api')}",
            "siklus serve: memulai web",
            f"Siklus: http://127.0.0.1:{web}",
        ], lines
        deadline = time.monotonic() + DEADLINE_SECONDS
        body: dict[str, str] = {}
        # Past the old limit, the web serves and says Prefect's state apart from its own.
        while body.get("prefect") != "unreachable" and time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                body = http.get(f"http://127.0.0.1:{web}/healthz", timeout=5).json()
            time.sleep(0.2)
        assert body == {"status": "ok", "database": "ok", "prefect": "unreachable"}
        assert http.get(f"http://127.0.0.1:{web}/", timeout=5).status_code == 200
        serve.send_signal(signal.SIGINT)
        code = serve.wait(timeout=DEADLINE_SECONDS)
        rest = serve.stdout.read()
    finally:
        if serve.poll() is None:
            serve.kill()
    assert code == 0 and "Traceback" not in rest, rest
