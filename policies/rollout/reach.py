"""The socialization reach as the gate reads it: who attended, who acknowledged, against the audience."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from policies.accounts.models import Account
from policies.accounts.queries import active_accounts
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import gather_evidence
from policies.rollout.queries import (
    acknowledgements_by_version_and_unit,
    latest_acknowledgements,
    latest_adoption,
)
from policies.rollout.resocialization import ChangeScope, change_scope, position_key


@dataclass(frozen=True)
class Reach:
    """The figures behind the `reach_at_target` gate of the current cycle."""

    audience_size: int
    attendance_total: int
    acknowledgements: int
    share: float
    target: float

    @property
    def met(self) -> bool:
        """Tell whether the gate's target is reached (the gate's own comparison)."""
        return self.audience_size > 0 and self.share + 1e-9 >= self.target


def reach_of(session: Session, *, policy: Policy, now: datetime) -> Reach:
    """Return the reach of the policy's current cycle from the same snapshot the gates read."""
    ev = gather_evidence(session, policy=policy, now=now)
    return Reach(
        audience_size=ev.audience_size,
        attendance_total=ev.attendance_total,
        acknowledgements=ev.acknowledgements,
        share=ev.reach,
        target=ev.rules.socialization_reach_target,
    )


@dataclass(frozen=True)
class UnitReach:
    """How one work unit's civil servants stand with the adopted version."""

    unit: str
    audience: int  # the unit's civil servants (active ASN accounts)
    acknowledged: int  # read the adopted version itself
    carried: int  # read an earlier version, and no change since applies to their unit
    asked_again: int  # read an earlier version, and must read the changes for their unit
    never: int  # have acknowledged no version yet


@dataclass(frozen=True)
class VersionReach:
    """How many of a unit acknowledged one version."""

    version_number: int
    unit: str
    acknowledged: int


@dataclass(frozen=True)
class PositionReach:
    """How the holders of one position (jabatan, any case) stand with the adopted version."""

    position: str
    audience: int
    acknowledged: int
    carried: int
    asked_again: int
    never: int


def _standings(session: Session, *, policy: Policy) -> list[tuple[Account, int]] | None:
    """Return each active civil servant with their standing: an index into the reach columns."""
    adoption = latest_adoption(session, policy_id=policy.id)  # type: ignore[arg-type]
    if adoption is None:
        return None
    last = latest_acknowledgements(session, policy_id=policy.id)  # type: ignore[arg-type]
    scopes: dict[int, ChangeScope] = {}
    found: list[tuple[Account, int]] = []
    for account in active_accounts(session, group="asn"):
        ack = last.get(account.id)  # type: ignore[arg-type]
        if ack is None:
            found.append((account, NEVER))
            continue
        if ack.version_id == adoption.version_id:
            found.append((account, ACKNOWLEDGED))
            continue
        if ack.version_id not in scopes:
            scopes[ack.version_id] = change_scope(
                session, policy=policy, old_version_id=ack.version_id, new_version_id=adoption.version_id
            )
        owes = scopes[ack.version_id].for_reader(unit=account.unit, position=account.position)
        found.append((account, ASKED_AGAIN if owes else CARRIED))
    return found


# The columns of a reach row after the audience, in order.
ACKNOWLEDGED, CARRIED, ASKED_AGAIN, NEVER = 1, 2, 3, 4


def reach_by_unit(session: Session, *, policy: Policy) -> list[UnitReach]:
    """Return, per unit, who read the adopted version, whose earlier reading stands, and who owes it."""
    tally: dict[str, list[int]] = {}
    for account, standing in _standings(session, policy=policy) or []:
        row = tally.setdefault(account.unit, [0, 0, 0, 0, 0])
        row[0] += 1
        row[standing] += 1
    return [UnitReach(unit, *counts) for unit, counts in sorted(tally.items())]


def reach_by_position(session: Session, *, policy: Policy) -> list[PositionReach]:
    """Return, per position (spellings that differ only in case or spacing together), the same standings."""
    tally: dict[str, list[int]] = {}
    shown: dict[str, str] = {}
    for account, standing in _standings(session, policy=policy) or []:
        if not account.position.strip():
            continue  # no jabatan given: counted per unit only
        key = position_key(account.position)
        shown.setdefault(key, " ".join(account.position.split()))
        row = tally.setdefault(key, [0, 0, 0, 0, 0])
        row[0] += 1
        row[standing] += 1
    return [PositionReach(shown[key], *counts) for key, counts in sorted(tally.items())]


def reach_by_version(session: Session, *, policy: Policy) -> list[VersionReach]:
    """Return how many acknowledged each version of the policy, per unit."""
    rows = acknowledgements_by_version_and_unit(session, policy_id=policy.id)  # type: ignore[arg-type]
    return [VersionReach(number, unit, count) for number, unit, count in rows]
