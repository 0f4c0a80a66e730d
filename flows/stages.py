"""One async flow per stage, generated from the stage specification: each entry-work step one task."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from prefect import Flow, Task, flow, get_run_logger, tags, task
from prefect.artifacts import acreate_markdown_artifact
from prefect.client.schemas.objects import FlowRun
from prefect.context import SyncClientContext, TagsContext
from prefect.runtime import flow_run as current_run
from prefect.settings import get_current_settings
from prefect.states import State

from flows import orchestration
from flows.common import TASK_OPTIONS, in_unit_of_work, with_session
from policies.core.db import utcnow
from policies.lifecycle import stagework
from policies.lifecycle.models import Stage
from policies.lifecycle.spec import SPEC, Step

# The summary artifact is asked for this many times (each on top of the client's own retries of 5xx).
ARTIFACT_ATTEMPTS = 3
ARTIFACT_RETRY_SECONDS = 2.0


def _run_id() -> str:
    return str(current_run.id or "")


@task(name="begin-stage-work", **TASK_OPTIONS)
def begin_stage_work(event_id: int) -> None:
    """Record this run on the stage event (the work runs whatever the policy's stage by now)."""

    def act(session: Any) -> None:
        stagework.mark_dispatched(session, event_id=event_id, flow_run_id=_run_id())
        stagework.record_run_state(
            session, event_id=event_id, flow_run_id=_run_id(), state=orchestration.RUNNING
        )

    with_session(act)


@task(name="finish-stage-work", **TASK_OPTIONS)
def finish_stage_work(event_id: int, steps: list[str]) -> None:
    """Mark the stage's work done (retired, when every step was obsolete)."""

    def act(session: Any) -> None:
        stagework.mark_done(session, event_id=event_id, flow_run_id=_run_id(), steps=steps)
        stagework.record_run_state(
            session, event_id=event_id, flow_run_id=_run_id(), state=orchestration.COMPLETED
        )

    with_session(act)


@task(**TASK_OPTIONS)
def entry_step(step: Step, slug: str, event_id: int) -> str:
    """Run one step of a stage's entry work in its own transaction (or retire it, if truly obsolete)."""
    # The slug is a parameter for Prefect's UI only: the step reads the policy off its event.
    return in_unit_of_work(stagework.run_step, step=step, event_id=event_id, now=utcnow())


# Each step of each stage's entry work as the generic task, named after the step for Prefect's UI.
STEP_TASKS: dict[Stage, list[tuple[Step, Task[..., str]]]] = {
    stage: [(step, entry_step.with_options(name=step.name)) for step in spec.entry_work]
    for stage, spec in SPEC.items()
}


def run_steps(stage: Stage, *, slug: str, event_id: int) -> list[str]:
    """Run a stage's entry work in order, one task per step, and say what each did."""
    logger = get_run_logger()
    lines: list[str] = []
    for step, step_task in STEP_TASKS[stage]:
        line = step_task(step, slug, event_id)
        logger.info(line)
        lines.append(line)
    return lines


async def run_stage(stage: Stage, *, event_id: int, slug: str, cycle: int) -> list[str]:
    """Run a stage's steps for one stage event and publish what they did as an artifact."""
    # One sync client for all the flow's sync tasks: otherwise each task builds its own (TLS setup
    # included), which dominated a stage flow's wall time in profiles. The tasks carry no tags (the
    # flow run carries the policy's): Prefect asks the server for a tag concurrency slot, and gives
    # it back, for every tag of every task run, two round trips per task on the server's database.
    with SyncClientContext.get_or_create(), TagsContext(current_tags=set()):
        begin_stage_work(event_id)
        # A step that fails (after its retries) fails the run, and the work stays dispatched: the
        # dispatcher retries the run, which resumes at the first step not done (docs/recovery.md).
        lines = run_steps(stage, slug=slug, event_id=event_id)
        # The summary is a courtesy: the work is done whether or not Prefect stores it.
        await publish_summary(stage, event_id=event_id, slug=slug, cycle=cycle, lines=lines)
        finish_stage_work(event_id, [step.name for step, _ in STEP_TASKS[stage]])
    return lines


async def publish_summary(
    stage: Stage, *, event_id: int, slug: str, cycle: int, lines: list[str], attempts: int = ARTIFACT_ATTEMPTS
) -> bool:
    """Publish the summary artifact, asking again after a failure, logging its loss; tell if it went out."""
    for attempt in range(1, attempts + 1):
        try:
            await _publish_summary(stage, event_id=event_id, slug=slug, cycle=cycle, lines=lines)
            return True
        except Exception as exc:  # a server error after the client's own retries, or an unreachable API
            if attempt == attempts:
                get_run_logger().warning(
                    "The summary artifact of stage event %s was lost after %s attempts (%s); the work is "
                    "done and recorded, only its summary in Prefect's UI is missing.",
                    event_id,
                    attempts,
                    exc,
                )
                return False
            await asyncio.sleep(ARTIFACT_RETRY_SECONDS * attempt)
    return False


async def _publish_summary(stage: Stage, *, event_id: int, slug: str, cycle: int, lines: list[str]) -> None:
    name = orchestration.run_name(stage=stage, slug=slug, cycle=cycle)
    await acreate_markdown_artifact(
        key=orchestration.artifact_key(slug=slug, stage=stage),
        markdown=f"# {name}\n\nPeristiwa tahap #{event_id}, {utcnow():%Y-%m-%d %H:%M} UTC\n\n"
        + "\n".join(f"- {line}" for line in lines)
        + "\n",
        description=f"Pekerjaan tahap {stage.value} untuk {slug} (siklus {cycle})",
    )


def _record_final_state(_flow: Flow[..., Any], run: FlowRun, state: State) -> None:
    """Record how a run ended when it did not complete (failed, crashed, cancelled) on its event."""
    event_id = run.parameters.get("event_id")
    if isinstance(event_id, int):
        in_unit_of_work(
            stagework.record_run_state,
            event_id=event_id,
            flow_run_id=str(run.id),
            state=state.name,
            at=state.timestamp,
        )


def _stage_flow(stage: Stage) -> Flow[..., Any]:
    async def stage_work(event_id: int, slug: str, cycle: int) -> list[str]:
        return await run_stage(stage, event_id=event_id, slug=slug, cycle=cycle)

    stage_work.__doc__ = f"Do the entry work of the {stage.value} stage for one stage event."
    stage_work.__name__ = stage_work.__qualname__ = f"stage_{stage.value}"
    return flow(
        name=orchestration.flow_name(stage),
        # Prefect fills in the run's own parameters.
        flow_run_name=orchestration.RUN_NAME.format(stage=stage.value, slug="{slug}", cycle="{cycle}"),
        description=stage_work.__doc__,
        validate_parameters=True,
        # Nothing is persisted (no task caches); naming Prefect's own local default spares each run
        # a client and a round trip asking the server for a default storage block.
        result_storage=Path(get_current_settings().results.local_storage_path),
        on_failure=[_record_final_state],
        on_crashed=[_record_final_state],
        on_cancellation=[_record_final_state],
    )(stage_work)


# Module-level names, so a served deployment's entrypoint (`flows/stages.py:stage_consultation`) loads.
STAGE_FLOWS: dict[Stage, Flow[..., Any]] = {stage: _stage_flow(stage) for stage in SPEC}
stage_drafting = STAGE_FLOWS[Stage.DRAFTING]
stage_workshop = STAGE_FLOWS[Stage.WORKSHOP]
stage_consultation = STAGE_FLOWS[Stage.CONSULTATION]
stage_socialization = STAGE_FLOWS[Stage.SOCIALIZATION]
stage_evaluation = STAGE_FLOWS[Stage.EVALUATION]
stage_revision = STAGE_FLOWS[Stage.REVISION]
stage_withdrawn = STAGE_FLOWS[Stage.WITHDRAWN]


async def run_stage_flow(stage: Stage | str, *, event_id: int, slug: str, cycle: int) -> list[str]:
    """Run a stage's flow in this process, tagged as a deployment run would be (tests, bench, CLI)."""
    stage = Stage(stage)
    # One sync client for the whole run: the engine resolves the result storage twice, each time
    # through a sync client of its own otherwise (a TLS context built for each, ~25 ms apiece).
    with SyncClientContext.get_or_create(), tags(*orchestration.run_tags(stage=stage, slug=slug)):
        return await STAGE_FLOWS[stage](event_id=event_id, slug=slug, cycle=cycle)
