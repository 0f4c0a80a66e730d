"""Fixtures: a real database (SQLite, or PostgreSQL when SIKLUS_TEST_DATABASE_URL says so)."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from pydantic import SecretStr
from sqlmodel import Session

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.calendar.models import Holiday
from policies.calendar.skb import seed_rows
from policies.core.db import get_engine, unit_of_work, utcnow
from policies.core.migrate import upgrade
from policies.core.settings import Settings
from policies.tables import metadata

# Any accidental Prefect engine call outside the flow tests' harness must fail fast: no ephemeral
# server, and neither the shell's nor a profile's Prefect server (Prefect's home is a temp dir).
os.environ["PREFECT_SERVER_ALLOW_EPHEMERAL_MODE"] = "false"
for _name in ("PREFECT_API_URL", "PREFECT_API_KEY", "PREFECT_PROFILE"):
    os.environ.pop(_name, None)
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="siklus-test-prefect-")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# argon2id at its full cost takes ~0.1 CPU-second a hash or check, hundreds of times a pass; no real
# password is stored here. The full cost a deployment gets is tested in tests/policies/test_passwords.py.
os.environ["SIKLUS_PASSWORD_HASH_MEMORY_KIB"] = "32"
os.environ["SIKLUS_PASSWORD_HASH_PASSES"] = "1"

NOW = datetime(2026, 8, 17, 7, 30, tzinfo=UTC)
# Where the browser and flow tests live: .ci/lanes collects their lanes from these directories only.
SLOW_HOMES = {name: Path(__file__).parent / name for name in ("browser", "flows")}


def _touches_no_database(item: pytest.Item) -> bool:
    """Tell whether a test provably never reaches the test database, whichever it is.

    Only the `database_url` fixture (under `db`, `settings`, `session`, ...) hands a test the database
    of SIKLUS_TEST_DATABASE_URL; a test without it in its fixtures, whose module never reads that
    variable itself, works the same on either pass (imports, guards, pure functions, CLI help, its own
    temporary SQLite file).
    """
    if "database_url" in getattr(item, "fixturenames", ()):
        return False
    module = getattr(item, "module", None)
    source = Path(module.__file__).read_text(encoding="utf-8") if module and module.__file__ else ""
    return "SIKLUS_TEST_DATABASE_URL" not in source


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the flow tests last: once their session harness starts, Prefect's API stays set for the rest."""
    items.sort(key=lambda item: item.get_closest_marker("flows") is not None)  # stable: order kept
    # `make test` runs these in its SQLite pass only (.ci/lanes deselects them on PostgreSQL): the
    # second pass would repeat exactly the same work. `make test-postgres` alone still runs them.
    for item in items:
        if _touches_no_database(item):
            item.add_marker(pytest.mark.one_database)
        # .ci/lanes collects the browser and flow lanes from these two directories only.
        slow = item.get_closest_marker("browser") or item.get_closest_marker("flows")
        if slow and not item.path.is_relative_to(home := SLOW_HOMES[slow.name]):
            raise pytest.UsageError(f"{item.nodeid}: a {slow.name} test belongs under {home}")
    # The cluster tests run a Prefect server on PostgreSQL, workers and web processes, and kill them:
    # they run when asked for (SIKLUS_CLUSTER_TESTS=1 on PostgreSQL: `make test`'s cluster lane,
    # `make test-cluster`), not in the passes of the other lanes. Left out, not skipped.
    wanted = os.environ.get("SIKLUS_CLUSTER_TESTS") == "1" and os.environ.get(
        "SIKLUS_TEST_DATABASE_URL", ""
    ).startswith("postgresql")
    if not wanted:
        left_out = [item for item in items if item.get_closest_marker("cluster") is not None]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if item.get_closest_marker("cluster") is None]


def _postgres_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    # A test database need not survive a crash: a commit does not wait for its WAL to reach the
    # disk (~10 ms a commit on this machine, and a test commits dozens of times).
    return f"{base}{sep}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate a fresh database for this test session and return its URL."""
    base = os.environ.get("SIKLUS_TEST_DATABASE_URL", "")
    if base.startswith("postgresql"):
        schema = f"siklus_test_{secrets.token_hex(4)}"
        admin = sa.create_engine(base)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = _postgres_url(base, schema)
        upgrade(url)
        yield url
        get_engine(url).dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
    else:
        path: Path = tmp_path_factory.mktemp("db") / "siklus.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        yield url


# Every sequence of the session's own schema starts again at 1, as RESTART IDENTITY would.
_RESTART_SEQUENCES = (
    "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
)


_TABLES = metadata.sorted_tables  # parents before their children
# Tables a migration seeds and every wipe seeds again: no catalogue load writes them.
_SEEDED = {"holiday"}


def _wipe(url: str) -> None:
    engine = get_engine(url)
    tables = [t.name for t in reversed(_TABLES)]
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        # DELETE, not TRUNCATE, on PostgreSQL too: a test leaves a few rows, and TRUNCATE's fixed
        # cost per table (new files, a checkpoint-safe commit) made the wipe ~1 s after every test.
        for table in tables:
            conn.exec_driver_sql(f'DELETE FROM "{table}"')
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(_RESTART_SEQUENCES)
        # The rows migration 0024 seeds (cuti bersama) are data every database starts with.
        conn.execute(Holiday.__table__.insert(), [{**row, "created_at": utcnow()} for row in seed_rows()])  # type: ignore[attr-defined]


@pytest.fixture
def db(database_url: str) -> Iterator[str]:
    """Give a test the migrated database, emptied again after it."""
    yield database_url
    _wipe(database_url)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's data dir (a secret key file and Prefect's home are all that go there)."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture
def settings(db: str, data_dir: Path) -> Settings:
    """Settings for a test: the session's data dir, the test database, no Prefect dispatch."""
    return Settings(
        database_url=db,
        data_dir=data_dir,
        secret_key="test-secret-key-not-for-production",  # type: ignore[arg-type]
        prefect_enabled=False,
        comments_per_minute=1000,
    )


_APPS: dict[str, FastAPI] = {}


def app_for(settings: Settings) -> FastAPI:
    """Return the app for these settings, built once per session like a long-running server's.

    Building one costs ~0.4 s (routes, OpenAPI models); the app holds no state between requests
    (everything is in the database), so the tests share it as real clients share a server.
    """
    key = repr(
        sorted(
            (name, value.get_secret_value() if isinstance(value, SecretStr) else value)
            for name, value in settings.model_dump().items()
        )
    )
    if key not in _APPS:
        from service.app import create_app

        _APPS[key] = create_app(settings)
    return _APPS[key]


@pytest.fixture
def session(db: str) -> Iterator[Session]:
    """A unit of work on the test database, committed when the test body succeeds."""
    with unit_of_work(db) as s:
        yield s


@dataclass(frozen=True)
class _Loaded:
    """The rows a load of the catalogue wrote, table by table (parents first), and when it ran."""

    started_at: datetime
    rows: dict[str, list[dict[str, Any]]]


_CATALOGS: dict[str, _Loaded] = {}


def _rows(url: str) -> dict[str, list[dict[str, Any]]]:
    with get_engine(url).connect() as conn:
        # In key order: without ORDER BY, PostgreSQL returns rows as they lie, which a DELETE and a
        # re-insert may reorder.
        return {
            t.name: [dict(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns)).mappings()]
            for t in _TABLES
            if t.name not in _SEEDED
        }


def _load_catalog(url: str) -> _Loaded:
    from policies.catalog import load_catalog

    before = _rows(url)  # the test's own fixtures may have written first (accounts)
    started_at = utcnow()
    with unit_of_work(url) as s:
        load_catalog(s)
    written = {name: [row for row in found if row not in before[name]] for name, found in _rows(url).items()}
    return _Loaded(started_at=started_at, rows={name: found for name, found in written.items() if found})


def _write_again(url: str, loaded: _Loaded) -> None:
    # Every timestamp of a load is "now" or counted from it, so moving them all by the time since
    # the first load gives the rows a load would write now.
    shift = utcnow() - loaded.started_at
    engine = get_engine(url)
    with engine.begin() as conn:
        for table in _TABLES:
            if table.name not in loaded.rows:
                continue
            conn.execute(
                table.insert(),
                [
                    {k: v + shift if isinstance(v, datetime) else v for k, v in row.items()}
                    for row in loaded.rows[table.name]
                ],
            )
            if engine.dialect.name == "postgresql" and "id" in table.c:
                # Written with their ids: the sequence goes on after them, as after a load.
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), max(id)) "
                    f'FROM "{table.name}"'
                )


@pytest.fixture
def catalog(db: str) -> None:
    """Load the real catalogue of policy kinds and examples.

    The session's first test loads it; later tests get the same rows written again (a load costs
    ~0.2 s on SQLite and ~0.5 s on PostgreSQL, writing its rows back a fraction of that).
    """
    if db not in _CATALOGS:
        _CATALOGS[db] = _load_catalog(db)
    else:
        _write_again(db, _CATALOGS[db])


DRAFTER = Actor(id=None, name="Rina Perancang", role=Role.DRAFTER, unit="BKPSDM Kota Tangerang Selatan")
