"""Answer clocks: every comment is owed an answer within N working days of its consultation's close.

N comes from the policy kind's catalogue rules (`answer_working_days`, 10 by default, as SP4N-LAPOR!
closes a report after ten working days); the days are Indonesian working days
(policies/calendar). The clock runs from the window's close as planned while it is open (a
commenter learns the date at once) and from the actual close afterwards (a consultation closed
early owes its answers earlier). A due date is computed, never stored: an admin who records a
regional holiday moves every clock it touches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from policies.calendar.actions import work_calendar
from policies.calendar.workdays import WorkCalendar
from policies.consultation.models import ConsultationWindow
from policies.consultation.queries import clocks as queries
from policies.core.i18n import JAKARTA

DEFAULT_ANSWER_DAYS = 10
DEFAULT_REMINDER_DAYS = 2


class ClockState(StrEnum):
    """Where a comment's answer stands against its due date."""

    DUE = "due"
    OVERDUE = "overdue"
    ON_TIME = "on_time"
    LATE = "late"


def answer_days(rules: Mapping[str, Any]) -> int:
    """Return the working days a kind allows for an answer."""
    return int(rules.get("answer_working_days", DEFAULT_ANSWER_DAYS))


def reminder_days(rules: Mapping[str, Any]) -> int:
    """Return how many working days before the due date the drafters are reminded."""
    return int(rules.get("answer_reminder_working_days", DEFAULT_REMINDER_DAYS))


def local_day(moment: datetime) -> date:
    """Return the day a moment falls on in Jakarta, where the clock's office is."""
    return moment.astimezone(JAKARTA).date()


def noon_of(day: date) -> datetime:
    """Return noon of a Jakarta day: a date the outbox's templates read as a moment, on the right day."""
    return datetime.combine(day, time(12), JAKARTA)


def closes_on(*, closes_at: datetime, closed_at: datetime | None) -> date:
    """Return the day a clock starts: the actual close, or the planned one while the window is open."""
    return local_day(closed_at or closes_at)


def window_due_on(calendar: WorkCalendar, *, window: ConsultationWindow, rules: Mapping[str, Any]) -> date:
    """Return the date every answer of a window is due."""
    start = closes_on(closes_at=window.closes_at, closed_at=window.closed_at)
    return calendar.add_working_days(start, answer_days(rules))


def due_on(session: Session, *, window: ConsultationWindow, rules: Mapping[str, Any]) -> date:
    """Return the date a window's answers are due, on the recorded calendar."""
    start = closes_on(closes_at=window.closes_at, closed_at=window.closed_at)
    return window_due_on(work_calendar(session, start=start, end=start), window=window, rules=rules)


def state_of(*, due: date, answered_on: date | None, today: date) -> ClockState:
    """Say whether an answer is due, overdue, or came on time or late."""
    if answered_on is not None:
        return ClockState.ON_TIME if answered_on <= due else ClockState.LATE
    return ClockState.DUE if today <= due else ClockState.OVERDUE


@dataclass(frozen=True)
class ClockItem:
    """One comment's clock."""

    comment_id: int
    tracking_number: str
    clause_key: str
    slug: str
    title: str
    unit: str
    opener_id: int | None
    responder_id: int | None
    due_on: date
    state: ClockState


@dataclass
class Tally:
    """How many answers are due, overdue, came on time and came late."""

    due: int = 0
    overdue: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def answered(self) -> int:
        """Count the answers given."""
        return self.on_time + self.late

    def add(self, state: ClockState) -> None:
        """Count one clock."""
        setattr(self, state.value, getattr(self, state.value) + 1)


def clock_items(
    session: Session, *, today: date, unit: str | None = None, window_ids: Sequence[int] | None = None
) -> list[ClockItem]:
    """Return the clocks of the visible comments (of a unit's policies, or of these windows)."""
    rows = queries.clocked_comments(session, unit=unit, window_ids=window_ids)
    if not rows:
        return []
    starts = [closes_on(closes_at=r[4], closed_at=r[5]) for r in rows]
    calendar = work_calendar(session, start=min(starts), end=max(starts))
    due_by_window: dict[int, date] = {}
    items = []
    for row, start in zip(rows, starts, strict=True):
        cid, number, clause, wid, _, _, opener, slug, title, unit_name, rules, answered_at, responder = row
        if wid not in due_by_window:
            due_by_window[wid] = calendar.add_working_days(start, answer_days(rules or {}))
        due = due_by_window[wid]
        answered_on = local_day(answered_at) if answered_at is not None else None
        items.append(
            ClockItem(
                comment_id=cid,
                tracking_number=number,
                clause_key=clause,
                slug=slug,
                title=title,
                unit=unit_name,
                opener_id=opener,
                responder_id=responder,
                due_on=due,
                state=state_of(due=due, answered_on=answered_on, today=today),
            )
        )
    return items


@dataclass
class ClockBoard:
    """The board's answer clocks: what is owed, soonest first, and the tallies per unit and drafter."""

    owed: list[ClockItem] = field(default_factory=list)
    by_unit: dict[str, Tally] = field(default_factory=dict)
    by_drafter: dict[str, Tally] = field(default_factory=dict)


def clock_board(session: Session, *, unit: str | None, now: datetime) -> ClockBoard:
    """Gather the clocks a board shows: a drafter's unit's (or every unit's, `unit` None)."""
    items = clock_items(session, today=local_day(now), unit=unit)
    board = ClockBoard()
    by_unit: dict[str, Tally] = defaultdict(Tally)
    by_person: dict[int | None, Tally] = defaultdict(Tally)
    for item in items:
        by_unit[item.unit].add(item.state)
        # An answer counts for whoever gave it; an owed one for the drafter who opened the window.
        answered = item.state in (ClockState.ON_TIME, ClockState.LATE)
        by_person[item.responder_id if answered else item.opener_id].add(item.state)
        if not answered:
            board.owed.append(item)
    board.owed.sort(key=lambda i: (i.due_on, i.comment_id))
    names = queries.account_names(session, account_ids=[i for i in by_person if i is not None])
    board.by_unit = dict(sorted(by_unit.items()))
    board.by_drafter = {names.get(i, "—") if i is not None else "—": t for i, t in by_person.items()}
    return board


@dataclass(frozen=True)
class Timeliness:
    """How many of a consultation's answers came within their working days."""

    comments: int
    answered: int
    on_time: int
    days: int


def timeliness(
    session: Session, *, window_ids: Sequence[int], rules: Mapping[str, Any], now: datetime
) -> Timeliness:
    """Count a consultation's answers and those given on time (for its report)."""
    items = clock_items(session, today=local_day(now), window_ids=window_ids)
    tally = Tally()
    for item in items:
        tally.add(item.state)
    return Timeliness(
        comments=len(items), answered=tally.answered, on_time=tally.on_time, days=answer_days(rules)
    )
