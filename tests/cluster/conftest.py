"""The cluster tests: real Prefect servers on PostgreSQL, workers and web processes, killed mid-run.

They need PostgreSQL (Prefect's server on SQLite is not the production picture) and take minutes
each on two cores, so `make test-cluster` runs them (SIKLUS_CLUSTER_TESTS=1 with
SIKLUS_TEST_DATABASE_URL on PostgreSQL); `make test` leaves them out (tests/conftest.py).
"""

from __future__ import annotations

import os

import pytest


def pytest_report_header(config: pytest.Config) -> str:
    """Say whether the cluster tests run in this pass."""
    on_postgres = os.environ.get("SIKLUS_TEST_DATABASE_URL", "").startswith("postgresql")
    if on_postgres and os.environ.get("SIKLUS_CLUSTER_TESTS") == "1":
        return "cluster tests: on PostgreSQL"
    return "cluster tests: left out (make test-cluster runs them on PostgreSQL)"
