"""An admin amends the closed days; every clock reads the calendar built here."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from policies.accounts.access import Actor, require_role
from policies.accounts.models import Role
from policies.calendar import queries
from policies.calendar.models import Holiday, HolidayKind
from policies.calendar.workdays import WorkCalendar, national_holidays
from policies.core.errors import Conflict, NotFound
from policies.core.fields import clean_text
from policies.core.i18n import format_date

# A clock started in one year ends at most a few weeks into the next: read a margin either side.
MARGIN_DAYS = 120


def work_calendar(session: Session, *, start: date, end: date) -> WorkCalendar:
    """Return the calendar closed on the recorded days around `start`..`end`."""
    days = queries.closed_days_between(
        session, start=start - timedelta(days=MARGIN_DAYS), end=end + timedelta(days=MARGIN_DAYS)
    )
    return WorkCalendar.of(extra=days)


def add_holiday(
    session: Session, *, actor: Actor | None, closed_on: date, name: str, kind: HolidayKind, basis: str = ""
) -> Holiday:
    """Record a closed day (admins): a regional holiday, a decree, a cuti bersama the SKB added."""
    admin = require_role(actor, Role.ADMIN)
    name = clean_text(
        name,
        field="name",
        label="Nama hari libur",
        label_en="The holiday's name",
        max_chars=200,
        min_chars=1,
        single_line=True,
    )
    basis = clean_text(basis, field="basis", label="Dasar hukum", label_en="The legal basis", max_chars=2000)
    if closed_on in national_holidays(year=closed_on.year):
        raise Conflict(
            f"{format_date(closed_on)} sudah libur nasional; tidak perlu dicatat lagi.",
            en=f"{format_date(closed_on, locale='en')} is already a national holiday; no need to record it.",
        )
    if queries.holiday_on(session, closed_on=closed_on) is not None:
        raise Conflict(
            f"{format_date(closed_on)} sudah tercatat sebagai hari libur; hapus dulu untuk mengubahnya.",
            en=f"{format_date(closed_on, locale='en')} is already recorded as a day off; remove it first "
            "to change it.",
        )
    row = Holiday(closed_on=closed_on, name=name, kind=kind, basis=basis, created_by_id=admin.id)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError as exc:
        raise Conflict(
            "Hari itu baru saja dicatat dari permintaan lain.",
            en="That day was just recorded from another request.",
        ) from exc
    return row


def remove_holiday(session: Session, *, actor: Actor | None, holiday_id: int) -> Holiday:
    """Remove a recorded closed day (admins): a decree revoked, a cuti bersama cancelled."""
    require_role(actor, Role.ADMIN)
    row = session.get(Holiday, holiday_id)
    if row is None:
        raise NotFound(
            f"Hari libur #{holiday_id} tidak ada.", en=f"There is no recorded holiday #{holiday_id}."
        )
    session.delete(row)
    session.flush()
    return row
