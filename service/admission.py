"""Admission: a bound on the requests a web process works on at once, so a burst queues, not stalls.

A sync route takes several trips to the thread pool (its dependencies, the endpoint, FastAPI's
response validation), and its session keeps a connection (on SQLite: the write lock; on
PostgreSQL: its row locks) from the first statement to the commit at the last trip. Unbounded, a
burst wider than the pool fills every connection with requests queued for a thread while every
thread waits for a connection (or a lock) they hold, until the pool's 30 s timeout answers 503.
Bounded by fewer requests than connections and than threads, every admitted request finds both;
the rest wait here, holding neither, in arrival order.
"""

from __future__ import annotations

import asyncio
from weakref import WeakKeyDictionary

import anyio
import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policies.core.db import connection_capacity

# Paths that hold no connection across trips (one trip each, or none): never queued behind a burst.
UNBOUNDED = ("/static/", "/healthz", "/readyz")
# The share of the thread pool admitted requests may fill: the rest stays free for the unbounded
# paths and the idempotency store, so a request holding a lock always finds a thread.
THREAD_SHARE = 3 / 4


def admission_limit(*, connections: int, threads: int) -> int:
    """Return how many requests a process admits at once: fewer than its threads, at most its connections."""
    return max(1, min(connections, int(threads * THREAD_SHARE)))


class Admission:
    """Pure ASGI middleware: at most admission_limit() requests of this process past it at once."""

    def __init__(self, app: ASGIApp, *, database_url: str) -> None:
        self.app = app
        self.database_url = database_url
        # One semaphore per event loop: a test client runs each app on a loop of its own.
        self._gates: WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.Semaphore] = WeakKeyDictionary()

    def _gate(self) -> anyio.Semaphore:
        loop = asyncio.get_running_loop()
        gate = self._gates.get(loop)
        if gate is None:
            threads = int(anyio.to_thread.current_default_thread_limiter().total_tokens)
            limit = admission_limit(connections=connection_capacity(self.database_url), threads=threads)
            gate = self._gates[loop] = anyio.Semaphore(limit)
        return gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNBOUNDED):
            await self.app(scope, receive, send)
            return
        gate = self._gate()
        await gate.acquire()
        held = True

        async def send_releasing(message: Message) -> None:
            nonlocal held
            # A whole body in one message: its request's work is done, so the slot goes back before
            # a slow reader drains it. A streamed body (an export) keeps its slot to its end.
            if held and message["type"] == "http.response.body" and not message.get("more_body", False):
                held = False
                gate.release()
            await send(message)

        try:
            await self.app(scope, receive, send_releasing)
        finally:
            if held:
                held = False
                gate.release()
