"""Alembic environment: the URL comes from the caller's config or from Siklus settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from policies.core.db import create_db_engine
from policies.core.settings import get_settings
from policies.tables import metadata

config = context.config


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    # Our UTC type must be written as itself so migrations keep aware timestamps.
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        autogen_context.imports.add("import policies.core.db")  # type: ignore[attr-defined]
        return "policies.core.db.UTCDateTime()"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=_render_item,
        compare_type=True,
    )


def run() -> None:
    """Run migrations on the given connection, or on a fresh engine."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = create_db_engine(url)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
