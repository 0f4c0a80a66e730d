"""Engines and the unit of work: the one place that commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session

from policies.settings import get_settings

SQLITE_BUSY_TIMEOUT_MS = 15_000
# The largest value of an INTEGER column on PostgreSQL. psycopg binds every integer compared
# with such a column as ::INTEGER, so a larger one is a database error ("integer out of range"),
# never a row: inputs are bounded by it before they reach a query.
MAX_INTEGER = 2**31 - 1


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


def _sqlite_begin(conn: sa.Connection) -> None:
    # Writers take the lock at BEGIN so two of them queue instead of failing on upgrade;
    # readers begin deferred so they never wait for a writer.
    if conn.get_execution_options().get("siklus_readonly"):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_db_engine(url: str) -> Engine:
    """Build an engine with the settings each backend needs."""
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # No pre-ping: a file has no server that could drop the connection, and the ping is a
        # statement on every checkout.
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling is switched off so BEGIN IMMEDIATE is ours.
        sa.event.listen(engine, "connect", lambda c, r: setattr(c, "isolation_level", None))
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    # As many kept connections as request threads: with fewer, every request beyond the pool
    # opened a new PostgreSQL connection and closed it again (a server process each time).
    return sa.create_engine(
        url, pool_pre_ping=True, pool_size=get_settings().db_pool_size, max_overflow=10
    )


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


@contextmanager
def read_session(url: str) -> Iterator[Session]:
    """Open a session for reading only; nothing it does is committed."""
    bind = get_engine(url).execution_options(siklus_readonly=True)
    with Session(bind, expire_on_commit=False) as session:
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
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table).values(**values).on_conflict_do_nothing(index_elements=list(unique))
    return session.execute(stmt.returning(table.c.id)).scalar_one_or_none()
