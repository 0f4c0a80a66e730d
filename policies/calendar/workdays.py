"""Working-day arithmetic over a set of closed days: pure, no database, no clock.

A day is a working day when it is Monday to Friday and not closed: not a national holiday (the
`holidays` library's Indonesian public calendar), not a cuti bersama of the SKB of three ministers,
not a regional holiday or decree an admin recorded. "N working days from a date" counts the days
after it, so a clock started on Friday evening does not spend Friday: the first day counted is the
next working day, the Nth is the due date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

SATURDAY = 5


@lru_cache(maxsize=32)
def national_holidays(*, year: int) -> frozenset[date]:
    """Return Indonesia's public holidays of a year (cuti bersama are not among them)."""
    return frozenset(holidays.Indonesia(years=year))


def national_holiday_names(*, year: int, locale: str = "id") -> list[tuple[date, str]]:
    """Return a year's public holidays with their names in Indonesian or English, in date order."""
    named = holidays.Indonesia(years=year, language="en_US" if locale == "en" else "id")
    return sorted(named.items())


@dataclass(frozen=True)
class WorkCalendar:
    """The days an office is closed beyond weekends: national holidays plus the recorded extra days."""

    extra: frozenset[date] = frozenset()

    @classmethod
    def of(cls, *, extra: Iterable[date] = ()) -> WorkCalendar:
        """Build a calendar with these extra closed days (cuti bersama, regional holidays, decrees)."""
        return cls(extra=frozenset(extra))

    def is_working_day(self, day: date) -> bool:
        """Tell whether the office is open on a day."""
        if day.weekday() >= SATURDAY:
            return False
        return day not in self.extra and day not in national_holidays(year=day.year)

    def add_working_days(self, start: date, days: int) -> date:
        """Return the date `days` working days after `start` (start itself is never counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day, left = start, days
        while left:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Count the working days after `start` up to and including `end` (negative when end is before)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(self.is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))
