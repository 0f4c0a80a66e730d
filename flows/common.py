"""What every flow task shares: the settings and one unit of work around one domain action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from prefect.cache_policies import NO_CACHE
from sqlmodel import Session

# Every table: a served flow's process loads only its own module, and the dispatcher's alone does
# not import the accounts whose key a stage event names, so its first write failed to flush.
import policies.tables  # noqa: F401
from policies.core.db import unit_of_work
from policies.core.settings import Settings, get_settings

T = TypeVar("T")

# Each task is one domain action; a retry re-runs it whole, which is safe because it is idempotent.
TASK_RETRIES = 2
TASK_RETRY_DELAY_SECONDS = 1
# Re-running must really re-run: idempotence is the domain's job, not a cache's.
TASK_OPTIONS: dict[str, Any] = {
    "retries": TASK_RETRIES,
    "retry_delay_seconds": TASK_RETRY_DELAY_SECONDS,
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
