"""The scheduled sweeps without Prefect: close due consultations; the answer clock escalates once."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from policies.consultation import clocks
from policies.consultation.models import ConsultationWindow
from policies.core.db import unit_of_work
from policies.lifecycle.models import PolicyKind
from policies.lifecycle.queries import get_policy
from policies.lifecycle.sweeps import close_due_consultations, run_sweeps
from policies.outbox.models import Channel, DeliveryState, Reminder
from tests import lifecycle_walk as walk


def _by_template(db: str, template: str) -> list[Reminder]:
    with unit_of_work(db) as s:
        return list(s.exec(select(Reminder).where(Reminder.template == template)))


def test_close_once_and_tell_the_drafters_dispositions_are_owed(db: str, catalog: None) -> None:
    _, c = walk.to_consultation(db)
    walk.add_comment(db, c=c)

    with unit_of_work(db) as s:
        assert close_due_consultations(s, now=c.start + timedelta(days=20)) == []
    with unit_of_work(db) as s:
        report = run_sweeps(s, now=c.closed)
    assert report.consultations_closed == [walk.SLUG]
    with unit_of_work(db) as s:
        window = s.exec(select(ConsultationWindow)).one()
        assert window.closed_at == window.closes_at
        assert close_due_consultations(s, now=c.closed) == []  # closing twice changes nothing
    owed = _by_template(db, "dispositions_owed")
    assert {(r.recipient_email, r.channel) for r in owed} == {
        ("rina@bkpsdm.example.id", Channel.EMAIL),
        ("rina@bkpsdm.example.id", Channel.INBOX),
    }
    assert owed[0].context["undisposed"] == 1
    # The inbox copy is delivered by the same pass; the email waits for the mail delivery.
    states = {r.channel: r.state for r in owed}
    assert states == {Channel.EMAIL: DeliveryState.PENDING, Channel.INBOX: DeliveryState.SENT}


def test_the_unit_head_hears_of_unanswered_comments_once_and_only_after_the_due_date(
    db: str, catalog: None
) -> None:
    """Only the working-day answer clock escalates: a second, calendar-day escalation (14 days after
    the close) once reached the unit head too, and before the due date whenever holidays fell in."""
    _, c = walk.to_consultation(db)
    walk.add_comment(db, c=c)
    with unit_of_work(db) as s:
        run_sweeps(s, now=c.closed)
        window = s.exec(select(ConsultationWindow)).one()
        kind = s.get(PolicyKind, get_policy(s, slug=walk.SLUG).kind_id)
        due = clocks.due_on(s, window=window, rules=kind.rules)
    for days in range(1, 31):
        moment = c.closed + timedelta(days=days)
        with unit_of_work(db) as s:
            run_sweeps(s, now=moment)
        heads = [
            r for r in _by_template(db, "answers_overdue") if r.recipient_email == "kepala@bkpsdm.example.id"
        ]
        assert bool(heads) == (clocks.local_day(moment) > due), (days, due)
    assert {r.channel for r in heads} == {Channel.EMAIL, Channel.INBOX}
    assert _by_template(db, "escalation") == []


def test_answered_consultations_do_not_escalate(db: str, catalog: None) -> None:
    _, c = walk.to_consultation(db)
    with unit_of_work(db) as s:
        run_sweeps(s, now=c.closed)
    with unit_of_work(db) as s:
        run_sweeps(s, now=c.closed + timedelta(days=30))
    assert _by_template(db, "answers_overdue") == []
    assert _by_template(db, "dispositions_owed")[0].context["undisposed"] == 0
