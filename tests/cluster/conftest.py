"""The cluster tests: real Prefect servers on PostgreSQL, workers and web processes, killed mid-run.

They need PostgreSQL (Prefect's server on SQLite is not the production picture), so `make test`
runs them in its PostgreSQL pass only: on SQLite they are deselected, and the header says so.
Run them alone with `SIKLUS_TEST_DATABASE_URL=postgresql+psycopg://… pytest -m cluster`.
"""

from __future__ import annotations

import os

import pytest


def _on_postgres() -> bool:
    return os.environ.get("SIKLUS_TEST_DATABASE_URL", "").startswith("postgresql")


def pytest_report_header(config: pytest.Config) -> str:
    """Say whether the cluster tests run in this pass."""
    if _on_postgres():
        return "cluster tests: on PostgreSQL"
    return "cluster tests: deselected (they need SIKLUS_TEST_DATABASE_URL on PostgreSQL)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the cluster tests when the database under test is not PostgreSQL."""
    if _on_postgres():
        return
    cluster = [item for item in items if item.get_closest_marker("cluster") is not None]
    if cluster:
        config.hook.pytest_deselected(items=cluster)
        items[:] = [item for item in items if item.get_closest_marker("cluster") is None]
