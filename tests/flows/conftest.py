"""One Prefect test harness for the whole session (entering it costs seconds), only for flow tests."""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import os
import secrets
import socket
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa

from policies.core.settings import Settings, get_settings

T = TypeVar("T")
# Prefect's server migrates its database on its first start: ~20 CPU-seconds, a minute or more of
# wall time beside four other lanes.
STARTUP_SECONDS = 180


def _prefect_database_base() -> str:
    """Return the PostgreSQL server the harness keeps Prefect's database on, or "" for SQLite."""
    for name in ("SIKLUS_TEST_PREFECT_DATABASE_URL", "SIKLUS_TEST_DATABASE_URL"):
        if (url := os.environ.get(name, "")).startswith("postgresql"):
            return url
    return ""


@contextmanager
def _harness_on_postgres(base: str) -> Iterator[None]:
    """Prefect's test harness with its server's database on PostgreSQL: a fresh database, dropped after.

    Prefect's own harness puts it in SQLite, where a worker's run, its heartbeats, logs and events
    and the triggers service write at once: a read-then-write transaction there fails at once with
    "database is locked" (the busy timeout cannot help it), and under load a message failed four
    times in a row went to the dead letters, a run's end unseen and its run crashed 180 s later by
    the zombie automation. PostgreSQL makes writers wait for each other instead, as in production.
    """
    import prefect.context
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.server.database.dependencies import temporary_database_interface
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_DATABASE_CONNECTION_URL, temporary_settings
    from prefect.utilities.asyncutils import run_coro_as_sync

    name = f"siklus_test_prefect_{secrets.token_hex(4)}"
    server_url = sa.make_url(base)
    admin = sa.create_engine(server_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    database = server_url.set(drivername="postgresql+asyncpg", database=name, query={})
    try:
        with (
            temporary_database_interface(),
            temporary_settings({PREFECT_SERVER_DATABASE_CONNECTION_URL: database.render_as_string(False)}),
        ):
            server = SubprocessASGIServer(port=_free_port())
            server.start(timeout=STARTUP_SECONDS)
            try:
                with (
                    temporary_settings({PREFECT_API_URL: server.api_url}),
                    # As Prefect's harness does: contexts copied before it started see it too.
                    prefect.context._temporary_global_settings_context(
                        prefect.context.get_settings_context()
                    ),
                ):
                    yield

                    # Logs and events still queued reach the server before it stops, as in Prefect's harness.
                    async def drain() -> None:
                        with suppress(RuntimeError):  # no log was ever sent: no worker to drain
                            if inspect.isawaitable(logs := APILogWorker.instance().drain()):
                                await logs
                        if inspect.isawaitable(events := EventsWorker.drain_all()):
                            await events

                    run_coro_as_sync(drain())
            finally:
                server.stop()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Run a throwaway Prefect API with its home in a temp dir, telemetry off.

    Its database is a fresh one on PostgreSQL when one is given (SIKLUS_TEST_PREFECT_DATABASE_URL,
    or the tests' own), else Prefect's harness SQLite file.
    """
    os.environ["DO_NOT_TRACK"] = "1"
    from prefect.settings import (
        PREFECT_HOME,
        PREFECT_SERVER_ANALYTICS_ENABLED,
        temporary_settings,
    )
    from prefect.testing.utilities import prefect_test_harness

    home = tmp_path_factory.mktemp("prefect-home")
    base = _prefect_database_base()
    with (
        temporary_settings({PREFECT_HOME: home, PREFECT_SERVER_ANALYTICS_ENABLED: False}),
        _harness_on_postgres(base) if base else prefect_test_harness(server_startup_timeout=STARTUP_SECONDS),
    ):
        yield


@pytest.fixture
def flow_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Point the flows' own settings (read from the environment) at the test database."""
    monkeypatch.setenv("SIKLUS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SIKLUS_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("SIKLUS_SMTP_HOST", "")
    monkeypatch.setenv("SIKLUS_PREFECT_ENABLED", "false")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def in_thread(func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Call in a fresh thread with this context (Prefect's settings): some session fixtures (Playwright's
    sync API) keep an event loop running in the main thread, where asyncio.run and Prefect's sync
    calls would refuse or hand back coroutines."""
    ctx = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(ctx.run, func, *args, **kwargs).result()


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on its own loop, off the main thread."""
    return in_thread(asyncio.run, coro)


async def _clear_unfinished_runs() -> int:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
    from prefect.client.schemas.objects import StateType

    waiting = FlowRunFilter(
        state=FlowRunFilterState(
            type=FlowRunFilterStateType(any_=[StateType.SCHEDULED, StateType.PENDING, StateType.RUNNING])
        )
    )
    async with get_client() as client:
        runs = await client.read_flow_runs(flow_run_filter=waiting)
        for run in runs:
            await client.delete_flow_run(run.id)
    return len(runs)


def clear_unfinished_runs() -> int:
    """Delete the harness's runs that never ran: a runner or worker started later must not run them
    against another test's rows (event ids restart once the database is emptied)."""
    return run_async(_clear_unfinished_runs())


def register_deployments() -> None:
    """Register every deployment on the harness, as the runner does on start (no one runs them)."""
    from flows.runner import deployments

    def register() -> None:
        for deployment in deployments(Settings()):
            deployment.apply()

    in_thread(register)
