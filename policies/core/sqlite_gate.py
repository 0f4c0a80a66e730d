"""One SQLite writer at a time per process, served in arrival order.

SQLite lets one writer in; the others poll under its busy handler, sleeping up to 100 ms between
tries. With many request threads writing, a poller keeps losing to threads that arrive while it
sleeps: the bench saw POSTs wait 9 s at the tail, and one past the 15 s busy timeout ("database
is locked"). Here the writers of one process queue on a lock instead and get in first come,
first served; SQLite's busy handler is left to arbitrate between processes (a CLI, a worker).

The gate is taken when a writer's transaction begins and given back when its connection
returns to the pool (after the COMMIT or ROLLBACK), or is invalidated.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections import deque
from typing import Any

import sqlalchemy as sa


class WriteGate:
    """A first-come, first-served lock owned by a driver connection (not by a thread)."""

    def __init__(self, *, timeout_s: float) -> None:
        """Make an open gate; a writer waiting longer than `timeout_s` is refused."""
        self.timeout_s = timeout_s
        self._mutex = threading.Lock()
        self._queue: deque[tuple[object, threading.Event]] = deque()
        self._holder: object | None = None

    @property
    def held(self) -> bool:
        """Tell whether a writer holds the gate now."""
        with self._mutex:
            return self._holder is not None

    @property
    def waiting(self) -> int:
        """Return how many writers are queued behind the holder."""
        with self._mutex:
            return len(self._queue)

    def enter(self, owner: object) -> None:
        """Wait for the owner's turn, or raise OperationalError as SQLite's own timeout does."""
        with self._mutex:
            if self._holder is owner:
                return  # a second transaction on the same connection before it went back
            if self._holder is None:
                self._holder = owner
                return
            turn = threading.Event()
            self._queue.append((owner, turn))
        # The gate is handed over to the first in line (leave sets its event): no herd wakes.
        if turn.wait(self.timeout_s):
            return
        with self._mutex:
            if self._holder is owner:
                return  # handed over just as the wait ran out
            self._queue.remove((owner, turn))
        raise sa.exc.OperationalError(
            "BEGIN IMMEDIATE",
            None,
            sqlite3.OperationalError(f"database is locked: no turn within {self.timeout_s:g} s"),
        )

    def leave(self, owner: object) -> None:
        """Give the gate back if the owner holds it; the first in line gets it."""
        with self._mutex:
            if self._holder is not owner:
                return
            if self._queue:
                self._holder, turn = self._queue.popleft()
                turn.set()
            else:
                self._holder = None


_GATES: weakref.WeakKeyDictionary[sa.Engine, WriteGate] = weakref.WeakKeyDictionary()


def gate_of(engine: sa.Engine) -> WriteGate | None:
    """Return the gate installed on an engine, if any."""
    return _GATES.get(engine)


def install(engine: sa.Engine, *, gate: WriteGate) -> None:
    """Hold writers of this engine at the gate; readers (siklus_readonly) pass by it."""
    _GATES[engine] = gate

    def begin(conn: sa.Connection) -> None:
        owner = conn.connection.dbapi_connection
        if conn.get_execution_options().get("siklus_readonly"):
            conn.exec_driver_sql("BEGIN")  # deferred: readers never wait for a writer
            return
        gate.enter(owner)
        try:
            # The write lock at BEGIN, so the holder of the gate never fails to upgrade later.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            gate.leave(owner)
            raise

    def back(dbapi_connection: Any, *_args: Any) -> None:
        gate.leave(dbapi_connection)

    sa.event.listen(engine, "begin", begin)
    for name in ("checkin", "invalidate", "soft_invalidate", "close_detached"):
        sa.event.listen(engine, name, back)
