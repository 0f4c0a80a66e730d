"""Tracking numbers and receipts on real comments; the public status; the admins' closed days."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from policies.accounts.models import Role
from policies.calendar import actions as calendar
from policies.calendar import queries as calendar_queries
from policies.calendar.models import HolidayKind
from policies.calendar.skb import CUTI_BERSAMA
from policies.consultation import changes, comments
from policies.consultation.clocks import ClockState
from policies.consultation.models import AnchorStatus, Comment, Outcome
from policies.consultation.tracking import receipt_for, tracking_status
from policies.consultation.tracking_numbers import EXAMPLE
from policies.core.db import unit_of_work
from policies.core.errors import Conflict, NotFound, PermissionDenied
from policies.outbox.message_text import render_email
from policies.outbox.models import Channel, Reminder
from tests.conftest import DRAFTER
from tests.policies.comment_setup import LATER, SLUG, account, clause_keys, open_consultation
from tests.policies.trace_setup import CLOSED, NEW_WORDS, consult_and_revise

SHAPE = re.compile(r"^SKL-[2-9A-Z]{4}-[2-9A-Z]{4}$")
# The window opens on 17 August 2026 for 30 days: it closes on Wednesday 16 September (14.30 WIB);
# ten working days later (no holiday between) is Wednesday 30 September.
DUE = date(2026, 9, 30)


def _comment(db: str) -> tuple[int, str]:
    open_consultation(db)
    citizen = account(db, email="warga@example.id")
    key = clause_keys(db)[0]
    with unit_of_work(db) as s:
        made = comments.create_comment(
            s, actor=citizen, slug=SLUG, clause_key=key, body="Mohon target 20 JP dirinci.", now=LATER
        )
        return made.id, made.tracking_number  # type: ignore[return-value]


def test_comments_and_replies_get_numbers_and_receipts(db: str, catalog: None) -> None:
    comment_id, number = _comment(db)
    assert SHAPE.match(number)
    asn = account(db, email="asn@pemkot.example.id", group="asn")
    with unit_of_work(db) as s:
        reply = comments.create_reply(
            s, actor=asn, slug=SLUG, parent_id=comment_id, body="Setuju.", now=LATER
        )
        assert SHAPE.match(reply.tracking_number) and reply.tracking_number != number
        receipts = list(s.exec(select(Reminder).where(Reminder.template == "comment_receipt")))
        mine = receipt_for(s, comment_id=comment_id, author_id=s.get(Comment, comment_id).author_id)
        assert receipt_for(s, comment_id=comment_id, author_id=asn.id) is None  # not the author's
    assert mine is not None and (mine.tracking_number, mine.due_on) == (number, DUE)
    by_number = {(r.context["tracking_number"], r.channel) for r in receipts}
    assert by_number == {
        (number, Channel.INBOX),
        (number, Channel.EMAIL),
        (reply.tracking_number, Channel.INBOX),
        (reply.tracking_number, Channel.EMAIL),
    }
    email = next(r for r in receipts if r.context["tracking_number"] == number and r.channel == Channel.EMAIL)
    subject, body = render_email(email, base_url="https://siklus.example.id")
    assert number in subject
    assert "Pasal: Menimbang" in body and "Jawaban paling lambat: 30 September 2026" in body
    assert f"https://siklus.example.id/track/{number}" in body
    reply_mail = next(r for r in receipts if r.context["tracking_number"] == reply.tracking_number)
    assert reply_mail.context["due_on"] is None  # a reply is answered through its comment
    _, reply_body = render_email(reply_mail, base_url="https://siklus.example.id")
    assert "Balasan Anda" in reply_body and "paling lambat" not in reply_body


def test_the_status_follows_the_answer_and_the_moderator(db: str, catalog: None) -> None:
    comment_id, number = _comment(db)
    with unit_of_work(db) as s:
        status = tracking_status(s, number=number.lower().replace("-", " "), now=LATER)
    assert (status.tracking_number, status.state, status.due_on) == (number, ClockState.DUE, DUE)
    assert status.body == "Mohon target 20 JP dirinci." and status.clause_heading == "Menimbang"
    assert status.outcome is None
    with unit_of_work(db) as s:
        comments.dispose(
            s,
            actor=DRAFTER,
            slug=SLUG,
            comment_id=comment_id,
            outcome=Outcome.NOTED,
            reason="Dicatat untuk petunjuk teknis.",
            now=LATER + timedelta(days=40),  # 26 September: within the clock
        )
    with unit_of_work(db) as s:
        answered = tracking_status(s, number=number, now=LATER + timedelta(days=60))
    assert answered.state is ClockState.ON_TIME and answered.outcome is Outcome.NOTED
    assert answered.reason == "Dicatat untuk petunjuk teknis."
    moderator = account(db, email="maya@siklus.test", role=Role.MODERATOR)
    with unit_of_work(db) as s:
        comments.set_hidden(
            s, actor=moderator, slug=SLUG, comment_id=comment_id, hidden=True, reason="Data pribadi."
        )
    with unit_of_work(db) as s:
        hidden = tracking_status(s, number=number, now=LATER)
    assert hidden.hidden and hidden.body == "" and hidden.outcome is None and hidden.state is None


def test_unknown_and_malformed_numbers_are_refused_helpfully(db: str, catalog: None) -> None:
    with unit_of_work(db) as s:
        with pytest.raises(NotFound) as malformed:
            tracking_status(s, number="12345", now=LATER)
        with pytest.raises(NotFound) as unknown:
            tracking_status(s, number="skl-2222-2222", now=LATER)
    assert "bukan nomor pelacakan" in malformed.value.detail and EXAMPLE in malformed.value.detail_en
    assert "SKL-2222-2222" in unknown.value.detail and "Check the number" in unknown.value.detail_en


def test_an_admin_amends_the_calendar_and_the_clock_moves(db: str, catalog: None) -> None:
    _, number = _comment(db)
    admin = account(db, email="ani@siklus.test", role=Role.ADMIN)
    with unit_of_work(db) as s:
        assert [h.closed_on for h in calendar_queries.all_holidays(s)] == [d for d, _ in CUTI_BERSAMA]
        holiday = calendar.add_holiday(
            s,
            actor=admin,
            closed_on=date(2026, 9, 29),
            name="Hari Jadi Kota Tangerang Selatan",
            kind=HolidayKind.REGIONAL,
            basis="Keputusan Wali Kota",
        )
    with unit_of_work(db) as s:
        assert tracking_status(s, number=number, now=LATER).due_on == date(2026, 10, 1)
    citizen = account(db, email="budi@example.id")
    with unit_of_work(db) as s:
        with pytest.raises(PermissionDenied):
            calendar.add_holiday(
                s, actor=citizen, closed_on=date(2026, 10, 2), name="X", kind=HolidayKind.DECREE
            )
        with pytest.raises(Conflict, match="sudah tercatat"):
            calendar.add_holiday(
                s, actor=admin, closed_on=date(2026, 9, 29), name="Y", kind=HolidayKind.DECREE
            )
        with pytest.raises(Conflict, match="libur nasional"):
            calendar.add_holiday(
                s, actor=admin, closed_on=date(2026, 8, 17), name="Z", kind=HolidayKind.DECREE
            )
        with pytest.raises(PermissionDenied):
            calendar.remove_holiday(s, actor=citizen, holiday_id=holiday.id)  # type: ignore[arg-type]
    with unit_of_work(db) as s:
        calendar.remove_holiday(s, actor=admin, holiday_id=holiday.id)  # type: ignore[arg-type]
    with unit_of_work(db) as s:
        assert tracking_status(s, number=number, now=LATER).due_on == DUE
        with pytest.raises(NotFound):
            calendar.remove_holiday(s, actor=admin, holiday_id=holiday.id)  # type: ignore[arg-type]


def test_once_the_next_version_exists_the_status_shows_what_became_of_the_text(
    db: str, catalog: None
) -> None:
    traced = consult_and_revise(db)
    with unit_of_work(db) as s:
        changes.link_change(
            s,
            actor=DRAFTER,
            slug=SLUG,
            comment_id=traced.accepted,
            version_number=2,
            element_key=traced.huruf_b,
        )
        number = s.get(Comment, traced.accepted).tracking_number  # type: ignore[union-attr]
        refused = s.get(Comment, traced.refused).tracking_number  # type: ignore[union-attr]
    with unit_of_work(db) as s:
        status = tracking_status(s, number=number, now=CLOSED)
        other = tracking_status(s, number=refused, now=CLOSED)
    assert status.outcome is Outcome.ACCEPTED and status.state is ClockState.ON_TIME
    (change,) = status.changes
    assert (change.version_number, change.label) == (2, "Pasal 2 ayat (2) huruf b")
    assert NEW_WORDS.removeprefix("b. ") in change.text
    (fate,) = status.fates  # where the passage commented on sits in version 2
    assert fate.version_number == 2 and fate.status in {AnchorStatus.RELEVANT, AnchorStatus.MOVED}
    assert other.outcome is Outcome.NOT_ACCEPTED and other.changes == []
