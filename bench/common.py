"""What the benches share: a free port, a nearest-rank percentile, whether PostgreSQL answers, and a
throwaway database (a PostgreSQL schema dropped afterwards, or a temporary SQLite file)."""

from __future__ import annotations

import secrets
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    """Return the value at share `q` of the sorted values (nearest rank over n - 1 steps)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def postgres_reachable() -> bool:
    """Tell whether a PostgreSQL server answers on 127.0.0.1:5432."""
    try:
        socket.create_connection(("127.0.0.1", 5432), 2).close()
        return True
    except OSError:
        return False


@contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """Yield `base` pointed at a fresh schema of its own, dropped with everything in it afterwards."""
    schema = f"siklus_bench_{secrets.token_hex(4)}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@contextmanager
def scratch_database(database_url: str) -> Iterator[str]:
    """Yield a throwaway schema of a PostgreSQL `database_url`, or else a temporary SQLite file's URL."""
    if database_url.startswith("postgresql"):
        with postgres_schema(database_url) as url:
            yield url
    else:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
