"""The floor of a durable write: the least a FastAPI POST that saves a comment can do, served like Siklus.

Beside the bare `/healthz` (bench/bare_app.py, the ceiling of any route), this app answers the
comment POST of `bench/wrk/post_comments.lua` with nothing but what every such POST must do: parse
and validate the same JSON body with pydantic, insert one row into SQLite (WAL, `synchronous=NORMAL`,
as Siklus opens it) and commit, then answer 201 with the row's id. No authentication, idempotency,
rate limit, campaign detection or receipt. Its ratio to the bare `/healthz` in the same run tells
how far any design that commits each request on its own can go on this machine.

The database is a file named by SIKLUS_FLOOR_DB (one process: it is served with one worker).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from typing import Literal

from fastapi import FastAPI
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool


class CommentIn(BaseModel):
    """The body the comment POST sends."""

    clause_key: str = Field(max_length=40)
    body: str = Field(min_length=1, max_length=5000)
    stance: Literal["for", "against", "neutral"] | None = None


def create_app() -> FastAPI:
    """Build the app: one table, one POST route, one connection behind a lock (SQLite has one writer)."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    conn = sqlite3.connect(os.environ["SIKLUS_FLOOR_DB"], check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS comment (id INTEGER PRIMARY KEY, clause_key TEXT, body TEXT, stance TEXT)"
    )
    lock = threading.Lock()

    def insert(comment: CommentIn) -> int:
        with lock:
            cursor = conn.execute(
                "INSERT INTO comment (clause_key, body, stance) VALUES (?, ?, ?)",
                (comment.clause_key, comment.body, comment.stance),
            )  # autocommit: one transaction, committed, per request
            return int(cursor.lastrowid or 0)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/v1/policies/{slug}/comments", status_code=201)
    async def post(slug: str, comment: CommentIn) -> dict[str, int | str]:
        return {"id": await run_in_threadpool(insert, comment), "policy": slug}

    return app
