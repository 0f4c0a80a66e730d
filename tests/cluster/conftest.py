"""The cluster tests: real Prefect servers on PostgreSQL, workers and web processes, killed mid-run.

They need PostgreSQL (Prefect's server on SQLite is not the production picture), so they run when
SIKLUS_CLUSTER_TESTS=1 and SIKLUS_TEST_DATABASE_URL is PostgreSQL: `make test`'s cluster lane
(.ci/lanes), `make test-cluster` alone, or `pytest -m cluster tests/cluster`; in the other lanes
tests/conftest.py leaves them out (deselected, not skipped).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.cluster.cluster import PrefectTemplate, postgres_base


def pytest_report_header(config: pytest.Config) -> str:
    """Say whether the cluster tests run in this pass."""
    on_postgres = os.environ.get("SIKLUS_TEST_DATABASE_URL", "").startswith("postgresql")
    if on_postgres and os.environ.get("SIKLUS_CLUSTER_TESTS") == "1":
        return "cluster tests: on PostgreSQL"
    return "cluster tests: left out (make test's cluster lane and make test-cluster run them on PostgreSQL)"


@pytest.fixture(scope="session")
def prefect_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectTemplate]:
    """Prefect's migrations, run once a session in the background; each test clones the result."""
    base = postgres_base()
    assert base, "the cluster tests run on PostgreSQL (SIKLUS_TEST_DATABASE_URL)"
    template = PrefectTemplate(base, home=tmp_path_factory.mktemp("prefect-template"))
    yield template
    template.drop()
