"""Mentoring pairs and session attendance as a reader may see them (the rule: `workshops/privacy.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from policies.rollout.models import MentoringPair, SocializationAttendance
from policies.workshops.privacy import Disclosure


@dataclass(frozen=True)
class PairSeen:
    """A mentoring pair as a reader without NIPs sees it."""

    id: int
    cycle: int
    mentor_name: str
    mentee_name: str
    unit: str
    started_on: date
    ended_on: date | None
    mentor_nip: None = None
    mentee_nip: None = None


def shown_pairs(rows: list[MentoringPair], *, seen: Disclosure) -> list[MentoringPair] | list[PairSeen]:
    """Return the mentoring pairs as the reader may see them (none when only counts are public)."""
    if seen is Disclosure.FULL:
        return rows
    if seen is Disclosure.COUNT:
        return []
    return [
        PairSeen(
            id=r.id or 0,
            cycle=r.cycle,
            mentor_name=r.mentor_name,
            mentee_name=r.mentee_name,
            unit=r.unit,
            started_on=r.started_on,
            ended_on=r.ended_on,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class SessionAttendeeSeen:
    """A line of a socialization session's daftar hadir as a reader without NIPs sees it."""

    id: int
    name: str
    unit: str
    nip: None = None


def shown_session_attendance(
    rows: list[SocializationAttendance], *, seen: Disclosure
) -> list[SocializationAttendance] | list[SessionAttendeeSeen]:
    """Return a session's daftar hadir as the reader may see it (nobody when only counts are public)."""
    if seen is Disclosure.FULL:
        return rows
    if seen is Disclosure.COUNT:
        return []
    return [SessionAttendeeSeen(id=r.id or 0, name=r.name, unit=r.unit) for r in rows]
