"""The scheduled sweeps without Prefect: close due consultations, escalate unanswered comments once."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from policies.consultation.models import ConsultationWindow
from policies.core.db import unit_of_work
from policies.lifecycle.sweeps import close_due_consultations, escalate_unanswered, run_sweeps
from policies.outbox.models import Channel, DeliveryState, Reminder
from tests import lifecycle_walk as walk


def _by_template(db: str, template: str) -> list[Reminder]:
    with unit_of_work(db) as s:
        return list(s.exec(select(Reminder).where(Reminder.template == template)))


def test_close_then_escalate_once(db: str, catalog: None) -> None:
    _, c = walk.to_consultation(db)
    walk.add_comment(db, c=c)

    with unit_of_work(db) as s:
        assert close_due_consultations(s, now=c.start + timedelta(days=20)) == []
    with unit_of_work(db) as s:
        report = run_sweeps(s, now=c.closed, escalation_days=14)
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

    closed_at = c.start + timedelta(days=21)
    with unit_of_work(db) as s:
        assert escalate_unanswered(s, now=closed_at + timedelta(days=13), escalation_days=14) == 0
    with unit_of_work(db) as s:
        assert escalate_unanswered(s, now=closed_at + timedelta(days=14), escalation_days=14) == 4
    with unit_of_work(db) as s:
        assert escalate_unanswered(s, now=closed_at + timedelta(days=15), escalation_days=14) == 0
    recipients = {r.recipient_email for r in _by_template(db, "escalation")}
    assert recipients == {"rina@bkpsdm.example.id", "kepala@bkpsdm.example.id"}


def test_answered_consultations_do_not_escalate(db: str, catalog: None) -> None:
    _, c = walk.to_consultation(db)
    with unit_of_work(db) as s:
        run_sweeps(s, now=c.closed, escalation_days=14)
    with unit_of_work(db) as s:
        assert escalate_unanswered(s, now=c.closed + timedelta(days=30), escalation_days=14) == 0
    assert _by_template(db, "dispositions_owed")[0].context["undisposed"] == 0
