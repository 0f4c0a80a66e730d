"""The engines: SQLite's pragmas, aware UTC timestamps, writers that queue instead of failing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from policies.db import (
    SQLITE_BUSY_TIMEOUT_MS,
    UTCDateTime,
    create_db_engine,
    insert_unless_exists,
    read_session,
    unit_of_work,
)
from policies.models import Account, IdempotencyRecord, Role
from policies.settings import get_settings

# These run on a SQLite file of their own in both passes: the embedded default must hold
# whatever database the rest of the suite runs on.


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file URL."""
    return f"sqlite:///{tmp_path / 'engine.db'}"


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(sqlite_url: str) -> None:
    engine = create_db_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
    engine.dispose()


def test_sqlite_enforces_foreign_keys(sqlite_url: str) -> None:
    engine = create_db_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql(
            "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))"
        )
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO child (parent_id) VALUES (42)")
    engine.dispose()


def test_timestamps_are_stored_utc_and_read_back_aware(sqlite_url: str) -> None:
    engine = create_db_engine(sqlite_url)
    table = sa.Table("stamp", sa.MetaData(), sa.Column("at", UTCDateTime()))
    table.create(engine)
    jakarta = timezone(timedelta(hours=7))
    with engine.begin() as conn:
        conn.execute(table.insert().values(at=datetime(2026, 8, 17, 14, 30, tzinfo=jakarta)))
    with engine.connect() as conn:
        (value,) = conn.execute(sa.select(table.c.at)).one()
    assert value == datetime(2026, 8, 17, 7, 30, tzinfo=UTC) and value.tzinfo is not None
    with pytest.raises(sa.exc.StatementError, match="naive datetime"), engine.begin() as conn:
        conn.execute(table.insert().values(at=datetime(2026, 8, 17, 14, 30)))
    engine.dispose()


def test_two_writers_queue_and_both_commit(sqlite_url: str) -> None:
    with unit_of_work(sqlite_url) as s:
        s.exec(sa.text("CREATE TABLE counter (n INTEGER)"))  # type: ignore[call-overload]
        s.exec(sa.text("INSERT INTO counter VALUES (0)"))  # type: ignore[call-overload]
    entered, errors = threading.Barrier(2), []

    def bump() -> None:
        try:
            with unit_of_work(sqlite_url) as s:
                entered.wait(timeout=5)
                # Read-modify-write: only correct if the writers are serialized at BEGIN.
                (n,) = s.exec(sa.text("SELECT n FROM counter")).one()  # type: ignore[call-overload]
                s.exec(sa.text("UPDATE counter SET n = :n"), params={"n": n + 1})  # type: ignore[call-overload]
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    with read_session(sqlite_url) as s:
        assert s.exec(sa.text("SELECT n FROM counter")).one() == (2,)  # type: ignore[call-overload]


def test_postgresql_pool_is_as_large_as_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    # Building the engine connects to nothing: this holds without a server.
    monkeypatch.setenv("SIKLUS_DB_POOL_SIZE", "7")
    get_settings.cache_clear()
    try:
        engine = create_db_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
        assert (engine.pool.size(), engine.pool._max_overflow) == (7, 10)  # type: ignore[attr-defined]
    finally:
        get_settings.cache_clear()


def test_insert_unless_exists_claims_a_key_once(db: str) -> None:
    """One statement on either backend: the first insert gets an id, the same key gets None."""
    table = IdempotencyRecord.__table__  # type: ignore[attr-defined]
    row = {
        "account_id": None,
        "key": "sekali",
        "request_hash": "h",
        "status_code": 0,
        "response_body": "",
        "created_at": datetime(2026, 8, 17, tzinfo=UTC),
    }
    with unit_of_work(db) as s:
        account = Account(email="kunci@warga.test", name="Kunci", password_hash="x", role=Role.STAKEHOLDER)
        s.add(account)
        s.flush()
        row["account_id"] = account.id
        first = insert_unless_exists(s, table=table, values=row, unique=("account_id", "key"))
        again = insert_unless_exists(s, table=table, values=row, unique=("account_id", "key"))
        other = insert_unless_exists(
            s, table=table, values={**row, "key": "lain"}, unique=("account_id", "key")
        )
    assert isinstance(first, int) and again is None and isinstance(other, int) and other != first
    with read_session(db) as s:
        assert s.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 2
