"""Reminders follow what they speak of: a close or withdrawal cancels them at once, sending checks again.

Without Prefect: each stage's entry work runs as its steps, the deliverer's claim and the inbox sweep
are the domain's own.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation import reminders, windows
from policies.consultation.models import ConsultationWindow
from policies.core.db import unit_of_work, utcnow
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from policies.lifecycle.spec import SPEC
from policies.lifecycle.sweeps import close_due_consultations
from policies.outbox import delivery, hooks, notify
from policies.outbox.models import Channel, DeliveryState, Reminder
from policies.rollout import actions as rollout
from tests import lifecycle_walk as walk
from tests.lifecycle_walk import SLUG


def _do_stage(db: str, stage: Stage) -> None:
    event = walk.latest_event(db)
    assert event.to_stage == stage
    for step in SPEC[stage].entry_work:
        with unit_of_work(db) as s:
            step.run(s, slug=SLUG, event_id=event.id, now=utcnow())  # type: ignore[arg-type]


def _states(s: Session, template: str) -> set[DeliveryState]:
    return {r.state for r in s.exec(select(Reminder).where(Reminder.template == template))}


def _in_consultation(db: str) -> tuple[Actor, walk.Clock]:
    actor, c = walk.to_consultation(db)
    _do_stage(db, Stage.CONSULTATION)
    return actor, c


class Rollback(Exception):
    """Raised to roll a unit of work back."""


def test_closing_early_cancels_the_closing_reminders_in_the_same_transaction(db: str, catalog: None) -> None:
    actor, c = _in_consultation(db)
    with unit_of_work(db) as s:
        closing = list(s.exec(select(Reminder).where(Reminder.template == "consultation_closing")))
        # One per stakeholder, due two days before the end, three weeks away.
        assert len(closing) == 4 and all(r.due_at > c.start + timedelta(days=18) for r in closing)
    # Rolled back with the close: the reminders stay as they were, so they belong to that transaction.
    with pytest.raises(Rollback), unit_of_work(db) as s:
        windows.close_window(s, actor=actor, slug=SLUG, now=c.comment_at)
        assert _states(s, "consultation_closing") == {DeliveryState.CANCELLED}
        raise Rollback
    with unit_of_work(db) as s:
        assert _states(s, "consultation_closing") == {DeliveryState.PENDING}
        windows.close_window(s, actor=actor, slug=SLUG, now=c.comment_at)
    with unit_of_work(db) as s:
        assert _states(s, "consultation_closing") == {DeliveryState.CANCELLED}
        assert _states(s, "consultation_opened") <= {DeliveryState.CANCELLED, DeliveryState.SENT}
        # Still due: the workshop's invitations, queued with its advance; their stage is over, so
        # nothing goes out.
        due = delivery.due_email_ids(s, now=c.closed, limit=100)
        assert [delivery.claim(s, reminder_id=i, now=c.closed) for i in due] == [None] * len(due)


def test_withdrawing_cancels_the_consultation_reminders_with_the_withdrawal(db: str, catalog: None) -> None:
    actor, c = _in_consultation(db)
    # Only the advance itself: the withdrawal's stage work has not run.
    walk.advance(db, Stage.WITHDRAWN, actor=actor, now=c.comment_at, reason="Digantikan peraturan baru.")
    with unit_of_work(db) as s:
        assert _states(s, "consultation_closing") == {DeliveryState.CANCELLED}


def test_a_closing_reminder_is_checked_against_the_window_when_sent(db: str, catalog: None) -> None:
    _, c = _in_consultation(db)
    with unit_of_work(db) as s:
        window = s.exec(select(ConsultationWindow)).one()
        stale, _ = notify.enqueue(
            s,
            dedupe_key=f"consultation-closing:{window.id}:email:extra",
            template="consultation_closing",
            channel=Channel.EMAIL,
            recipient=notify.Recipient(None, "lain@example.id"),
            due_at=c.comment_at,
            # Queued for an earlier deadline than the window's own.
            context=notify.policy_context(
                get_policy(s, slug=SLUG), closes_at=window.closes_at - timedelta(days=3)
            ),
        )
        stale_id, window_id = stale.id, window.id
    with unit_of_work(db) as s:
        assert delivery.claim(s, reminder_id=stale_id, now=c.comment_at) is None  # type: ignore[arg-type]
        row = s.get(Reminder, stale_id)
        assert row is not None and row.state == DeliveryState.CANCELLED
        assert "tenggat konsultasi sudah berubah" in row.last_error
    # The window reaches its end and the sweep closes it: what is still queued is not sent.
    with unit_of_work(db) as s:
        assert close_due_consultations(s, now=c.closed) == [SLUG]
        regular = s.exec(
            select(Reminder).where(
                Reminder.template == "consultation_closing", Reminder.state == DeliveryState.PENDING
            )
        ).first()
        assert regular is not None and regular.dedupe_key.startswith(f"consultation-closing:{window_id}:")
        assert delivery.claim(s, reminder_id=regular.id, now=c.closed) is None  # type: ignore[arg-type]
        assert "konsultasi sudah ditutup" in regular.last_error


def test_a_workshop_invitation_is_not_delivered_once_the_workshop_stage_is_over(
    db: str, catalog: None
) -> None:
    people = walk.add_people(db)
    actor, c = walk.drafter(people), walk.clock()
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    _do_stage(db, Stage.WORKSHOP)
    asn = people["asn"].id
    with unit_of_work(db) as s:
        assert [r.template for r in notify.inbox(s, account_id=asn, now=c.comment_at)] == [
            "workshop_invitation"
        ]
    walk.prepare_consultation(db, actor=actor, c=c)
    walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.comment_at)
    with unit_of_work(db) as s:
        assert notify.inbox(s, account_id=asn, now=c.comment_at) == []  # no longer shown
        assert delivery.deliver_inbox(s, now=c.comment_at) == 0
        # (The consultation's own notices, queued with its advance, are due too, and go out.)
        emails = [
            i
            for i in delivery.due_email_ids(s, now=c.comment_at, limit=100)
            if s.get(Reminder, i).template == "workshop_invitation"  # type: ignore[union-attr]
        ]
        assert emails and [delivery.claim(s, reminder_id=i, now=c.comment_at) for i in emails] == [
            None
        ] * len(emails)
        invited = list(s.exec(select(Reminder).where(Reminder.template == "workshop_invitation")))
        assert {r.state for r in invited} == {DeliveryState.CANCELLED}
        assert all("tahap lokakarya siklus 1 sudah berakhir" in r.last_error for r in invited)


def test_dispositions_owed_stop_once_every_comment_is_answered(db: str, catalog: None) -> None:
    actor, c = walk.to_consultation(db)
    comment_id = walk.add_comment(db, c=c)
    with unit_of_work(db) as s:
        close_due_consultations(s, now=c.closed)
        drafter_id = actor.id
        assert [r.template for r in notify.inbox(s, account_id=drafter_id, now=c.closed)] == [
            "dispositions_owed"
        ]  # type: ignore[arg-type]
    with unit_of_work(db) as s:
        walk.answer(s, actor=actor, comment_id=comment_id, now=c.closed)
    with unit_of_work(db) as s:
        assert notify.inbox(s, account_id=drafter_id, now=c.closed) == []  # type: ignore[arg-type]
        (email,) = [  # (besides the notices the walk's advances queued)
            i
            for i in delivery.due_email_ids(s, now=c.closed, limit=100)
            if s.get(Reminder, i).template == "dispositions_owed"  # type: ignore[union-attr]
        ]
        assert delivery.claim(s, reminder_id=email, now=c.closed) is None
        assert "setiap masukan sudah diberi tindak lanjut" in (s.get(Reminder, email).last_error or "")  # type: ignore[union-attr]


def _agree(s: Session, now: datetime) -> None:
    """The SQL rule (the inbox's) and the Python rule (the deliverer's) say the same of every reminder."""
    rows = list(s.exec(select(Reminder).where(Reminder.state == DeliveryState.PENDING)))
    current = {r.id for r in s.exec(select(Reminder).where(hooks.still_current(now)))}
    said = {r.id: hooks.why_obsolete(s, reminder=r, now=now) for r in rows}
    assert said and {rid for rid, why in said.items() if not why} == {r.id for r in rows} & current, said


def test_the_inbox_rule_and_the_sending_rule_agree_along_a_walk(db: str, catalog: None) -> None:
    people = walk.add_people(db)
    actor, c = walk.drafter(people), walk.clock()
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    _do_stage(db, Stage.WORKSHOP)
    with unit_of_work(db) as s:
        _agree(s, c.comment_at)
    walk.prepare_consultation(db, actor=actor, c=c)
    walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.start)
    _do_stage(db, Stage.CONSULTATION)
    comment_id = walk.add_comment(db, c=c)
    with unit_of_work(db) as s:
        _agree(s, c.comment_at)
        close_due_consultations(s, now=c.closed)
        _agree(s, c.closed)
    walk.prepare_socialization(db, actor=actor, c=c, comment_id=comment_id)
    walk.advance(db, Stage.SOCIALIZATION, actor=actor, now=c.closed)
    _do_stage(db, Stage.SOCIALIZATION)
    with unit_of_work(db) as s:
        _agree(s, c.closed)
        asn = people["asn"]
        rollout.acknowledge(
            s,
            actor=Actor(id=asn.id, name=asn.name, role=Role.STAKEHOLDER, group="asn"),
            slug=SLUG,
            now=c.closed,
        )
        _agree(s, c.closed)
        asks = [
            hooks.why_obsolete(s, reminder=r, now=c.closed)
            for r in s.exec(select(Reminder).where(Reminder.template == "acknowledgement_request"))
            if r.recipient_account_id == asn.id
        ]
        assert asks == ["penerima sudah mengonfirmasi telah membaca"]
    walk.advance(db, Stage.WITHDRAWN, actor=actor, now=c.closed, reason="Digantikan.")
    with unit_of_work(db) as s:
        _agree(s, c.closed)


def test_a_moved_deadline_moves_its_reminders_along(db: str, catalog: None) -> None:
    _in_consultation(db)
    with unit_of_work(db) as s:
        window = s.exec(select(ConsultationWindow)).one()
        before = {
            r.id: r.due_at
            for r in s.exec(select(Reminder).where(Reminder.template == "consultation_closing"))
        }
        was, window.closes_at = window.closes_at, window.closes_at + timedelta(days=7)
        s.add(window)
        assert reminders.follow_deadline(s, window=window, was=was) == 8  # 4 closing, 4 opening notices
        moved = {r.id: r for r in s.exec(select(Reminder).where(Reminder.template == "consultation_closing"))}
        assert {rid: r.due_at - before[rid] for rid, r in moved.items()} == dict.fromkeys(
            before, timedelta(days=7)
        )
        assert {r.context["closes_at"] for r in moved.values()} == {window.closes_at.isoformat()}
        first = min(moved)
        due = moved[first].due_at
    with unit_of_work(db) as s:
        # Due at the new time, and still true then: it goes out.
        assert delivery.claim(s, reminder_id=first, now=due - timedelta(seconds=1)) is None  # not due yet
        claimed = delivery.claim(s, reminder_id=first, now=due)
        assert claimed is not None and claimed.state == DeliveryState.SENDING
