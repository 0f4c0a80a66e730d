"""Hand a committed stage change to Prefect once the request has committed (the request never waits)."""

from __future__ import annotations

import contextvars
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi import BackgroundTasks

from flows.orchestration import CLIENT_ENV as CLIENT_ENV
from flows.orchestration import prefect_api_url as prefect_api_url
from flows.orchestration import run_ui_url as run_ui_url

# The one exception to "service never imports flows": Prefect's vocabulary, shared with the
# dispatcher so the stage's run is named and started in one place (see its docstring).
from flows.orchestration import start_stage_run
from policies.core.db import unit_of_work
from policies.core.settings import Settings
from policies.lifecycle import stagework
from policies.lifecycle.models import StageEvent
from policies.lifecycle.stagework import StageWork

logger = logging.getLogger("siklus.dispatch")


def dispatch_stage_work(*, settings: Settings, work: StageWork) -> str | None:
    """Ask Prefect to run the stage's deployment; on failure the event stays pending for the dispatcher."""
    if not settings.prefect_enabled or prefect_api_url() is None:
        return None
    try:
        run = start_stage_run(work)
    except Exception:  # Prefect down or the deployment not served yet: the dispatcher retries
        logger.warning(
            "Stage work %s of %s left pending for the dispatcher", work.event_id, work.slug, exc_info=True
        )
        return None
    with unit_of_work(settings.database_url) as session:
        stagework.record_dispatch(
            session,
            event_id=work.event_id,
            flow_run_id=run.flow_run_id,
            run_state=run.name,
            run_state_at=run.at,
        )
    return run.flow_run_id


# Dispatches run beside the request cycle, not in it: a background task holds its keep-alive
# connection until it ends, so the client's next request would wait for Prefect's answer. A
# dispatch lost with the process is no loss: the work stays pending and the dispatcher starts it.
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _detach(*, settings: Settings, work: StageWork) -> None:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="siklus-dispatch")
        # In the request's context, as a background task would be (Prefect's settings live there).
        _executor.submit(contextvars.copy_context().run, dispatch_stage_work, settings=settings, work=work)


def drain() -> None:
    """Wait for the dispatches in flight (on shutdown, so a clean stop loses none)."""
    global _executor
    with _executor_lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=True)


def after_commit(background: BackgroundTasks, *, settings: Settings, event: StageEvent, slug: str) -> None:
    """Dispatch the event's stage work once the response is sent (the commit happened before it)."""
    if not settings.prefect_enabled:
        return
    # Read the event now: after the commit the request's objects are no longer to be used.
    background.add_task(_detach, settings=settings, work=stagework.work_of(event, slug=slug))


class StageDispatch:
    """Wrap an action's stage event so its work is dispatched once the request has committed."""

    def __init__(self, background: BackgroundTasks, *, settings: Settings, slug: str) -> None:
        self.background, self.settings, self.slug = background, settings, slug

    def __call__(self, event: StageEvent) -> StageEvent:
        """Schedule the dispatch and hand the event back unchanged."""
        after_commit(self.background, settings=self.settings, event=event, slug=self.slug)
        return event
