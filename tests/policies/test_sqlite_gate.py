"""SQLite's writers queue at a first-come, first-served gate instead of polling the file lock.

These run on SQLite files of their own in both passes: the gate exists only for SQLite.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

import policies.core.db
from policies.core.db import get_engine, read_session, unit_of_work
from policies.core.sqlite_gate import WriteGate, gate_of


def test_writers_get_in_in_the_order_they_arrived() -> None:
    gate = WriteGate(timeout_s=10)
    first = object()
    gate.enter(first)
    order: list[int] = []

    def writer(n: int, owner: object) -> None:
        gate.enter(owner)
        order.append(n)
        gate.leave(owner)

    threads = []
    for n in range(6):
        t = threading.Thread(target=writer, args=(n, object()))
        t.start()
        threads.append(t)
        # The next one starts only once this one is queued, so the arrival order is known.
        while gate.waiting < n + 1:
            threading.Event().wait(0.001)
    gate.leave(first)
    for t in threads:
        t.join(timeout=10)
    assert order == list(range(6))
    assert gate.waiting == 0


def test_a_writer_without_a_turn_in_time_is_refused_and_leaves_the_queue() -> None:
    gate = WriteGate(timeout_s=0.05)
    holder, late, next_one = object(), object(), object()
    gate.enter(holder)
    with pytest.raises(sa.exc.OperationalError, match="database is locked"):
        gate.enter(late)
    assert gate.waiting == 0
    gate.enter(holder)  # the holder's own second transaction does not wait for itself
    gate.leave(late)  # a writer that holds nothing gives nothing back
    gate.leave(holder)
    gate.enter(next_one)  # free again: no wait, no refusal
    gate.leave(next_one)


def test_the_gate_comes_back_after_a_failed_or_abandoned_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A short wait: a gate that was not given back shows as a refusal, not as a hung test.
    monkeypatch.setattr(policies.core.db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    url = f"sqlite:///{tmp_path / 'short.db'}"
    with unit_of_work(url) as s:
        s.execute(sa.text("CREATE TABLE t (n INTEGER)"))
    gate = gate_of(get_engine(url))
    assert gate is not None and not gate.held
    with pytest.raises(ZeroDivisionError), unit_of_work(url) as s:
        s.execute(sa.text("INSERT INTO t VALUES (1)"))
        assert gate.held
        _ = 1 / 0
    assert not gate.held
    with policies.core.db.Session(get_engine(url)) as s:  # closed without commit or rollback
        s.execute(sa.text("INSERT INTO t VALUES (2)"))
    assert not gate.held
    with get_engine(url).connect() as conn:  # a connection the server side ended under us
        conn.execute(sa.text("INSERT INTO t VALUES (4)"))
        assert gate.held
        conn.invalidate()
    assert not gate.held
    with unit_of_work(url) as s:
        s.execute(sa.text("INSERT INTO t VALUES (3)"))
        # Readers pass by the gate while a writer holds it, and see the last commit.
        with read_session(url) as r:
            assert r.execute(sa.text("SELECT count(*) FROM t")).scalar_one() == 0
    with read_session(url) as s:
        assert s.execute(sa.text("SELECT n FROM t")).scalars().all() == [3]
    assert not gate.held
    get_engine(url).dispose()
