"""Reads and writes of the recorded closed days."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from policies.calendar.models import Holiday


def holidays_between(session: Session, *, start: date, end: date) -> list[Holiday]:
    """Return the recorded closed days from `start` to `end` inclusive, in date order."""
    stmt = (
        select(Holiday)
        .where(col(Holiday.closed_on) >= start, col(Holiday.closed_on) <= end)
        .order_by(col(Holiday.closed_on))
    )
    return list(session.exec(stmt))


_DAY = Holiday.__table__.c.closed_on  # type: ignore[attr-defined]
_CLOSED_DAYS = sa.select(_DAY).where(_DAY.between(sa.bindparam("start"), sa.bindparam("end"))).order_by(_DAY)


def closed_days_between(session: Session, *, start: date, end: date) -> list[date]:
    """Return the dates of the recorded closed days from `start` to `end` inclusive, in order."""
    # Built once and read as plain dates: every comment's receipt computes its due day from them.
    return list(session.execute(_CLOSED_DAYS, {"start": start, "end": end}).scalars())


def all_holidays(session: Session) -> list[Holiday]:
    """Return every recorded closed day, in date order."""
    return list(session.exec(select(Holiday).order_by(col(Holiday.closed_on))))


def holiday_on(session: Session, *, closed_on: date) -> Holiday | None:
    """Return the recorded closed day on a date, if any."""
    return session.exec(select(Holiday).where(col(Holiday.closed_on) == closed_on)).first()
