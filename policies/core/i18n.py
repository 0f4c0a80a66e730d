"""Dates, times and numbers the Indonesian way ("17 Agustus 2026", "pukul 14.30 WIB")."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date as _format_date
from babel.dates import format_time as _format_time
from babel.numbers import format_decimal, format_percent

LOCALES = ("id", "en")
JAKARTA = ZoneInfo("Asia/Jakarta")
# Babel names the zone "GMT+07:00"; people here say WIB (and WITA, WIT further east).
_ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def format_date(value: date | datetime | None, *, locale: str = "id", tz: str = "Asia/Jakarta") -> str:
    """Format a date as "17 Agustus 2026" (or "August 17, 2026")."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(tz)).date()
    return _format_date(value, "long", locale=locale)


def format_time(value: datetime, *, locale: str = "id", tz: str = "Asia/Jakarta") -> str:
    """Format a time as "pukul 14.30 WIB" (or "2:30 PM WIB")."""
    local = value.astimezone(ZoneInfo(tz))
    zone = _ZONE_ABBREVIATIONS.get(tz, tz)
    if locale == "id":
        return f"pukul {_format_time(local, 'HH.mm', locale='id')} {zone}"
    return f"{_format_time(local, 'h:mm a', locale=locale)} {zone}"


def format_datetime(value: datetime | None, *, locale: str = "id", tz: str = "Asia/Jakarta") -> str:
    """Format a moment as "17 Agustus 2026, pukul 14.30 WIB"."""
    if value is None:
        return "—"
    return f"{format_date(value, locale=locale, tz=tz)}, {format_time(value, locale=locale, tz=tz)}"


@lru_cache(maxsize=8192)
def _format_count(value: int, locale: str) -> str:
    return format_decimal(value, locale=locale)


def format_number(value: float | int, *, locale: str = "id", digits: int | None = None) -> str:
    """Format a number as "1.234,56"."""
    if digits is None and type(value) is int:
        # Babel parses its pattern on every call; pages print the same counts hundreds of times.
        return _format_count(value, locale)
    if digits is None:
        return format_decimal(value, locale=locale)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale)


def format_share(value: float, *, locale: str = "id") -> str:
    """Format a share in 0..1 as a percentage, "62,5%"."""
    return format_percent(value, "#,##0.0%", locale=locale)


# Stage names as people say them (DESIGN.md's words), for messages built in the domain.
STAGE_NAMES: dict[str, tuple[str, str]] = {
    "drafting": ("Penyusunan", "Drafting"),
    "workshop": ("Lokakarya", "Workshop"),
    "consultation": ("Konsultasi publik", "Public consultation"),
    "socialization": ("Sosialisasi", "Socialization"),
    "evaluation": ("Evaluasi", "Evaluation"),
    "revision": ("Revisi", "Revision"),
    "withdrawn": ("Dicabut", "Withdrawn"),
}


def stage_name(value: str, *, locale: str = "id") -> str:
    """Name a stage in the given language ("konsultasi publik", not "consultation")."""
    names = STAGE_NAMES.get(str(value))
    if names is None:
        return str(value)
    return names[1] if locale == "en" else names[0]
