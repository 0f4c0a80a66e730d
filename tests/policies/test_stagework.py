"""Stage work in the outbox without Prefect: keys unique per event and moment, what a re-dispatch records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from policies.core.db import unit_of_work
from policies.core.errors import NotFound
from policies.lifecycle import stagework
from policies.lifecycle.models import Policy, StageEvent, WorkState

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
