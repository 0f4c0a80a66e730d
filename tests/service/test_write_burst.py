"""A burst of ordinary writes wider than the connection pool is served, not refused (issue 21).

The advance and the comment POST run on the contained path (one trip to the thread pool); the
other writes are plain sync routes with a session dependency, which keep their connection from
the endpoint's trip through FastAPI's response-validation trip to the commit. Without a bound on
the requests a process lets in, a burst fills every connection with requests queued for a thread
while the threads wait for a connection, until the pool's timeout answers 503. Here 100
dispositions arrive at once at an app whose pool has 12 connections (PostgreSQL) or 15 (SQLite).
"""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation import comments
from policies.consultation.models import Disposition
from policies.core import settings as settings_module
from policies.core.db import get_engine, read_session, unit_of_work
from policies.core.settings import Settings
from service.admission import admission_limit
from service.app import create_app
from tests.flows.conftest import run_async
from tests.service.conftest import SLUG, auth, open_consultation

BURST = 100
ASN = Actor(id=None, name="Budi", role=Role.STAKEHOLDER, group="asn")
WORDS = ["pegawai", "jabatan", "kinerja", "disiplin", "cuti", "mutasi", "pangkat", "gaji", "pelatihan"]


def _comments(url: str, key: str) -> list[int]:
    """Write BURST distinct comments (no campaign among them) and return their ids."""
    with unit_of_work(url) as s:
        made = [
            comments.create_comment(
                s,
                actor=ASN,
                slug=SLUG,
                clause_key=key,
                body=" ".join(secrets.choice(WORDS) for _ in range(20)) + f" nomor {i}",
            )
            for i in range(BURST)
        ]
        return [c.id for c in made if c.id is not None]


async def _fire(app: object, token: str, ids: list[int]) -> list[int]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://siklus", timeout=60) as client:

        async def one(comment_id: int) -> int:
            body = {"outcome": "noted", "reason": "Dicatat untuk penyempurnaan."}
            r = await client.put(
                f"/api/v1/policies/{SLUG}/comments/{comment_id}/disposition", headers=auth(token), json=body
            )
            return r.status_code

        return list(await asyncio.gather(*(one(i) for i in ids)))


def test_a_burst_of_sync_writes_wider_than_the_pool_is_all_answered(
    settings: Settings, client: TestClient, drafter_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_consultation(client, drafter_token)
    key = client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"][0]["key"]
    url = settings.database_url
    if url.startswith("postgresql"):
        # An engine of its own (another URL of the same schema) with the smallest pool: 2 + 10.
        url = f"{url}&application_name=siklus_write_burst_test"
        monkeypatch.setenv("SIKLUS_DB_POOL_SIZE", "2")
        settings_module.get_settings.cache_clear()
    try:
        ids = _comments(url, key)
        app = create_app(settings.model_copy(update={"database_url": url}))
        # On a loop of its own in a fresh thread: an earlier test may leave one running in this thread.
        statuses = run_async(_fire(app, drafter_token, ids))
    finally:
        settings_module.get_settings.cache_clear()
        if url != settings.database_url:
            get_engine(url).dispose()
    # A stall ends in the pool's (or SQLite's write gate's) timeout: 503s, the dispositions not saved.
    assert Counter(statuses) == {200: BURST}
    with read_session(settings.database_url) as s:
        answered = s.execute(sa.select(sa.func.count()).select_from(Disposition)).scalar_one()
    assert answered == BURST


def test_admission_leaves_threads_free_and_takes_no_more_connections_than_there_are() -> None:
    # Starlette's 40 threads: 30 for admitted requests, 10 for /healthz, files and the idempotency store.
    assert admission_limit(connections=50, threads=40) == 30
    assert admission_limit(connections=15, threads=40) == 15
    assert admission_limit(connections=12, threads=40) == 12
    assert admission_limit(connections=4, threads=1) == 1
