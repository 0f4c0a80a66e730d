"""One async flow per stage: the stage's entry work as tasks, each one idempotent domain action."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from prefect import Flow, Task, flow, get_run_logger, tags, task
from prefect.artifacts import acreate_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import SyncClientContext, TagsContext
from prefect.runtime import flow_run as current_run
from prefect.settings import get_current_settings

from flows.common import TASK_RETRIES, TASK_RETRY_DELAY_SECONDS, in_unit_of_work, with_session
from policies.core.db import utcnow
from policies.drafting import revision
from policies.evaluation import recommend
from policies.lifecycle import entry_work as stage_actions
from policies.lifecycle import stagework
from policies.lifecycle.models import Stage


def _task(name: str) -> Callable[[Callable[..., str]], Task[..., str]]:
    return task(
        name=name,
        retries=TASK_RETRIES,
        retry_delay_seconds=TASK_RETRY_DELAY_SECONDS,
        # Re-running must really re-run: idempotence is the domain's job, not a cache's.
        cache_policy=NO_CACHE,
    )


def _run_id() -> str:
    return str(current_run.id or "")


@task(
    name="begin-stage-work",
    retries=TASK_RETRIES,
    retry_delay_seconds=TASK_RETRY_DELAY_SECONDS,
    cache_policy=NO_CACHE,
)
def begin_stage_work(event_id: int) -> bool:
    """Record this run on the stage event; refuse work the policy has moved past."""

    def act(session: Any) -> bool:
        if stagework.is_superseded(session, event_id=event_id):
            stagework.mark_superseded(session, event_id=event_id)
            return False
        stagework.mark_dispatched(session, event_id=event_id, flow_run_id=_run_id())
        return True

    return with_session(act)


@task(
    name="finish-stage-work",
    retries=TASK_RETRIES,
    retry_delay_seconds=TASK_RETRY_DELAY_SECONDS,
    cache_policy=NO_CACHE,
)
def finish_stage_work(event_id: int) -> None:
    """Mark the stage's work done."""
    in_unit_of_work(stagework.mark_done, event_id=event_id, flow_run_id=_run_id())


@_task("create-working-version")
def create_working_version(slug: str) -> str:
    """Give the cycle its working draft."""
    return in_unit_of_work(stage_actions.ensure_working_version, slug=slug)


@_task("invite-workshop-participants")
def invite_workshop_participants(slug: str) -> str:
    """Invite ASN and unions to the workshops."""
    return in_unit_of_work(stage_actions.invite_workshop_participants, slug=slug, now=utcnow())


@_task("render-agenda")
def render_agenda(slug: str) -> str:
    """Render the workshop agenda."""
    return in_unit_of_work(stage_actions.render_agenda, slug=slug)


@_task("freeze-version")
def freeze_version(slug: str) -> str:
    """Freeze the version put to consultation."""
    return in_unit_of_work(stage_actions.freeze_consultation_version, slug=slug, now=utcnow())


@_task("render-consultation-document")
def render_consultation_document(slug: str) -> str:
    """Render the consultation document."""
    return in_unit_of_work(stage_actions.render_consultation_document, slug=slug)


@_task("notify-stakeholders")
def notify_stakeholders(slug: str) -> str:
    """Tell stakeholders the consultation is open."""
    return in_unit_of_work(stage_actions.notify_consultation_open, slug=slug, now=utcnow())


@_task("schedule-closing-reminder")
def schedule_closing_reminder(slug: str) -> str:
    """Schedule the reminder before the window closes."""
    return in_unit_of_work(stage_actions.schedule_closing_reminder, slug=slug, now=utcnow())


@_task("render-adopted-text")
def render_adopted_text(slug: str) -> str:
    """Render the adopted text."""
    return in_unit_of_work(stage_actions.render_adopted_text, slug=slug)


@_task("render-socialization-kit")
def render_socialization_kit(slug: str) -> str:
    """Render the socialization kit."""
    return in_unit_of_work(stage_actions.render_socialization_kit, slug=slug)


@_task("notify-affected-units")
def notify_affected_units(slug: str) -> str:
    """Tell the affected civil servants about the adoption."""
    return in_unit_of_work(stage_actions.notify_affected_units, slug=slug, now=utcnow())


@_task("request-acknowledgements")
def request_acknowledgements(slug: str) -> str:
    """Ask for read confirmations in the inbox."""
    return in_unit_of_work(stage_actions.request_acknowledgements, slug=slug, now=utcnow())


@_task("open-survey-round")
def open_survey_round(slug: str) -> str:
    """Open the cycle's first survey round."""
    return in_unit_of_work(stage_actions.open_evaluation_round, slug=slug, now=utcnow())


@_task("invite-respondents")
def invite_respondents(slug: str) -> str:
    """Queue respondents' invitations and reminders."""
    return in_unit_of_work(stage_actions.invite_respondents, slug=slug, now=utcnow())


@_task("notify-evaluation-opened")
def notify_evaluation_opened(slug: str) -> str:
    """Tell the drafters the evaluation started."""
    return in_unit_of_work(stage_actions.notify_evaluation_opened, slug=slug, now=utcnow())


@_task("start-revision-draft")
def start_revision_draft(slug: str) -> str:
    """Start the next cycle's draft from the adopted text."""
    return in_unit_of_work(revision.start_revision_draft, slug=slug)


@_task("attach-revision-notes")
def attach_revision_notes(slug: str) -> str:
    """Attach comments, workshop outcomes and missed indicators as revision notes."""
    return in_unit_of_work(revision.attach_revision_notes, slug=slug)


@_task("attach-recommendation-notes")
def attach_recommendation_notes(slug: str) -> str:
    """Attach each reason of the last evaluation's revision recommendation as a revision note."""
    added = in_unit_of_work(recommend.attach_recommendations, slug=slug)
    return f"Catatan revisi dari rekomendasi evaluasi: {added} baru."


@_task("notify-revision-started")
def notify_revision_started(slug: str) -> str:
    """Tell the drafters the revision draft is ready."""
    return in_unit_of_work(stage_actions.notify_revision_started, slug=slug, now=utcnow())


@_task("cancel-reminders")
def cancel_reminders(slug: str) -> str:
    """Cancel the withdrawn policy's pending reminders."""
    return in_unit_of_work(stage_actions.cancel_policy_reminders, slug=slug)


@_task("notify-withdrawal")
def notify_withdrawal(slug: str, event_id: int) -> str:
    """Tell everyone involved that the policy is withdrawn."""
    return in_unit_of_work(stage_actions.notify_withdrawal, slug=slug, event_id=event_id, now=utcnow())


STEPS: dict[Stage, list[Task[..., str]]] = {
    Stage.DRAFTING: [create_working_version],
    Stage.WORKSHOP: [invite_workshop_participants, render_agenda],
    Stage.CONSULTATION: [
        freeze_version,
        render_consultation_document,
        notify_stakeholders,
        schedule_closing_reminder,
    ],
    Stage.SOCIALIZATION: [
        render_adopted_text,
        render_socialization_kit,
        notify_affected_units,
        request_acknowledgements,
    ],
    Stage.EVALUATION: [open_survey_round, invite_respondents, notify_evaluation_opened],
    Stage.REVISION: [
        start_revision_draft,
        attach_revision_notes,
        attach_recommendation_notes,
        notify_revision_started,
    ],
    Stage.WITHDRAWN: [cancel_reminders, notify_withdrawal],
}

NEEDS_EVENT = (notify_withdrawal,)


async def run_stage(stage: Stage, *, event_id: int, slug: str, cycle: int) -> list[str]:
    """Run a stage's steps for one stage event and publish what they did as an artifact."""
    logger = get_run_logger()
    # One sync client for all the flow's sync tasks: otherwise each task builds its own (TLS setup
    # included), which dominated a stage flow's wall time in profiles. The tasks carry no tags (the
    # flow run carries the policy's): Prefect asks the server for a tag concurrency slot, and gives
    # it back, for every tag of every task run, two round trips per task on the server's database.
    with SyncClientContext.get_or_create(), TagsContext(current_tags=set()):
        if not begin_stage_work(event_id):
            logger.info(
                "Kebijakan %s sudah pindah tahap; pekerjaan tahap %s tidak lagi diperlukan.", slug, stage
            )
            return []
        lines: list[str] = []
        try:
            for step in STEPS[stage]:
                kwargs: dict[str, Any] = {"slug": slug}
                if step in NEEDS_EVENT:
                    kwargs["event_id"] = event_id
                line = step(**kwargs)
                logger.info(line)
                lines.append(line)
            # The summary goes out before the work is marked done, so a lost artifact is no "done".
            await _publish_summary(stage, event_id=event_id, slug=slug, cycle=cycle, lines=lines)
        except Exception:
            in_unit_of_work(stagework.mark_failed, event_id=event_id, flow_run_id=_run_id())
            raise
        finish_stage_work(event_id)
    return lines


async def _publish_summary(stage: Stage, *, event_id: int, slug: str, cycle: int, lines: list[str]) -> None:
    name = stagework.run_name(stage=stage, slug=slug, cycle=cycle)
    await acreate_markdown_artifact(
        key=stagework.artifact_key(slug=slug, stage=stage),
        markdown=f"# {name}\n\nPeristiwa tahap #{event_id}, {utcnow():%Y-%m-%d %H:%M} UTC\n\n"
        + "\n".join(f"- {line}" for line in lines)
        + "\n",
        description=f"Pekerjaan tahap {stage.value} untuk {slug} (siklus {cycle})",
    )


def _stage_flow(stage: Stage) -> Flow[..., Any]:
    async def stage_work(event_id: int, slug: str, cycle: int) -> list[str]:
        return await run_stage(stage, event_id=event_id, slug=slug, cycle=cycle)

    stage_work.__doc__ = f"Do the entry work of the {stage.value} stage for one stage event."
    stage_work.__name__ = stage_work.__qualname__ = f"stage_{stage.value}"
    return flow(
        name=stagework.flow_name(stage),
        flow_run_name=f"{stage.value}/{{slug}}/cycle-{{cycle}}",
        description=stage_work.__doc__,
        validate_parameters=True,
        # Nothing is persisted (no task caches); naming Prefect's own local default spares each run
        # a client and a round trip asking the server for a default storage block.
        result_storage=Path(get_current_settings().results.local_storage_path),
    )(stage_work)


# Module-level names, so a served deployment's entrypoint (`flows/stages.py:stage_consultation`) loads.
stage_drafting = _stage_flow(Stage.DRAFTING)
stage_workshop = _stage_flow(Stage.WORKSHOP)
stage_consultation = _stage_flow(Stage.CONSULTATION)
stage_socialization = _stage_flow(Stage.SOCIALIZATION)
stage_evaluation = _stage_flow(Stage.EVALUATION)
stage_revision = _stage_flow(Stage.REVISION)
stage_withdrawn = _stage_flow(Stage.WITHDRAWN)

STAGE_FLOWS: dict[Stage, Flow[..., Any]] = {
    Stage.DRAFTING: stage_drafting,
    Stage.WORKSHOP: stage_workshop,
    Stage.CONSULTATION: stage_consultation,
    Stage.SOCIALIZATION: stage_socialization,
    Stage.EVALUATION: stage_evaluation,
    Stage.REVISION: stage_revision,
    Stage.WITHDRAWN: stage_withdrawn,
}


async def run_stage_flow(stage: Stage | str, *, event_id: int, slug: str, cycle: int) -> list[str]:
    """Run a stage's flow in this process, tagged as a deployment run would be (tests, bench, CLI)."""
    stage = Stage(stage)
    # One sync client for the whole run: the engine resolves the result storage twice, each time
    # through a sync client of its own otherwise (a TLS context built for each, ~25 ms apiece).
    with SyncClientContext.get_or_create(), tags(*stagework.run_tags(stage=stage, slug=slug)):
        return await STAGE_FLOWS[stage](event_id=event_id, slug=slug, cycle=cycle)
