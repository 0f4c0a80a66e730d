"""Hand a committed stage change to Prefect, and read back how its runs went (never waits on either)."""

from __future__ import annotations

import base64
import contextvars
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi import BackgroundTasks

# Imported with this module, not lazily in the request threads: two threads importing Prefect for
# the first time at once failed on its circular imports (seen under load in bench/flows.py).
from prefect.deployments import run_deployment
from prefect.settings import get_current_settings

from policies.core.db import unit_of_work
from policies.core.settings import Settings
from policies.lifecycle import stagework
from policies.lifecycle.models import StageEvent
from policies.lifecycle.stagework import StageWork

logger = logging.getLogger("siklus.dispatch")
STATE_TIMEOUT_SECONDS = 1.0
# One history page asks for at most this many runs in its single call to Prefect.
MAX_STATES = 200


def prefect_api_url() -> str | None:
    """Return the Prefect API the process is pointed at (profile or environment), never an ephemeral one."""
    url = get_current_settings().api.url
    return str(url).rstrip("/") if url else None


def prefect_ui_url(settings: Settings) -> str:
    """Return the Prefect UI's address: the setting, else the API URL without `/api`, else embedded."""
    if settings.prefect_ui_url.strip():
        return settings.prefect_ui_url.strip().rstrip("/")
    api = prefect_api_url()
    if api:
        return api.removesuffix("/api")
    return f"http://127.0.0.1:{settings.prefect_port}"


def run_ui_url(*, settings: Settings, flow_run_id: str | None) -> str | None:
    """Link one flow run in Prefect's UI (None when there is no run)."""
    if not flow_run_id:
        return None
    return f"{prefect_ui_url(settings)}/runs/flow-run/{flow_run_id}"


def dispatch_stage_work(*, settings: Settings, work: StageWork) -> str | None:
    """Ask Prefect to run the stage's deployment; on failure the event stays pending for the dispatcher."""
    if not settings.prefect_enabled or prefect_api_url() is None:
        return None
    try:
        run = run_deployment(
            name=stagework.deployment_name(work.stage),
            parameters=work.parameters,
            timeout=0,
            idempotency_key=work.idempotency_key,
            tags=stagework.run_tags(stage=work.stage, slug=work.slug),
            flow_run_name=stagework.run_name(stage=work.stage, slug=work.slug, cycle=work.cycle),
            as_subflow=False,
        )
    except Exception:  # Prefect down or the deployment not served yet: the dispatcher retries
        logger.warning(
            "Stage work %s of %s left pending for the dispatcher", work.event_id, work.slug, exc_info=True
        )
        return None
    with unit_of_work(settings.database_url) as session:
        stagework.mark_dispatched(session, event_id=work.event_id, flow_run_id=str(run.id))
    return str(run.id)


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


def _auth_headers() -> dict[str, str]:
    api = get_current_settings().api
    if api.key:
        return {"Authorization": f"Bearer {api.key.get_secret_value()}"}
    if api.auth_string:
        token = base64.b64encode(api.auth_string.get_secret_value().encode()).decode()
        return {"Authorization": f"Basic {token}"}
    return {}


def flow_run_states(ids: list[str | None]) -> dict[str, str]:
    """Return each flow run's state name ("Completed") by id in one bounded call; {} if Prefect is silent."""
    wanted = [i for i in dict.fromkeys(ids) if i][-MAX_STATES:]
    url = prefect_api_url()
    if not wanted or url is None:
        return {}
    try:
        response = httpx.post(
            f"{url}/flow_runs/filter",
            json={"flow_runs": {"id": {"any_": wanted}}, "limit": len(wanted)},
            headers=_auth_headers(),
            timeout=STATE_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        runs = response.json()
    except (httpx.HTTPError, ValueError):
        return {}
    return {
        str(run["id"]): str(run.get("state_name") or (run.get("state") or {}).get("name") or "")
        for run in runs
        if isinstance(run, dict) and "id" in run
    }


class StageDispatch:
    """Wrap an action's stage event so its work is dispatched once the request has committed."""

    def __init__(self, background: BackgroundTasks, *, settings: Settings, slug: str) -> None:
        self.background, self.settings, self.slug = background, settings, slug

    def __call__(self, event: StageEvent) -> StageEvent:
        """Schedule the dispatch and hand the event back unchanged."""
        after_commit(self.background, settings=self.settings, event=event, slug=self.slug)
        return event
