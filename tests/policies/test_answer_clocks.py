"""Answer clocks driven by the real sweep: a reminder before the due date, an escalation after, once each."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import select

from policies.accounts.actions import actor_of
from policies.accounts.models import Account
from policies.calendar.actions import work_calendar
from policies.consultation import clocks, comments
from policies.consultation.clock_sweep import sweep_answer_clocks
from policies.consultation.models import ConsultationWindow
from policies.consultation.report import build_report, render_report
from policies.core.db import unit_of_work
from policies.drafting.queries import clauses_of, latest_version
from policies.lifecycle.models import PolicyKind, Stage
from policies.lifecycle.queries import get_policy
from policies.lifecycle.sweeps import run_sweeps
from policies.outbox.models import Channel, Reminder
from tests import lifecycle_walk as walk


def _closed_with_a_comment(db: str) -> tuple[date, int, date]:
    """Walk into consultation, let a citizen comment, close it; return the close and due dates."""
    people = walk.add_people(db)
    actor, c = walk.drafter(people), walk.clock()
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    walk.prepare_consultation(db, actor=actor, c=c)
    walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.start)
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=walk.SLUG)
        key = clauses_of(s, version_id=latest_version(s, policy_id=policy.id, published=True).id)[0].key
        made = comments.create_comment(
            s,
            actor=actor_of(people["public"]),
            slug=walk.SLUG,
            clause_key=key,
            body="Rinci target JP.",
            now=c.comment_at,
        )
        comment_id = made.id
    with unit_of_work(db) as s:
        run_sweeps(s, now=c.closed)
        window = s.exec(select(ConsultationWindow)).one()
        kind = s.get(PolicyKind, get_policy(s, slug=walk.SLUG).kind_id)
        due = clocks.due_on(s, window=window, rules=kind.rules)
        closed_on = clocks.local_day(window.closed_at)
    return closed_on, comment_id, due  # type: ignore[return-value]


def _noon(day: date) -> datetime:
    return clocks.noon_of(day)


def _messages(db: str, template: str) -> set[tuple[str, str]]:
    with unit_of_work(db) as s:
        rows = s.exec(select(Reminder).where(Reminder.template == template))
        return {(r.recipient_email, r.channel) for r in rows}


def test_reminder_before_the_due_date_and_escalation_after_each_once(db: str, catalog: None) -> None:
    closed_on, _, due = _closed_with_a_comment(db)
    with unit_of_work(db) as s:
        calendar = work_calendar(s, start=closed_on, end=due)
    assert calendar.working_days_between(closed_on, due) == 10  # the catalogue kind's default
    # The first day the clock is within two working days of the due date.
    day = closed_on
    while calendar.working_days_between(day, due) > 2:
        with unit_of_work(db) as s:
            assert sweep_answer_clocks(s, now=_noon(day)) == 0
        day += timedelta(days=1)
    with unit_of_work(db) as s:
        assert sweep_answer_clocks(s, now=_noon(day)) == 2  # the drafter, by email and in the inbox
    with unit_of_work(db) as s:
        assert sweep_answer_clocks(s, now=_noon(due)) == 0  # never twice
    assert _messages(db, "answers_due_soon") == {
        ("rina@bkpsdm.example.id", Channel.EMAIL),
        ("rina@bkpsdm.example.id", Channel.INBOX),
    }
    assert _messages(db, "answers_overdue") == set()
    after = due + timedelta(days=1)
    with unit_of_work(db) as s:
        assert sweep_answer_clocks(s, now=_noon(after)) == 4  # drafter and unit head, both channels
    with unit_of_work(db) as s:
        assert sweep_answer_clocks(s, now=_noon(after + timedelta(days=7))) == 0
    assert {email for email, _ in _messages(db, "answers_overdue")} == {
        "rina@bkpsdm.example.id",
        "kepala@bkpsdm.example.id",
    }


def test_the_board_and_the_report_count_the_clocks(db: str, catalog: None) -> None:
    _, comment_id, due = _closed_with_a_comment(db)
    late = _noon(due + timedelta(days=3))
    with unit_of_work(db) as s:
        board = clocks.clock_board(s, unit=walk.UNIT, now=late)
    (owed,) = board.owed
    assert (owed.comment_id, owed.state, owed.due_on) == (comment_id, clocks.ClockState.OVERDUE, due)
    assert board.by_unit[walk.UNIT].overdue == 1
    assert board.by_drafter["Rina Perancang"].overdue == 1  # the drafter who opened the window
    with unit_of_work(db) as s:
        assert clocks.clock_board(s, unit="Unit lain", now=late).owed == []
    with unit_of_work(db) as s:
        drafter = s.exec(select(Account).where(Account.email == "rina@bkpsdm.example.id")).one()
        walk.answer(s, actor=walk.drafter({"drafter": drafter}), comment_id=comment_id, now=late)
    with unit_of_work(db) as s:
        board = clocks.clock_board(s, unit=walk.UNIT, now=late)
        report = build_report(s, slug=walk.SLUG, now=late)
    assert board.owed == [] and board.by_drafter["Rina Perancang"].late == 1
    assert report.timeliness == clocks.Timeliness(comments=1, answered=1, on_time=0, days=10)
    markdown = render_report(report, fmt="md")
    assert "| Dijawab tepat waktu (dalam 10 hari kerja sejak konsultasi ditutup) | 0 dari 1 |" in markdown
    assert "Answered on time (within 10 working days" in render_report(report, fmt="html", locale="en")
