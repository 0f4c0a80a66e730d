"""One Prefect test harness for the whole session (entering it costs seconds), only for flow tests."""

from __future__ import annotations

import asyncio
import contextvars
import os
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from policies.core.settings import Settings, get_settings

T = TypeVar("T")


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Run a throwaway Prefect API with its home and database in a temp dir, telemetry off."""
    os.environ["DO_NOT_TRACK"] = "1"
    from prefect.settings import (
        PREFECT_HOME,
        PREFECT_SERVER_ANALYTICS_ENABLED,
        temporary_settings,
    )
    from prefect.testing.utilities import prefect_test_harness

    home = tmp_path_factory.mktemp("prefect-home")
    with (
        temporary_settings({PREFECT_HOME: home, PREFECT_SERVER_ANALYTICS_ENABLED: False}),
        prefect_test_harness(server_startup_timeout=60),
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
