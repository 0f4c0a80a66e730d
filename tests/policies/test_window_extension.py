"""Extending a consultation window moves its reminders along; closing it early keeps the reason."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation import windows
from policies.consultation.models import ConsultationWindow
from policies.core.db import unit_of_work, utcnow
from policies.core.errors import Conflict, InvalidInput, PermissionDenied
from policies.lifecycle.models import Stage
from policies.lifecycle.spec import SPEC
from policies.outbox.models import DeliveryState, Reminder
from tests import lifecycle_walk as walk
from tests.lifecycle_walk import SLUG


class Rollback(Exception):
    """Raised to roll a unit of work back."""


def _in_consultation(db: str) -> tuple[Actor, walk.Clock]:
    actor, c = walk.to_consultation(db)
    event = walk.latest_event(db)
    # The consultation's entry work queues its opening notices and "closes soon" reminders.
    for step in SPEC[Stage.CONSULTATION].entry_work:
        with unit_of_work(db) as s:
            step.run(s, slug=SLUG, event_id=event.id, now=utcnow())  # type: ignore[arg-type]
    return actor, c


def _closing(s: Session) -> dict[int, Reminder]:
    stmt = select(Reminder).where(Reminder.template == "consultation_closing")
    return {r.id: r for r in s.exec(stmt)}  # type: ignore[misc]


def test_extending_a_window_moves_its_closing_reminders_in_the_same_transaction(
    db: str, catalog: None
) -> None:
    actor, c = _in_consultation(db)
    with unit_of_work(db) as s:
        before = {rid: r.due_at for rid, r in _closing(s).items()}
        was = s.exec(select(ConsultationWindow)).one().closes_at
    assert len(before) == 4
    later = was + timedelta(days=7)
    # Rolled back with the extension: the reminders stay as they were, so they moved in its transaction.
    with pytest.raises(Rollback), unit_of_work(db) as s:
        windows.extend_window(s, actor=actor, slug=SLUG, closes_at=later, now=c.comment_at)
        assert {rid: r.due_at - before[rid] for rid, r in _closing(s).items()} == dict.fromkeys(
            before, timedelta(days=7)
        )
        raise Rollback
    with unit_of_work(db) as s:
        assert {rid: r.due_at for rid, r in _closing(s).items()} == before
        extended = windows.extend_window(s, actor=actor, slug=SLUG, closes_at=later, now=c.comment_at)
        assert extended.closes_at == later
    with unit_of_work(db) as s:
        moved = _closing(s)
        assert {rid: r.due_at - before[rid] for rid, r in moved.items()} == dict.fromkeys(
            before, timedelta(days=7)
        )
        # Each still says the window's end, so the check when sending finds it true.
        assert {r.context["closes_at"] for r in moved.values()} == {later.isoformat()}
        assert {r.state for r in moved.values()} == {DeliveryState.PENDING}
        assert s.exec(select(ConsultationWindow)).one().closes_at == later


def test_an_extension_must_end_later_and_only_a_running_window_moves(db: str, catalog: None) -> None:
    actor, c = _in_consultation(db)
    with unit_of_work(db) as s:
        was = s.exec(select(ConsultationWindow)).one().closes_at
    with unit_of_work(db) as s:
        with pytest.raises(InvalidInput) as earlier:
            windows.extend_window(
                s, actor=actor, slug=SLUG, closes_at=was - timedelta(days=1), now=c.comment_at
            )
        assert earlier.value.field == "closes_at" and "harus setelah" in earlier.value.detail
        with pytest.raises(InvalidInput) as naive:
            windows.extend_window(
                s, actor=actor, slug=SLUG, closes_at=datetime(2030, 1, 1, 9), now=c.comment_at
            )
        assert naive.value.field == "closes_at"
        other = Actor(id=None, name="Joko", role=Role.DRAFTER, unit="BKPSDM Kabupaten Lampung Selatan")
        with pytest.raises(PermissionDenied):
            windows.extend_window(
                s, actor=other, slug=SLUG, closes_at=was + timedelta(days=1), now=c.comment_at
            )
    with unit_of_work(db) as s:
        windows.close_window(s, actor=actor, slug=SLUG, now=c.comment_at)
    with unit_of_work(db) as s, pytest.raises(Conflict) as ended:
        windows.extend_window(s, actor=actor, slug=SLUG, closes_at=was + timedelta(days=7), now=c.comment_at)
    assert "sudah berakhir" in ended.value.detail


def test_closing_early_records_its_reason_and_closing_again_keeps_it(db: str, catalog: None) -> None:
    actor, c = _in_consultation(db)
    with unit_of_work(db) as s:
        closed = windows.close_window(
            s, actor=actor, slug=SLUG, reason="  Rancangan ditarik untuk dikaji ulang.  ", now=c.comment_at
        )
        assert closed.closed_at == c.comment_at
    with unit_of_work(db) as s:
        window = s.exec(select(ConsultationWindow)).one()
        assert window.close_reason == "Rancangan ditarik untuk dikaji ulang."
        # Closing twice changes nothing, the reason included.
        windows.close_window(s, actor=actor, slug=SLUG, reason="Lain.", now=c.closed)
    with unit_of_work(db) as s:
        assert (
            s.exec(select(ConsultationWindow.close_reason)).one() == "Rancangan ditarik untuk dikaji ulang."
        )
