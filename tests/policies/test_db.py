"""The engines: SQLite's pragmas, aware UTC timestamps, writers that queue instead of failing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pydantic
import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

import policies.core.db
from policies.accounts.models import Account, IdempotencyRecord, Role
from policies.core.db import (
    SQLITE_BUSY_TIMEOUT_MS,
    UTCDateTime,
    create_db_engine,
    get_engine,
    insert_rows_unless_exist,
    insert_unless_exists,
    read_session,
    unit_of_work,
)
from policies.core.settings import Settings, get_settings
from policies.outbox.models import Channel, DeliveryState, Reminder

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


def test_sixteen_writers_queue_and_all_commit(sqlite_url: str) -> None:
    with unit_of_work(sqlite_url) as s:
        s.exec(sa.text("CREATE TABLE counter (n INTEGER)"))  # type: ignore[call-overload]
        s.exec(sa.text("INSERT INTO counter VALUES (0)"))  # type: ignore[call-overload]
    entered, errors = threading.Barrier(16), []

    def bump() -> None:
        try:
            with unit_of_work(sqlite_url) as s:
                entered.wait(timeout=5)
                # Read-modify-write: only correct if the writers are serialized at BEGIN.
                (n,) = s.exec(sa.text("SELECT n FROM counter")).one()  # type: ignore[call-overload]
                s.exec(sa.text("UPDATE counter SET n = :n"), params={"n": n + 1})  # type: ignore[call-overload]
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    with read_session(sqlite_url) as s:
        assert s.exec(sa.text("SELECT n FROM counter")).one() == (16,)  # type: ignore[call-overload]


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


def test_insert_rows_unless_exist_skips_taken_keys_and_fills_defaults(db: str) -> None:
    """One statement for many rows: a taken key (earlier or twice in the batch) is skipped, not counted."""
    table = Reminder.__table__  # type: ignore[attr-defined]
    due = datetime(2026, 8, 17, 7, 30, tzinfo=UTC)

    def row(key: str) -> dict[str, object]:
        return {
            "dedupe_key": key,
            "template": "notice",
            "channel": Channel.EMAIL,
            "recipient_email": f"{key}@warga.test",
            "context": {"judul": key, "angka": 3},
            "due_at": due,
        }

    with unit_of_work(db) as s:
        first = insert_rows_unless_exist(s, table=table, rows=[row("a"), row("b")], unique=("dedupe_key",))
        second = insert_rows_unless_exist(
            s, table=table, rows=[row("b"), row("c"), row("c")], unique=("dedupe_key",)
        )
        none = insert_rows_unless_exist(s, table=table, rows=[], unique=("dedupe_key",))
    assert (first, second, none) == (2, 1, 0)
    with read_session(db) as s:
        stored = s.exec(select(Reminder).order_by(Reminder.dedupe_key)).all()
        assert [r.dedupe_key for r in stored] == ["a", "b", "c"]
        # The model's defaults, which a text statement does not run, were filled as a Core insert would.
        assert {(r.state, r.attempts, r.last_error, r.locale) for r in stored} == {
            (DeliveryState.PENDING, 0, "", "id")
        }
        assert all(r.created_at is not None and r.due_at == due for r in stored)
        assert stored[0].context == {"judul": "a", "angka": 3}


def _in_transaction(session: Session) -> bool:
    """Tell whether the session's driver connection is inside a transaction right now."""
    dbapi = session.connection().connection.dbapi_connection
    if session.get_bind().dialect.name == "postgresql":
        return dbapi.info.transaction_status != psycopg.pq.TransactionStatus.IDLE  # type: ignore[union-attr]
    return dbapi.in_transaction  # type: ignore[union-attr]


def test_a_read_holds_a_transaction_only_where_it_needs_one(db: str) -> None:
    """PostgreSQL reads run without BEGIN/ROLLBACK round trips; SQLite reads keep one snapshot."""
    postgres = get_engine(db).dialect.name == "postgresql"
    with read_session(db) as s:
        assert s.execute(sa.text("SELECT 1")).scalar_one() == 1
        assert _in_transaction(s) is not postgres
    with read_session(db, transaction=True) as s:  # what a server-side cursor needs
        assert s.execute(sa.text("SELECT 1")).scalar_one() == 1
        assert _in_transaction(s)
    with unit_of_work(db) as s:
        s.execute(sa.text("SELECT 1"))
        assert _in_transaction(s)


def _backend_pid(db: str) -> int:
    with read_session(db) as s:
        return s.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_dropped_while_idle_is_replaced_before_use(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The idle ping: a pooled PostgreSQL connection the server ended is swapped, not failed on."""
    engine = get_engine(db)
    if engine.dialect.name != "postgresql":
        # A file has no server that could end the connection: SQLite's pool is never pinged.
        assert not sa.event.contains(engine, "checkin", policies.core.db._note_checkin)
        with read_session(db) as s:
            assert s.execute(sa.text("SELECT 1")).scalar_one() == 1
        return
    assert sa.event.contains(engine, "checkin", policies.core.db._note_checkin)
    engine.dispose()  # one pooled connection, the one terminated below
    pid = _backend_pid(db)
    with psycopg.connect(engine.url.set(drivername="postgresql").render_as_string(False)) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    monkeypatch.setattr(policies.core.db, "PING_AFTER_IDLE_S", 0.0)
    assert _backend_pid(db) != pid  # pinged, found dead, replaced: the read never saw the error
    # Back in use within the threshold, a connection is not pinged (no round trip per request).
    pid = _backend_pid(db)
    with psycopg.connect(engine.url.set(drivername="postgresql").render_as_string(False)) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    monkeypatch.setattr(policies.core.db, "PING_AFTER_IDLE_S", 3600.0)
    with pytest.raises(sa.exc.OperationalError):
        _backend_pid(db)
    assert _backend_pid(db) != pid  # the failed statement invalidated the pool: fresh connections


def test_only_sqlite_and_postgresql_urls_are_accepted() -> None:
    """The SQL (bulk inserts' ON CONFLICT included) is written and tested for these two only."""
    for url in ("sqlite:///x.db", "postgresql+psycopg://postgres@127.0.0.1/test", "postgresql://u@h/d"):
        assert Settings(database_url=url).database_url == url
    for url in ("mysql+pymysql://root@127.0.0.1/test", "oracle://u@h/d", ""):
        with pytest.raises(pydantic.ValidationError):
            Settings(database_url=url)
