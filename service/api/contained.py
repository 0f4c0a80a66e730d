"""The contained fast path of the busiest routes: session, token, one action and JSON in one trip.

A sync endpoint with session and account dependencies costs a trip to the thread pool for each of
them (about 1.4 ms more a comment page here, three trips for a read and four for a write). A route
on this path stays parse → one action → answer: it hands its one action to `read` or `write`,
which open the session, find the caller, run the action, commit (a write) and write the JSON, all
in one trip.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from fastapi import Request, Response
from pydantic import BaseModel
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from policies.accounts.access import Actor
from policies.core.db import read_session, unit_of_work
from policies.core.settings import Settings
from service.auth import current_actor, writing_actor
from service.idempotency import run_idempotent


async def read(
    request: Request, settings: Settings, action: Callable[[Session, Actor | None], dict[str, Any]]
) -> Response:
    """Answer with the plain record `action(session, viewer)` returns, written by orjson."""

    def run() -> bytes:
        with read_session(settings.database_url) as session:
            record = action(session, current_actor(request, session))
        # The domain's records are written as they are: validating them into the response model
        # and serializing that cost a third of a comment page. The model still documents the
        # response; a test holds the bytes to what pydantic would write.
        return orjson.dumps(record, option=orjson.OPT_UTC_Z)

    return Response(content=await run_in_threadpool(run), media_type="application/json")


async def write(
    request: Request,
    settings: Settings,
    action: Callable[[Session, Actor], BaseModel],
    *,
    payload: BaseModel,
    idempotency_key: str | None,
    status_code: int,
) -> Response:
    """Answer with the model `action(session, actor)` returns, committed before the response is sent."""

    def run() -> Response:
        # The token is checked before the write begins, on a read (PostgreSQL: outside any
        # transaction; SQLite: a deferred one), so a writer holds SQLite's write lock only for
        # its writes, not for its caller's lookup.
        with read_session(settings.database_url) as session:
            actor = writing_actor(request, session)
        # Committed here, before the response is sent, as the session dependency would.
        with unit_of_work(settings.database_url) as session:
            return run_idempotent(
                session,
                actor=actor,
                key=idempotency_key,
                request=request,
                payload=payload,
                status_code=status_code,
                action=lambda: action(session, actor),
            )

    return await run_in_threadpool(run)
