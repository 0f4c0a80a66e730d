"""Hand a committed stage change to Prefect, and read back how its runs went (never waits on either)."""

from __future__ import annotations

import logging

import httpx
from fastapi import BackgroundTasks

from policies import stagework
from policies.db import unit_of_work
from policies.models import Stage, StageEvent
from policies.settings import Settings

logger = logging.getLogger("siklus.dispatch")
STATE_TIMEOUT_SECONDS = 1.0


def prefect_api_url() -> str | None:
    """Return the Prefect API the process is pointed at, if any (never an ephemeral server)."""
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    return str(url).rstrip("/") if url else None


def dispatch_stage_work(
    *, settings: Settings, event_id: int, slug: str, stage: Stage, cycle: int
) -> str | None:
    """Ask Prefect to run the stage's deployment; on failure the event stays pending for the dispatcher."""
    if not settings.prefect_enabled or prefect_api_url() is None:
        return None
    from prefect.deployments import run_deployment

    try:
        run = run_deployment(
            name=stagework.deployment_name(stage),
            parameters={"event_id": event_id, "slug": slug, "cycle": cycle},
            timeout=0,
            idempotency_key=str(event_id),
            tags=stagework.run_tags(stage=stage, slug=slug),
            flow_run_name=stagework.run_name(stage=stage, slug=slug, cycle=cycle),
            as_subflow=False,
        )
    except Exception:  # Prefect down or the deployment not served yet: the dispatcher retries
        logger.warning("Stage work %s of %s left pending for the dispatcher", event_id, slug, exc_info=True)
        return None
    with unit_of_work(settings.database_url) as session:
        stagework.mark_dispatched(session, event_id=event_id, flow_run_id=str(run.id))
    return str(run.id)


def after_commit(background: BackgroundTasks, *, settings: Settings, event: StageEvent, slug: str) -> None:
    """Dispatch the event's stage work once the response is sent (the commit happened before it)."""
    if not settings.prefect_enabled:
        return
    background.add_task(
        dispatch_stage_work,
        settings=settings,
        event_id=event.id,  # type: ignore[arg-type]
        slug=slug,
        stage=Stage(event.to_stage),
        cycle=event.cycle,
    )


def flow_run_states(ids: list[str]) -> dict[str, str]:
    """Return each flow run's state name (e.g. "Completed") by id; {} when Prefect does not answer."""
    wanted = [i for i in dict.fromkeys(ids) if i]
    url = prefect_api_url()
    if not wanted or url is None:
        return {}
    try:
        response = httpx.post(
            f"{url}/flow_runs/filter",
            json={"flow_runs": {"id": {"any_": wanted}}, "limit": min(len(wanted), 200)},
            timeout=STATE_TIMEOUT_SECONDS,
        )
        response.raise_for_status()
    except httpx.HTTPError:
        return {}
    return {
        str(run["id"]): str(run.get("state_name") or (run.get("state") or {}).get("name") or "")
        for run in response.json()
    }


class StageDispatch:
    """Wrap an action's stage event so its work is dispatched once the request has committed."""

    def __init__(self, background: BackgroundTasks, *, settings: Settings, slug: str) -> None:
        self.background, self.settings, self.slug = background, settings, slug

    def __call__(self, event: StageEvent) -> StageEvent:
        """Schedule the dispatch and hand the event back unchanged."""
        after_commit(self.background, settings=self.settings, event=event, slug=self.slug)
        return event
