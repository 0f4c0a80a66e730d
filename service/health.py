"""Health: `/healthz` (alive: the process serves and its database reads) and `/readyz` (takes writes).

A load balancer routes by `/readyz`: it answers 503 problem+json naming what is wrong while the
database cannot take a write (an unwritable or truncated SQLite file, a read-only or unreachable
server), so a process that could only fail every change stops getting them.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from policies.core.db import first_line, ping, write_trouble
from policies.core.sqlite_files import FilesRefused, Trouble
from service.prefect_health import PROBE as PREFECT
from service.problems import DB_RETRY_AFTER_SECONDS, PROBLEM_JSON, problem, problem_locale

router = APIRouter(tags=["ops"])
# The write probe takes SQLite's one write lock: however often /readyz is asked (it needs no
# account), a process probes at most this often and answers the others from the last probe.
PROBE_EVERY_SECONDS = 2.0


@dataclass
class _LastProbe:
    at: float | None = None  # never probed yet
    trouble: Trouble | None = None


_PROBES: dict[str, _LastProbe] = {}
_PROBING = threading.Lock()


def _read_trouble(url: str) -> Trouble | None:
    try:
        ping(url)
    except sa.exc.DBAPIError as exc:
        if isinstance(exc.orig, FilesRefused):
            return exc.orig.trouble
        said = first_line(exc)
        return Trouble(id=f"basis data tidak dapat dibaca: {said}", en=f"the database cannot be read: {said}")
    return None


def _probed_write_trouble(url: str) -> Trouble | None:
    last = _PROBES.setdefault(url, _LastProbe())
    fresh = last.at is not None and time.monotonic() - last.at < PROBE_EVERY_SECONDS
    # While one request probes (it may wait for SQLite's write lock), the others answer from the
    # last probe instead of queueing a thread each behind it; only the very first one waits.
    if fresh or not _PROBING.acquire(blocking=last.at is None):
        return last.trouble
    try:
        last.trouble, last.at = write_trouble(url), time.monotonic()
    finally:
        _PROBING.release()
    return last.trouble


@router.get("/healthz", response_model=dict[str, str])
async def healthz(request: Request) -> Response:
    """Tell that the process is up and its database answers a read; say Prefect's state beside it."""
    settings = request.app.state.settings
    # One trip to the thread pool: a sync endpoint took two (the call, then the answer's validation).
    await run_in_threadpool(ping, settings.database_url)
    # Prefect's state is reported, not required: the web serves and stage work waits without it.
    body = {"status": "ok", "database": "ok", "prefect": PREFECT.read(settings)}
    return Response(json.dumps(body, separators=(",", ":")), media_type="application/json")


@router.get(
    "/readyz",
    responses={
        503: {
            "description": "Belum siap: basis data tidak menerima perubahan; `checks` menyebut sebabnya.",
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    },
)
def readyz(request: Request) -> JSONResponse:
    """Tell that the database takes reads and writes now (readiness; 503 problem+json naming what fails)."""
    url = request.app.state.settings.database_url
    english = problem_locale(request) == "en"
    reads = _read_trouble(url)
    writes = reads or _probed_write_trouble(url)
    if writes is None:
        return JSONResponse({"status": "ready", "checks": {"reads": "ok", "writes": "ok"}})

    def said(trouble: Trouble | None) -> str:
        return "ok" if trouble is None else (trouble.en if english else trouble.id)

    return problem(
        status=503,
        code="not-ready",
        title="Not ready to take changes" if english else "Belum siap menerima perubahan",
        detail=(
            f"Changes cannot be saved now: {said(writes)}."
            if english
            else f"Perubahan tidak dapat disimpan sekarang: {said(writes)}."
        ),
        instance=request.url.path,
        headers={"Retry-After": str(DB_RETRY_AFTER_SECONDS)},
        checks={"reads": said(reads), "writes": said(writes)},
    )
