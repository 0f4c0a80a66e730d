"""Fixtures: a real database (SQLite, or PostgreSQL when SIKLUS_TEST_DATABASE_URL says so)."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from pydantic import SecretStr
from sqlmodel import Session

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import get_engine, unit_of_work
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

NOW = datetime(2026, 8, 17, 7, 30, tzinfo=UTC)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the flow tests last: once their session harness starts, Prefect's API stays set for the rest."""
    items.sort(key=lambda item: item.get_closest_marker("flows") is not None)  # stable: order kept


def _postgres_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


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


def _wipe(url: str) -> None:
    engine = get_engine(url)
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
            )
        else:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            for table in tables:
                conn.exec_driver_sql(f'DELETE FROM "{table}"')


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


@pytest.fixture
def catalog(db: str) -> None:
    """Load the real catalogue of policy kinds and examples."""
    from policies.catalog import load_catalog

    with unit_of_work(db) as s:
        load_catalog(s)


DRAFTER = Actor(id=None, name="Rina Perancang", role=Role.DRAFTER, unit="BKPSDM Kota Tangerang Selatan")
