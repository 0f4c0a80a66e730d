"""Working-day arithmetic across the year-end and Lebaran, with and without cuti bersama (no database)."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import holidays
import pytest

from policies.calendar.skb import CUTI_BERSAMA
from policies.calendar.workdays import WorkCalendar
from policies.consultation.clocks import ClockState, state_of

SKB = WorkCalendar.of(extra=(day for day, _ in CUTI_BERSAMA))
NATIONAL_ONLY = WorkCalendar.of()


def test_weekends_and_national_holidays_are_not_working_days() -> None:
    assert NATIONAL_ONLY.is_working_day(date(2026, 8, 14))  # a Friday
    assert not NATIONAL_ONLY.is_working_day(date(2026, 8, 15))  # Saturday
    assert not NATIONAL_ONLY.is_working_day(date(2026, 8, 17))  # Hari Kemerdekaan, a Monday
    assert NATIONAL_ONLY.is_working_day(date(2026, 12, 24))  # a Thursday, not a national holiday...
    assert not SKB.is_working_day(date(2026, 12, 24))  # ...but cuti bersama Natal


def test_the_start_day_is_never_counted() -> None:
    friday = date(2026, 8, 7)
    assert SKB.add_working_days(friday, 0) == friday
    assert SKB.add_working_days(friday, 1) == date(2026, 8, 10)  # the next Monday


def test_across_the_year_end() -> None:
    monday = date(2026, 12, 21)
    # 22, 23 | 24 cuti bersama, 25 Natal, 26-27 weekend | 28, 29, 30.
    assert SKB.add_working_days(monday, 5) == date(2026, 12, 30)
    assert NATIONAL_ONLY.add_working_days(monday, 5) == date(2026, 12, 29)
    # 31 | 1 Jan Tahun Baru, 2-3 weekend | 4 | 5 Isra Mikraj 1448 H | 6.
    assert SKB.add_working_days(monday, 8) == date(2027, 1, 6)
    assert SKB.working_days_between(monday, date(2027, 1, 6)) == 8
    assert SKB.working_days_between(date(2027, 1, 6), monday) == -8


def test_across_lebaran_2026() -> None:
    # The consultation closes on Tuesday 17 March 2026. Then: 18 cuti bersama Nyepi, 19 Nyepi,
    # 20 cuti bersama Idul Fitri, 21-22 Idul Fitri 1447 H (a weekend), 23-24 cuti bersama: the
    # first working day is the 25th. Ten working days end on 8 April (3 April is Good Friday).
    closed = date(2026, 3, 17)
    assert [SKB.is_working_day(date(2026, 3, d)) for d in range(18, 26)] == [False] * 7 + [True]
    assert SKB.add_working_days(closed, 1) == date(2026, 3, 25)
    assert SKB.add_working_days(closed, 10) == date(2026, 4, 8)
    # Without the SKB's cuti bersama the answer would be owed a week earlier.
    assert NATIONAL_ONLY.add_working_days(closed, 10) == date(2026, 4, 1)


def test_across_lebaran_2027() -> None:
    # Idul Fitri 1448 H on 10-11 March 2027, cuti bersama 9, 12 and 15 March; Nyepi on the 8th.
    closed = date(2027, 3, 5)  # a Friday
    assert SKB.add_working_days(closed, 1) == date(2027, 3, 16)
    assert SKB.add_working_days(closed, 10) == date(2027, 3, 31)  # 25 Mar cuti bersama, 26 Good Friday


def test_the_seeded_skb_matches_the_government_calendar_and_the_migration() -> None:
    # The holidays library keeps the SKB's days in its "government" category; the migration froze
    # its own copy of the same days.
    government = holidays.Indonesia(years=(2026, 2027), categories=("government",))
    assert {day for day, _ in CUTI_BERSAMA} == set(government)
    path = next(Path("policies/core/migrations/versions").glob("0024_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0024", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert [(day, name) for day, name, _ in module.CUTI_BERSAMA] == list(CUTI_BERSAMA)


@pytest.mark.parametrize(
    ("answered_on", "today", "state"),
    [
        (None, date(2026, 4, 8), ClockState.DUE),
        (None, date(2026, 4, 9), ClockState.OVERDUE),
        (date(2026, 4, 8), date(2026, 5, 1), ClockState.ON_TIME),
        (date(2026, 4, 9), date(2026, 5, 1), ClockState.LATE),
    ],
)
def test_clock_states(answered_on: date | None, today: date, state: ClockState) -> None:
    assert state_of(due=date(2026, 4, 8), answered_on=answered_on, today=today) is state


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        SKB.add_working_days(date(2026, 1, 5), -1)
