"""What every flow task shares: the settings and one unit of work around one domain action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from prefect import Task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.states import State
from prefect.tasks import exponential_backoff
from sqlmodel import Session

# Every table: a served flow's process loads only its own module, and the dispatcher's alone does
# not import the accounts whose key a stage event names, so its first write failed to flush.
import policies.tables  # noqa: F401
from policies.core.db import unit_of_work
from policies.core.settings import Settings, get_settings

T = TypeVar("T")

# Each task is one domain action; a retry re-runs it whole, which is safe because it is idempotent.
# Only a database that could not be reached or answer is retried, and for long enough to ride out a
# restart or a fail-over: 2 + 4 + 8 + 16 + 32 s (about a minute, each ±50 %). A refusal of the
# domain's (a missing consultation window, say) fails at once: asking again changes nothing.
TASK_RETRIES = 5
TASK_RETRY_DELAY_SECONDS = exponential_backoff(backoff_factor=2)(TASK_RETRIES)
TASK_RETRY_JITTER = 0.5


def transient_database_error(exc: BaseException) -> bool:
    """Tell whether an error is the database being unreachable or busy, not a refusal."""
    if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError):
        return True  # connection refused or dropped, server restarting, SQLite's lock not had
    return isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated


def retry_database_errors(task: Task[..., Any], task_run: TaskRun, state: State[Any]) -> bool:
    """Prefect's retry condition: retry a task only when the database failed it."""
    exc = state.data if isinstance(state.data, BaseException) else None
    return exc is not None and transient_database_error(exc)


# Re-running must really re-run: idempotence is the domain's job, not a cache's.
TASK_OPTIONS: dict[str, Any] = {
    "retries": TASK_RETRIES,
    "retry_delay_seconds": TASK_RETRY_DELAY_SECONDS,
    "retry_jitter_factor": TASK_RETRY_JITTER,
    "retry_condition_fn": retry_database_errors,
    "cache_policy": NO_CACHE,
}


def settings() -> Settings:
    """Return the process's settings (the runner's environment says where the database is)."""
    return get_settings()


def in_unit_of_work(action: Callable[..., T], /, **kwargs: Any) -> T:
    """Run one domain action in its own transaction, committed when it returns."""
    with unit_of_work(settings().database_url) as session:
        return action(session, **kwargs)


def with_session(action: Callable[[Session], T]) -> T:
    """Run a callable taking only the session in its own transaction."""
    with unit_of_work(settings().database_url) as session:
        return action(session)
