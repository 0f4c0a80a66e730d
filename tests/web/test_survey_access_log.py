"""The survey link's token never reaches uvicorn's access log, nor any later address."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from policies.core.settings import Settings
from service.access_log import ACCESS_LOGGER, redact
from service.app import create_app
from tests.http import TLS
from tests.web.test_survey import _token


class Lines(logging.Handler):
    """Keep every access line uvicorn writes, formatted."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def logged_server(settings: Settings, catalog: None) -> Iterator[tuple[str, Lines]]:
    """Serve the app with uvicorn (access log on, as `siklus serve` runs it); yield its URL and the log."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    app = create_app(settings.model_copy(update={"base_url": f"http://127.0.0.1:{port}"}))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="info", lifespan="off")
    lines = Lines()
    # uvicorn configured its loggers in Config(); the capture joins what `siklus serve` writes.
    logging.getLogger(ACCESS_LOGGER).addHandler(lines)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # reached only if it never starts
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", lines
    server.should_exit = True
    thread.join(timeout=10)
    logging.getLogger(ACCESS_LOGGER).removeHandler(lines)


def test_the_access_log_never_holds_a_survey_token(
    logged_server: tuple[str, Lines], settings: Settings
) -> None:
    url, log = logged_server
    token, _ = _token(settings)
    with httpx.Client(verify=TLS, base_url=url, timeout=60) as browser:
        opened = browser.get(f"/survei?token={token}", follow_redirects=True)
        assert opened.status_code == 200 and str(opened.url) == f"{url}/survei"
        assert browser.get(f"/survei?lang=en&token={token}&x=1").status_code == 303
    deadline = time.monotonic() + 30
    while len([line for line in log.lines if "/survei" in line]) < 3:  # written after each response
        assert time.monotonic() < deadline, log.lines
        time.sleep(0.02)
    survey_lines = [line for line in log.lines if "/survei" in line]
    assert all(token not in line for line in log.lines), log.lines
    assert any("/survei?token=[redacted]" in line for line in survey_lines), survey_lines
    assert any("token=[redacted]&x=1" in line for line in survey_lines), survey_lines


def test_redaction_leaves_other_addresses_alone() -> None:
    assert redact("/policies?after=abc&limit=2") == "/policies?after=abc&limit=2"
    assert redact("/survei?TOKEN=abc#x") == "/survei?TOKEN=[redacted]#x"
    assert redact("/a?notoken=1") == "/a?notoken=1"
