"""Real stage flows on a real Prefect API: a catalogue policy walked through every stage and back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from sqlmodel import select

from flows import orchestration, stages
from flows.stages import run_stage_flow
from policies.core.db import unit_of_work
from policies.core.settings import Settings
from policies.drafting.models import RevisionNote
from policies.lifecycle.models import Stage, StageDocument, StageEvent, WorkState
from policies.lifecycle.spec import SPEC, Step
from policies.outbox.models import DeliveryState, Reminder
from tests import lifecycle_walk as walk
from tests.flows.conftest import run_async
from tests.lifecycle_walk import SLUG

pytestmark = [pytest.mark.flows, pytest.mark.usefixtures("prefect_harness")]


async def _artifacts(key: str) -> list[Any]:
    async with get_client() as client:
        return await client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))


async def _flow_run(run_id: str) -> Any:
    async with get_client() as client:
        return await client.read_flow_run(run_id)


def _run_twice(db: str, stage: Stage) -> tuple[list[str], StageEvent]:
    event = walk.latest_event(db)
    assert event.to_stage == stage
    since = datetime.now(UTC)  # earlier tests' runs left artifacts under the same policy key
    lines = run_async(run_stage_flow(stage, event_id=event.id, slug=SLUG, cycle=event.cycle))  # type: ignore[arg-type]
    before = walk.snapshot(db)
    again = run_async(run_stage_flow(stage, event_id=event.id, slug=SLUG, cycle=event.cycle))  # type: ignore[arg-type]
    assert walk.snapshot(db) == before, f"running the {stage} flow twice changed the database"
    assert len(again) == len(lines)
    done = walk.latest_event(db)
    assert done.work_state == WorkState.DONE and done.flow_run_id
    assert done.flow_run_state == "Completed"  # recorded by the flow: pages read it without Prefect
    run = run_async(_flow_run(done.flow_run_id))
    assert run.name == orchestration.run_name(stage=stage, slug=SLUG, cycle=event.cycle)
    assert set(orchestration.run_tags(stage=stage, slug=SLUG)) <= set(run.tags)
    assert run.state.is_completed()
    # One artifact version per run under the policy's key; the first says what the work did.
    found = run_async(_artifacts(orchestration.artifact_key(slug=SLUG, stage=stage)))
    versions = [a.data for a in found if run.name in a.data and a.created >= since]
    assert len(versions) == 2
    assert any(lines[0] in v for v in versions) and any(again[0] in v for v in versions)
    return lines, done


def test_walk_every_stage_and_back_through_revision(db: str, catalog: None, flow_settings: Settings) -> None:
    people = walk.add_people(db)
    actor, c = walk.drafter(people), walk.clock()

    _run_twice(db, Stage.DRAFTING)
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    _run_twice(db, Stage.WORKSHOP)
    walk.prepare_consultation(db, actor=actor, c=c)
    walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.start)
    lines, _ = _run_twice(db, Stage.CONSULTATION)
    assert lines[0].startswith("Versi") and "dibekukan" in lines[0]

    comment_id = walk.add_comment(db, c=c)
    walk.prepare_socialization(db, actor=actor, c=c, comment_id=comment_id)
    walk.advance(db, Stage.SOCIALIZATION, actor=actor, now=c.closed)
    _run_twice(db, Stage.SOCIALIZATION)
    walk.prepare_evaluation(db, actor=actor, c=c)
    walk.advance(db, Stage.EVALUATION, actor=actor, now=c.closed)
    _run_twice(db, Stage.EVALUATION)
    walk.prepare_revision(db, c=c)
    walk.advance(db, Stage.REVISION, actor=actor, now=c.evaluated)
    _run_twice(db, Stage.REVISION)
    walk.advance(db, Stage.DRAFTING, actor=actor, now=c.evaluated)
    _run_twice(db, Stage.DRAFTING)
    walk.advance(db, Stage.WITHDRAWN, actor=actor, now=c.evaluated, reason="Digantikan peraturan baru.")
    _run_twice(db, Stage.WITHDRAWN)

    with unit_of_work(db) as s:
        templates = {r.template for r in s.exec(select(Reminder))}
        assert {
            "workshop_invitation",
            "consultation_opened",
            "consultation_closing",
            "policy_adopted",
            "acknowledgement_request",
            "evaluation_opened",
            "revision_started",
            "policy_withdrawn",
        } <= templates
        keys = [r.dedupe_key for r in s.exec(select(Reminder))]
        assert len(keys) == len(set(keys))
        closing = s.exec(select(Reminder).where(Reminder.template == "consultation_closing")).all()
        assert closing and all(r.state == DeliveryState.CANCELLED for r in closing)
        assert len(s.exec(select(StageDocument)).all()) == 4
        assert {n.source for n in s.exec(select(RevisionNote))} == {
            "comment",
            "workshop_outcome",
            "recommendation",
        }


def _count(db: str, template: str) -> int:
    with unit_of_work(db) as s:
        return len(s.exec(select(Reminder).where(Reminder.template == template)).all())


def test_runs_starting_after_the_policy_moved_on_still_do_their_transitions_work(
    db: str, catalog: None, flow_settings: Settings
) -> None:
    people = walk.add_people(db)
    actor, c = walk.drafter(people), walk.clock()
    with unit_of_work(db) as s:
        drafting = s.exec(select(StageEvent).order_by(StageEvent.id)).first()
    # The drafter advances twice before the first advance's run starts.
    workshop = walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    walk.prepare_consultation(db, actor=actor, c=c)
    consultation = walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.start)
    walk.advance(db, Stage.WITHDRAWN, actor=actor, now=c.start, reason="Digantikan peraturan baru.")
    for event in (drafting, workshop, consultation):
        lines = run_async(
            run_stage_flow(event.to_stage, event_id=event.id, slug=SLUG, cycle=1)  # type: ignore[arg-type]
        )
        assert len(lines) == len(SPEC[event.to_stage].entry_work), (event.to_stage, lines)
    with unit_of_work(db) as s:
        rows = {e.to_stage: e for e in (s.get(StageEvent, x.id) for x in (drafting, workshop, consultation))}
        docs = {d.kind for d in s.exec(select(StageDocument))}
    # Both transitions' notices were queued once, with their advances (the withdrawal cancelled them).
    assert (_count(db, "workshop_invitation"), _count(db, "consultation_opened")) == (6, 4)
    # Their documents are rendered by their runs, withdrawn or not.
    assert docs == {"agenda", "consultation"}
    assert {rows[s].flow_run_state for s in (Stage.DRAFTING, Stage.WORKSHOP, Stage.CONSULTATION)} == {
        "Completed"
    }
    assert (rows[Stage.WORKSHOP].work_state, rows[Stage.WORKSHOP].retired_work) == (WorkState.DONE, [])
    # What the withdrawal made obsolete is retired, and the event says which step and why.
    assert [r["step"] for r in rows[Stage.CONSULTATION].retired_work] == ["freeze-version"]
    assert rows[Stage.CONSULTATION].work_state == WorkState.DONE
    assert rows[Stage.DRAFTING].work_state == WorkState.RETIRED
    assert "dicabut" in rows[Stage.DRAFTING].retired_work[0]["reason"]


def test_a_failing_step_fails_the_run_and_leaves_the_work_to_the_dispatchers_retry(
    db: str, catalog: None, flow_settings: Settings
) -> None:
    people = walk.add_people(db)
    walk.advance(db, Stage.WORKSHOP, actor=walk.drafter(people), now=walk.clock().start)
    event = walk.latest_event(db)
    # Consultation work without a consultation window: the freeze task refuses, and a refusal of the
    # domain's is not retried (only a database that failed is).
    with pytest.raises(Exception, match="jendela konsultasi"):
        run_async(stages.STAGE_FLOWS[Stage.CONSULTATION](event_id=event.id, slug=SLUG, cycle=1))
    failed = walk.latest_event(db)
    # The flow's failure hook records the final state the pages show; the work stays dispatched, so
    # the dispatcher retries it (tests/flows/test_recovery.py), and nothing of it is marked done.
    assert (failed.work_state, failed.flow_run_state) == (WorkState.DISPATCHED, "Failed")
    assert failed.done_work == []


def _step_task(stage: Stage, name: str) -> tuple[Step, Any]:
    return next((step, t) for step, t in stages.STEP_TASKS[stage] if step.name == name)


def test_task_units_call_one_action(db: str, catalog: None, flow_settings: Settings) -> None:
    event = walk.latest_event(db)
    step, unit = _step_task(Stage.DRAFTING, "create-working-version")
    assert "sudah ada" in unit.fn(step, SLUG, event.id)
    step, unit = _step_task(Stage.WORKSHOP, "render-agenda")
    assert "Agenda lokakarya dirender" in unit.fn(step, SLUG, event.id)
    # Done once for this event: a re-run (a retried or recovered run) skips it, and says so.
    assert "sudah selesai pada percobaan sebelumnya; dilewati" in unit.fn(step, SLUG, event.id)
    assert walk.latest_event(db).done_work == ["create-working-version", "render-agenda"]


def test_each_stage_flow_runs_one_task_per_step_of_its_specification_in_order() -> None:
    for stage, spec in SPEC.items():
        generated = stages.STEP_TASKS[stage]
        assert [step for step, _ in generated] == list(spec.entry_work)
        assert [t.name for _, t in generated] == [step.name for step in spec.entry_work]
        assert all(t.fn is stages.entry_step.fn for _, t in generated)  # one generic task, renamed
    assert set(stages.STAGE_FLOWS) == set(Stage)
    assert stages.STAGE_FLOWS[Stage.CONSULTATION].name == "stage-consultation"
    assert [t.name for _, t in stages.STEP_TASKS[Stage.WITHDRAWN]] == ["cancel-late-reminders"]


def test_a_lost_summary_artifact_is_asked_for_again_then_logged_and_the_work_is_done(
    db: str,
    catalog: None,
    flow_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[int] = []

    async def refused(*args: object, **kwargs: object) -> None:
        calls.append(1)  # as Prefect answering 500 on POST /artifacts after the client's own retries
        raise RuntimeError("Server error '500 Internal Server Error' for url '/api/artifacts/'")

    monkeypatch.setattr(stages, "_publish_summary", refused)
    monkeypatch.setattr(stages, "ARTIFACT_RETRY_SECONDS", 0.01)
    event = walk.latest_event(db)
    lines = run_async(run_stage_flow(Stage.DRAFTING, event_id=event.id, slug=SLUG, cycle=1))  # type: ignore[arg-type]
    assert lines and len(calls) == stages.ARTIFACT_ATTEMPTS
    done = walk.latest_event(db)
    assert (done.work_state, done.flow_run_state) == (WorkState.DONE, "Completed")
    assert "summary artifact of stage event" in caplog.text and "the work is done" in caplog.text
