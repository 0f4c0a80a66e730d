"""The migrated schema matches the models (no drift), on the database under test."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from policies.core.db import get_engine
from policies.core.migrate import current_revision, head_revision
from policies.tables import metadata


def test_database_is_at_head(db: str) -> None:
    assert current_revision(db) == head_revision()


def test_models_and_migrations_do_not_drift(db: str) -> None:
    with get_engine(db).connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    assert diff == []
