"""Faults against the real web process (uvicorn, as `siklus serve` starts it): killed in the middle of
writes, a SQLite `-shm` cut short under it, a database file it may not write.

Nothing is mocked: the faults are done to the process and its files as an operator's mistake or a
crash would do them, and the process is asked over HTTP what it saved.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from policies.accounts.models import IdempotencyRecord, Role
from policies.consultation.models import Comment
from policies.core.db import get_engine, read_session
from policies.core.migrate import upgrade
from policies.drafting.queries import clauses_of, latest_version
from policies.lifecycle.queries import get_policy
from tests import http
from tests import lifecycle_walk as walk
from tests.service.conftest import auth, make_token

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_SECONDS = 120
SIGN_UP = {"email": "berkas@warga.test", "name": "Berkas", "password": "kata-sandi-uji-123"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _eventually(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@dataclass
class Web:
    """A uvicorn process serving `service.app:create_app`, as `siklus serve`'s web child starts it."""

    database_url: str
    home: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start it and wait until it answers."""
        env = {
            **os.environ,
            "HOME": str(self.home),
            "PREFECT_HOME": str(self.home / "prefect"),
            "SIKLUS_DATABASE_URL": self.database_url,
            "SIKLUS_DATA_DIR": str(self.home / "data"),
            "SIKLUS_SECRET_KEY": "test-secret-key-not-for-production",
            "SIKLUS_PREFECT_ENABLED": "false",
            "SIKLUS_SMTP_HOST": "",
            "SIKLUS_COMMENTS_PER_MINUTE": "100000",
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        argv = [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory"]
        argv += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        # Its own session, so a kill reaches the whole process as the supervisor's stop would.
        self.process = subprocess.Popen(argv, env=env, cwd=self.home, start_new_session=True)
        assert _eventually(lambda: not self.alive() or self._answers()), "the web never answered"
        assert self.alive(), f"the web stopped at start (code {self.process.returncode})"

    def _answers(self) -> bool:
        try:
            return http.get(f"{self.base}/healthz", timeout=5).status_code in (200, 503)
        except httpx.HTTPError:
            return False

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """Kill it at once (SIGKILL to its group): no shutdown, no flush, what a crash does."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=DEADLINE_SECONDS)


@pytest.fixture
def web_home(tmp_path: Path) -> Path:
    """The web process's home, data dir and Prefect home (no Prefect is asked)."""
    (tmp_path / "data").mkdir()
    (tmp_path / "prefect").mkdir()
    return tmp_path


def _problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


def test_a_shm_cut_short_and_made_unwritable_under_the_web_is_503_and_the_web_lives_on(
    web_home: Path,
) -> None:
    url = f"sqlite:///{web_home / 'web.db'}"
    upgrade(url)
    get_engine(url).dispose()  # this test process keeps nothing mapped
    web = Web(url, web_home)
    web.start()
    try:
        # 202: registered (the same answer a known email gets), its verification email queued.
        assert http.post(f"{web.base}/api/v1/auth/register", json=SIGN_UP, timeout=30).status_code == 202
        shm = web_home / "web.db-shm"
        assert shm.stat().st_size >= 32 * 1024  # mapped by the web, which keeps its connections
        # Emptied and made read-only while the web runs: its next access used to be a SIGBUS.
        os.truncate(shm, 0)
        shm.chmod(0o444)
        other = {**SIGN_UP, "email": "kedua@warga.test"}
        refused = http.post(f"{web.base}/api/v1/auth/register", json=other, timeout=30)
        body = _problem(refused, 503)
        assert refused.headers["Retry-After"] == "5"
        assert "Tidak ada yang tersimpan" in str(body["detail"])
        assert web.alive()
        ready = http.get(f"{web.base}/readyz", headers={"Accept-Language": "en"}, timeout=30)
        checks = _problem(ready, 503)["checks"]
        assert isinstance(checks, dict) and "web.db-shm was truncated" in checks["writes"], checks
        # Reads are refused too (they would touch the cut mapping), and still the process answers.
        _problem(http.get(f"{web.base}/api/v1/policies", timeout=30), 503)
        assert web.alive()
    finally:
        web.kill()


def test_a_database_file_the_web_may_not_write_is_503_for_writes_and_the_web_lives_on(web_home: Path) -> None:
    database = web_home / "web.db"
    url = f"sqlite:///{database}"
    upgrade(url)
    get_engine(url).dispose()
    if os.geteuid() == 0:
        # root writes a file whatever its mode; an immutable file it may not write either.
        subprocess.run(["chattr", "+i", str(database)], check=True)
    else:
        database.chmod(0o444)
    web = Web(url, web_home)
    web.start()
    try:
        assert http.get(f"{web.base}/healthz", timeout=30).status_code == 200  # it reads
        refused = http.post(f"{web.base}/api/v1/auth/register", json=SIGN_UP, timeout=30)
        assert _problem(refused, 503)["type"] == "https://siklus.example/problems/database-busy"
        assert refused.headers["Retry-After"] == "5"
        ready = http.get(f"{web.base}/readyz", timeout=30)
        problem = _problem(ready, 503)
        assert ready.headers["Retry-After"] == "5"
        assert problem["type"] == "https://siklus.example/problems/not-ready"
        assert "web.db tidak dapat ditulis" in str(problem["detail"]), problem
        assert problem["checks"] == {"reads": "ok", "writes": problem["checks"]["writes"]}  # type: ignore[index]
        assert web.alive()
    finally:
        web.kill()
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(database)], check=True)


def _first_clause(db: str) -> str:
    with read_session(db) as s:
        policy = get_policy(s, slug=walk.SLUG)
        return clauses_of(s, version_id=latest_version(s, policy_id=policy.id, published=True).id)[0].key


@dataclass
class Posting:
    """Comment POSTs with an Idempotency-Key each, sent by several clients until told to stop."""

    base: str
    token: str
    clause: str
    sent: dict[str, str] = field(default_factory=dict)
    acknowledged: set[str] = field(default_factory=set)
    cut: int = 0  # requests the kill left without an answer
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def post(self, key: str) -> int | None:
        """Send one comment; return its status, or None when the connection failed."""
        body = {"clause_key": self.clause, "body": self.sent[key]}
        headers = {**auth(self.token), "Idempotency-Key": key}
        try:
            response = http.post(
                f"{self.base}/api/v1/policies/{walk.SLUG}/comments", json=body, headers=headers
            )
        except httpx.HTTPError:
            with self.lock:
                self.cut += 1
            return None
        if response.status_code == 201:
            with self.lock:
                self.acknowledged.add(key)
        return response.status_code

    def client(self, number: int) -> None:
        for n in range(10_000):
            if self.stop.is_set():
                return
            key = f"mati-{number}-{n}"
            with self.lock:
                self.sent[key] = f"Masukan {number}-{n}: rincian target JP per jabatan perlu ditambahkan."
            if self.post(key) is None:
                return  # the process is gone: this key may or may not have been saved


def _saved(db: str) -> tuple[list[str], list[tuple[str, int]]]:
    """The comments' bodies, and each Idempotency-Key stored with its response status."""
    with read_session(db) as s:
        bodies = list(s.execute(sa.select(Comment.body)).scalars())
        records = [(r.key, r.status_code) for r in s.execute(sa.select(IdempotencyRecord)).scalars()]
    return bodies, records


def test_killing_the_web_in_the_middle_of_writes_loses_no_acknowledged_comment_and_leaves_none_half_written(
    db: str, catalog: None, web_home: Path
) -> None:
    walk.to_consultation(db)
    token = make_token(db, email="mati@warga.test", role=Role.STAKEHOLDER)
    web = Web(db, web_home)
    web.start()
    posting = Posting(web.base, token, _first_clause(db))
    clients = [threading.Thread(target=posting.client, args=(i,)) for i in range(4)]
    for client in clients:
        client.start()
    try:
        assert _eventually(lambda: len(posting.acknowledged) >= 30), "the comments never went through"
        web.kill()  # SIGKILL while the four clients keep posting
    finally:
        posting.stop.set()
        for client in clients:
            client.join(timeout=DEADLINE_SECONDS)
        if web.alive():
            web.kill()
    assert posting.cut >= 1  # the clients were still writing when the process died
    bodies, records = _saved(db)
    # Every acknowledged comment is there, once.
    assert all(bodies.count(posting.sent[key]) == 1 for key in posting.acknowledged)
    # Nothing half-written: each comment came with its key's stored response, and each stored key
    # with its comment (the comment and the claim commit together or not at all).
    assert len(bodies) == len(set(bodies)) == len(records)
    assert {posting.sent[key] for key, _ in records} == set(bodies)
    assert all(status == 201 for _, status in records)
    if db.startswith("sqlite"):
        with get_engine(db).connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"

    # The clients resend what was not acknowledged, with the same keys: each is made exactly once.
    again = Web(db, web_home)
    again.start()
    try:
        posting.base = again.base
        unacknowledged = set(posting.sent) - posting.acknowledged
        assert all(posting.post(key) == 201 for key in sorted(unacknowledged))
    finally:
        again.kill()
    bodies, records = _saved(db)
    assert sorted(bodies) == sorted(posting.sent.values())
    assert len(records) == len(posting.sent)
