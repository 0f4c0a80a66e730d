"""Stage work in the outbox without Prefect: keys unique per event and moment, what a re-dispatch records,
every transition's work once whatever the policy's stage by then, obsolete work retired visibly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from policies.core.db import unit_of_work, utcnow
from policies.core.errors import GatesNotMet, NotFound
from policies.lifecycle import stagework
from policies.lifecycle.models import Policy, Stage, StageDocument, StageEvent, WorkState
from policies.lifecycle.spec import SPEC
from policies.outbox.models import DeliveryState, Reminder
from tests import lifecycle_walk as walk

SLUG = "perwal-kebijakan-kepegawaian-asn-2026"


def test_the_key_names_the_event_and_its_moment_in_utc() -> None:
    at = datetime(2026, 8, 17, 7, 30, 5, 123456, tzinfo=UTC)
    assert stagework.idempotency_key(event_id=7, at=at) == "siklus:7:20260817T073005123456"
    wib = at.astimezone(timezone(timedelta(hours=7)))
    assert stagework.idempotency_key(event_id=7, at=wib) == "siklus:7:20260817T073005123456"
    # The same id after a reset (or in another install) is another moment, so another key.
    assert stagework.idempotency_key(event_id=7, at=at + timedelta(microseconds=1)) != (
        stagework.idempotency_key(event_id=7, at=at)
    )


def _event(db: str, event_id: int) -> StageEvent:
    with unit_of_work(db) as s:
        return s.get(StageEvent, event_id)  # type: ignore[return-value]


def _first_event(db: str) -> StageEvent:
    with unit_of_work(db) as s:
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        return stagework.latest_event(s, policy_id=policy.id)  # type: ignore[arg-type]


def test_work_of_and_latest_event(db: str, catalog: None) -> None:
    event = _first_event(db)
    with unit_of_work(db) as s:
        work = stagework.get_work(s, event_id=event.id)  # type: ignore[arg-type]
        pending = {w.event_id: w for w in stagework.pending_work(s)}
        with pytest.raises(NotFound) as missing:
            stagework.latest_event(s, policy_id=10**6)
    assert work == stagework.work_of(event, slug=SLUG) == pending[event.id]
    assert work.idempotency_key == stagework.idempotency_key(event_id=event.id, at=event.at)  # type: ignore[arg-type]
    assert work.parameters == {"event_id": event.id, "slug": SLUG, "cycle": 1}
    assert missing.value.detail_en


@pytest.mark.parametrize(
    ("outcome", "recorded"),
    [
        (WorkState.DISPATCHED, WorkState.DISPATCHED),
        (WorkState.DONE, WorkState.DONE),
        (WorkState.FAILED, WorkState.FAILED),
    ],
)
def test_a_redispatch_records_what_the_run_became(
    db: str, catalog: None, outcome: WorkState, recorded: WorkState
) -> None:
    event = _first_event(db)
    with unit_of_work(db) as s:
        row = stagework.record_dispatch(s, event_id=event.id, flow_run_id="run-1", outcome=outcome)  # type: ignore[arg-type]
        assert (row.work_state, row.flow_run_id) == (recorded, "run-1")
        # Finished work is no longer owed: the dispatcher does not ask for it again.
        owed = {w.event_id for w in stagework.pending_work(s, now=row.at + timedelta(days=1))}
    assert (event.id in owed) is (recorded is WorkState.DISPATCHED)


def test_the_run_state_keeps_the_latest_report(db: str, catalog: None) -> None:
    event = _first_event(db)
    at = datetime(2026, 8, 17, 7, 30, tzinfo=UTC)
    with unit_of_work(db) as s:
        stagework.record_dispatch(
            s,
            event_id=event.id,
            flow_run_id="run-1",
            run_state="Scheduled",
            run_state_at=at,  # type: ignore[arg-type]
        )
        stagework.record_run_state(
            s,
            event_id=event.id,
            flow_run_id="run-1",
            state="Running",
            at=at + timedelta(seconds=2),  # type: ignore[arg-type]
        )
        # The dispatch's answer arriving after the flow had started says less: it is not kept.
        row = stagework.record_run_state(s, event_id=event.id, flow_run_id="run-1", state="Scheduled", at=at)  # type: ignore[arg-type]
        # Another run (a re-run of finished work) does not speak for the event's run.
        stagework.record_run_state(s, event_id=event.id, flow_run_id="run-2", state="Failed")  # type: ignore[arg-type]
        assert (row.flow_run_state, row.flow_run_state_at) == ("Running", at + timedelta(seconds=2))
        assert stagework.runs_in_flight(s) == [(event.id, "run-1")]
        stagework.mark_done(s, event_id=event.id)  # type: ignore[arg-type]
        assert stagework.runs_in_flight(s) == []


# --- Every transition's work once, whatever the policy's stage when it runs; obsolete work visibly retired.


def _run_work(db: str, event_id: int) -> list[str]:
    """Run an event's entry work as its flow does: each step in its own transaction, then mark it done."""
    with unit_of_work(db) as s:
        stage = Stage(s.get(StageEvent, event_id).to_stage)  # type: ignore[union-attr]
    lines = []
    for step in SPEC[stage].entry_work:
        with unit_of_work(db) as s:
            lines.append(stagework.run_step(s, step=step, event_id=event_id, now=utcnow()))
    with unit_of_work(db) as s:
        stagework.mark_done(s, event_id=event_id, steps=[step.name for step in SPEC[stage].entry_work])
    return lines


def _count(db: str, template: str) -> int:
    with unit_of_work(db) as s:
        return len(s.exec(select(Reminder).where(Reminder.template == template)).all())


def _events(db: str) -> list[StageEvent]:
    with unit_of_work(db) as s:
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        return list(
            s.exec(select(StageEvent).where(StageEvent.policy_id == policy.id).order_by(StageEvent.id))
        )


def test_an_advance_queues_its_notices_in_its_own_transaction(db: str, catalog: None) -> None:
    people = walk.add_people(db)
    actor, c = walk.drafter(people), walk.clock()
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    # No flow ran: the invitations went into the outbox with the stage change (3 people, email + inbox).
    assert _count(db, "workshop_invitation") == 6
    # A refused advance rolls back whole: no notice of a transition that did not happen.
    with pytest.raises(GatesNotMet):
        walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.start)
    assert _count(db, "consultation_opened") == 0
    walk.prepare_consultation(db, actor=actor, c=c)
    walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.start)
    assert (_count(db, "consultation_opened"), _count(db, "consultation_closing")) == (4, 4)


def test_each_transitions_work_runs_once_though_the_policy_moved_on_before_it_ran(
    db: str, catalog: None
) -> None:
    people = walk.add_people(db)
    actor, c = walk.drafter(people), walk.clock()
    # Three advances, and no stage work has run yet (Prefect slow, down, or the runs not started).
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    walk.prepare_consultation(db, actor=actor, c=c)
    walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.start)
    walk.prepare_socialization(db, actor=actor, c=c, comment_id=walk.add_comment(db, c=c))
    walk.advance(db, Stage.SOCIALIZATION, actor=actor, now=c.closed)
    events = _events(db)
    assert [e.to_stage for e in events] == [
        Stage.DRAFTING,
        Stage.WORKSHOP,
        Stage.CONSULTATION,
        Stage.SOCIALIZATION,
    ]
    # The runs come late and in any order: each does its transition's work all the same.
    for event in reversed(events):
        lines = _run_work(db, event.id)  # type: ignore[arg-type]
        assert not any("dihentikan" in line for line in lines), lines
    before = walk.snapshot(db)
    for event in events:
        _run_work(db, event.id)  # type: ignore[arg-type]
    assert walk.snapshot(db) == before, "running the work a second time changed the database"
    assert {(e.work_state, len(e.retired_work)) for e in _events(db)} == {(WorkState.DONE, 0)}
    with unit_of_work(db) as s:
        assert {d.kind for d in s.exec(select(StageDocument))} == {
            "agenda",
            "consultation",
            "adopted",
            "socialization-kit",
        }
        keys = [r.dedupe_key for r in s.exec(select(Reminder))]
    assert len(keys) == len(set(keys))
    counts = {
        t: _count(db, t) for t in ("workshop_invitation", "consultation_opened", "consultation_closing")
    }
    assert counts == {"workshop_invitation": 6, "consultation_opened": 4, "consultation_closing": 4}
    assert _count(db, "policy_adopted") == 2 and _count(db, "acknowledgement_request") == 2


def test_work_a_withdrawal_made_obsolete_is_retired_and_the_event_says_why(db: str, catalog: None) -> None:
    people = walk.add_people(db)
    actor, c = walk.drafter(people), walk.clock()
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    walk.advance(db, Stage.WITHDRAWN, actor=actor, now=c.start, reason="Digantikan peraturan baru.")
    drafting, workshop, withdrawn = _events(db)
    # The withdrawal's notices went out with it, and cancelled the invitations still pending.
    assert _count(db, "policy_withdrawn") > 0
    with unit_of_work(db) as s:
        invited = s.exec(select(Reminder).where(Reminder.template == "workshop_invitation")).all()
        assert len(invited) == 6 and {r.state for r in invited} == {DeliveryState.CANCELLED}

    # A working draft for a withdrawn policy prepares what will never happen: retired, visibly.
    (line,) = _run_work(db, drafting.id)  # type: ignore[arg-type]
    _run_work(db, drafting.id)  # type: ignore[arg-type]  # twice: recorded once
    row = _event(db, drafting.id)  # type: ignore[arg-type]
    assert row.work_state == WorkState.RETIRED
    (retired,) = row.retired_work
    assert retired["step"] == "create-working-version" and "dicabut" in retired["reason"]
    assert "withdrawn" in retired["reason_en"] and "dihentikan" in line
    # The agenda belongs to the workshop transition: it is rendered, withdrawn or not.
    assert "Agenda lokakarya dirender" in _run_work(db, workshop.id)[0]  # type: ignore[arg-type]
    _run_work(db, withdrawn.id)  # type: ignore[arg-type]
    assert [(e.work_state, e.retired_work) for e in _events(db)[1:]] == [
        (WorkState.DONE, []),
        (WorkState.DONE, []),
    ]


def test_work_of_an_earlier_cycle_is_retired_once_the_next_cycle_began(db: str, catalog: None) -> None:
    people = walk.add_people(db)
    actor, c = walk.drafter(people), walk.clock()
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    walk.prepare_consultation(db, actor=actor, c=c)
    walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.start)
    walk.prepare_socialization(db, actor=actor, c=c, comment_id=walk.add_comment(db, c=c))
    socialization = walk.advance(db, Stage.SOCIALIZATION, actor=actor, now=c.closed)
    walk.prepare_evaluation(db, actor=actor, c=c)
    evaluation = walk.advance(db, Stage.EVALUATION, actor=actor, now=c.closed)
    _run_work(db, evaluation.id)  # type: ignore[arg-type]  # the round the revision gate needs
    walk.prepare_revision(db, c=c)
    walk.advance(db, Stage.REVISION, actor=actor, now=c.evaluated)

    lines = _run_work(db, socialization.id)  # type: ignore[arg-type]
    row = _event(db, socialization.id)  # type: ignore[arg-type]
    assert row.work_state == WorkState.RETIRED and len(lines) == 2
    assert [r["step"] for r in row.retired_work] == ["render-adopted-text", "render-socialization-kit"]
    assert all(
        "Siklus 2 sudah dimulai" in r["reason"] and "Cycle 2" in r["reason_en"] for r in row.retired_work
    )
    # Its notices were queued with the transition, in cycle 1, and stay queued.
    assert _count(db, "policy_adopted") == 2
