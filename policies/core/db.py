"""Engines and the unit of work: the one place that commits."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from policies.core import sqlite_files, sqlite_gate
from policies.core.settings import get_settings

SQLITE_BUSY_TIMEOUT_MS = 15_000
# A pooled PostgreSQL connection idle longer than this is pinged before use. One back in use
# sooner is not: the server could only have dropped it in that instant, and a statement on a
# dropped connection invalidates the pool anyway (the next request gets fresh connections).
PING_AFTER_IDLE_S = 1.0
_CHECKED_IN = "siklus_checked_in"
# The largest value of an INTEGER column on PostgreSQL. psycopg binds every integer compared
# with such a column as ::INTEGER, so a larger one is a database error ("integer out of range"),
# never a row: inputs are bounded by it before they reach a query.
MAX_INTEGER = 2**31 - 1
# SQLAlchemy's own defaults for a file database, spelled out: the web's admission bound is read
# from them (service/admission.py).
SQLITE_POOL_SIZE = 5
POOL_MAX_OVERFLOW = 10


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC timestamps on every backend (SQLite stores them naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Store UTC; naive input is refused because its zone is unknown."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Siklus stores aware UTC timestamps")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Return aware UTC timestamps."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the single writer; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """Build an engine with the settings each backend needs."""
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        on_file = bool(path) and path != ":memory:"
        if on_file:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # A file gets a queue pool (SQLAlchemy's default, sized here); :memory: its one connection.
        sized = {"pool_size": SQLITE_POOL_SIZE, "max_overflow": POOL_MAX_OVERFLOW} if on_file else {}
        # No pre-ping: a file has no server that could drop the connection, and the ping is a
        # statement on every checkout.
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 15}, **sized)
        if on_file:
            # First: a -shm cut short under this process must be seen before SQLite maps it (SIGBUS).
            sqlite_files.install(engine, path=Path(path))
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling is switched off so BEGIN IMMEDIATE is ours.
        sa.event.listen(engine, "connect", lambda c, r: setattr(c, "isolation_level", None))
        # Writers queue at BEGIN IMMEDIATE in arrival order; readers begin deferred.
        sqlite_gate.install(engine, gate=sqlite_gate.WriteGate(timeout_s=SQLITE_BUSY_TIMEOUT_MS / 1000))
        return engine
    # As many kept connections as request threads: with fewer, every request beyond the pool
    # opened a new PostgreSQL connection and closed it again (a server process each time).
    # LIFO: a quiet moment after a busy one is served by the few connections used last, whose
    # prepared statements and plans are warm, not round-robin by all forty.
    engine = sa.create_engine(
        url, pool_size=get_settings().db_pool_size, max_overflow=POOL_MAX_OVERFLOW, pool_use_lifo=True
    )
    sa.event.listen(engine, "checkin", _note_checkin)
    sa.event.listen(engine, "checkout", _ping_if_idle(engine.dialect))
    return engine


def connection_capacity(url: str) -> int:
    """Return how many connections a process's engine for `url` opens at most."""
    if url.startswith("sqlite"):
        return SQLITE_POOL_SIZE + POOL_MAX_OVERFLOW
    return get_settings().db_pool_size + POOL_MAX_OVERFLOW


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info[_CHECKED_IN] = time.monotonic()


def _ping_if_idle(dialect: sa.Dialect) -> Callable[[Any, Any, Any], None]:
    """Return a checkout listener that pings a connection only after it sat idle in the pool.

    pool_pre_ping pinged on every checkout: a round trip per request, a fifth of a page read.
    """

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get(_CHECKED_IN)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as err:
            # The pool drops this connection and checks out a fresh one (up to three tries).
            raise sa.exc.DisconnectionError(str(err)) from err

    return checkout


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """Return the process's engine for a URL (a pool, not application state)."""
    return create_db_engine(url)


@contextmanager
def unit_of_work(url: str) -> Iterator[Session]:
    """Open a session, commit if the block succeeds, roll back if it raises."""
    with Session(get_engine(url), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@lru_cache(maxsize=16)
def _read_bind(url: str, *, transaction: bool) -> Engine:
    engine = get_engine(url)
    if engine.dialect.name == "postgresql" and not transaction:
        # Each statement at READ COMMITTED sees its own snapshot inside a transaction too, so
        # reading without one changes no result and saves the BEGIN and ROLLBACK round trips.
        return engine.execution_options(isolation_level="AUTOCOMMIT", siklus_readonly=True)
    return engine.execution_options(siklus_readonly=True)


@contextmanager
def read_session(url: str, *, transaction: bool = False) -> Iterator[Session]:
    """Open a session for reading only; nothing it does is committed.

    On PostgreSQL its statements run outside a transaction unless `transaction` asks for one
    (a server-side cursor needs it). On SQLite a read is one deferred transaction, one snapshot.
    """
    with Session(_read_bind(url, transaction=transaction), expire_on_commit=False) as session:
        yield session
        session.rollback()


def insert_unless_exists(
    session: Session, *, table: sa.Table, values: dict[str, Any], unique: tuple[str, ...]
) -> int | None:
    """Insert a row unless its unique columns are taken; return the new id, or None if taken.

    One statement (INSERT ... ON CONFLICT DO NOTHING RETURNING id, which SQLite and PostgreSQL
    both speak): no savepoint and no failed statement to recover from. On PostgreSQL a concurrent
    twin's uncommitted row makes it wait for that twin's commit, then report the key taken.
    """
    stmt = _insert_unless_exists_sql(table=table, columns=tuple(values), unique=unique)
    return session.execute(stmt, values).scalar_one_or_none()


@lru_cache(maxsize=64)
def _insert_unless_exists_sql(
    *, table: sa.Table, columns: tuple[str, ...], unique: tuple[str, ...]
) -> sa.TextClause:
    """Return the statement as text, typed by the table's columns."""

    # SQLAlchemy's own ON CONFLICT insert has no cache key, so it was compiled afresh on every
    # call (a tenth of a comment POST's CPU); as text it is compiled once per process.
    def quoted(names: tuple[str, ...]) -> str:
        return ", ".join(f'"{name}"' for name in names)

    sql = (
        f'INSERT INTO "{table.name}" ({quoted(columns)}) VALUES ({", ".join(f":{c}" for c in columns)}) '
        f'ON CONFLICT ({quoted(unique)}) DO NOTHING RETURNING "id"'
    )
    binds = [sa.bindparam(c, type_=table.c[c].type) for c in columns]
    return sa.text(sql).bindparams(*binds).columns(table.c.id)


def insert_rows_unless_exist(
    session: Session, *, table: sa.Table, rows: list[dict[str, Any]], unique: tuple[str, ...]
) -> int:
    """Insert rows (all naming the same columns) in one statement, skipping any whose unique columns
    are taken; return how many were inserted."""
    if not rows:
        return 0
    # Text runs no column defaults: filled here as a Core insert would (scalars, and callables
    # such as created_at's clock, which SQLAlchemy wraps to take an execution context).
    defaults = {
        c.name: c.default.arg if c.default.is_scalar else c.default.arg(None)
        for c in table.c
        if c.name not in rows[0] and isinstance(c.default, sa.ColumnDefault)
    }
    columns = (*rows[0], *defaults)
    stmt = _insert_rows_unless_exist_sql(table=table, columns=columns, count=len(rows), unique=unique)
    params = {f"{c}_{i}": {**row, **defaults}[c] for i, row in enumerate(rows) for c in columns}
    return len(session.execute(stmt, params).all())


_PREPARER = sa.engine.default.DefaultDialect().identifier_preparer


@lru_cache(maxsize=64)
def _insert_rows_unless_exist_sql(
    *, table: sa.Table, columns: tuple[str, ...], count: int, unique: tuple[str, ...]
) -> sa.TextClause:
    """Return the multi-row statement for `count` rows as text, typed by the table's columns."""
    # As text for the same reason as `_insert_unless_exists_sql`: the dialects' ON CONFLICT insert
    # has no cache key and was compiled afresh on every comment's receipt.
    quote = _PREPARER.quote  # only where needed (a reserved word), as SQLAlchemy's own statements
    names = ", ".join(quote(c) for c in columns)
    values = ", ".join("(" + ", ".join(f":{c}_{i}" for c in columns) + ")" for i in range(count))
    conflict = ", ".join(quote(c) for c in unique)
    sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES {values} ON CONFLICT ({conflict}) DO NOTHING"
    sql += " RETURNING id"
    binds = [sa.bindparam(f"{c}_{i}", type_=table.c[c].type) for i in range(count) for c in columns]
    return sa.text(sql).bindparams(*binds).columns(table.c.id)


def ping(url: str) -> None:
    """Read one row: the database answers (raises OperationalError when it does not)."""
    # A Core connection, not a Session: the same checks run at its BEGIN (the SQLite files' guard),
    # without the ORM's bookkeeping, which was most of /healthz's cost.
    with _read_bind(url, transaction=False).connect() as conn:
        conn.exec_driver_sql("SELECT 1").one()


# A write every migrated database can take: the row is rewritten as it is, and never committed.
_WRITE_PROBE = sa.text("UPDATE alembic_version SET version_num = version_num")


def write_trouble(url: str) -> sqlite_files.Trouble | None:
    """Say what stops a write now; None when one ran as writes do (its own transaction, rolled back).

    The probe takes the write lock and rewrites a row like any request's write, so it fails where
    they fail (an unwritable file or directory, a read-only or unreachable server, no turn in time);
    what only a commit can show (a full disk) stays with the writes themselves.
    """
    try:
        with Session(get_engine(url)) as session:
            session.execute(_WRITE_PROBE)
            session.rollback()
    except sa.exc.DBAPIError as exc:
        if isinstance(exc.orig, sqlite_files.FilesRefused):
            return exc.orig.trouble
        said = first_line(exc)
        return sqlite_files.Trouble(
            id=f"basis data menolak penulisan: {said}", en=f"the database refuses writes: {said}"
        )
    return None


def first_line(exc: sa.exc.DBAPIError) -> str:
    """Return the first line of what the driver said (the rest is SQL and a link)."""
    lines = str(exc.orig if exc.orig is not None else exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
