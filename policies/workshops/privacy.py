"""Who sees the people of a policy's workshops and mentoring pairs: names, units and the NIPs.

A NIP encodes a civil servant's birth date, appointment date and sex. It is shown only to the
owning unit's staff and to admins. Everyone else sees names and units where the policy's kind
says participation is public (`attendance_public` in the kind's rules), and counts otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_kind
from policies.workshops.models import WorkshopAttendance


class Disclosure(Enum):
    """How much of the people a reader sees."""

    FULL = "full"  # names, units and NIPs
    NAMES = "names"  # names and units
    COUNT = "count"  # how many, nobody named


def sees_nips(actor: Actor | None, *, policy: Policy) -> bool:
    """Tell whether the actor may see NIPs: admins, and staff (not stakeholders) of the owning unit."""
    if actor is None:
        return False
    if actor.role is Role.ADMIN:
        return True
    return actor.role is not Role.STAKEHOLDER and bool(actor.unit) and actor.unit == policy.unit


def disclosure(session: Session, *, actor: Actor | None, policy: Policy) -> Disclosure:
    """Return how much of the policy's workshop attendance and mentoring pairs the actor sees."""
    if sees_nips(actor, policy=policy):
        return Disclosure.FULL
    kind = get_kind(session, kind_id=policy.kind_id)
    return Disclosure.NAMES if kind.rules.get("attendance_public") is True else Disclosure.COUNT


@dataclass(frozen=True)
class AttendeeSeen:
    """A line of the daftar hadir as a reader without NIPs sees it."""

    id: int
    name: str
    unit: str
    account_id: None = None
    nip: None = None


def shown_attendance(
    rows: list[WorkshopAttendance], *, seen: Disclosure
) -> list[WorkshopAttendance] | list[AttendeeSeen]:
    """Return the daftar hadir as the reader may see it (nobody when only counts are public)."""
    if seen is Disclosure.FULL:
        return rows
    if seen is Disclosure.COUNT:
        return []
    return [AttendeeSeen(id=r.id or 0, name=r.name, unit=r.unit) for r in rows]
