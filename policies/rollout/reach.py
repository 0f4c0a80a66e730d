"""The socialization reach as the gate reads it: who attended, who acknowledged, against the audience."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from policies.accounts.queries import active_accounts
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import gather_evidence
from policies.rollout.queries import (
    acknowledgements_by_version_and_unit,
    latest_acknowledgements,
    latest_adoption,
)
from policies.rollout.resocialization import ChangeScope, change_scope


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


def reach_by_unit(session: Session, *, policy: Policy) -> list[UnitReach]:
    """Return, per unit, who read the adopted version, whose earlier reading stands, and who owes it."""
    adoption = latest_adoption(session, policy_id=policy.id)  # type: ignore[arg-type]
    if adoption is None:
        return []
    last = latest_acknowledgements(session, policy_id=policy.id)  # type: ignore[arg-type]
    scopes: dict[int, ChangeScope] = {}
    tally: dict[str, list[int]] = {}
    for account in active_accounts(session, group="asn"):
        row = tally.setdefault(account.unit, [0, 0, 0, 0, 0])
        row[0] += 1
        ack = last.get(account.id)  # type: ignore[arg-type]
        if ack is None:
            row[4] += 1
        elif ack.version_id == adoption.version_id:
            row[1] += 1
        else:
            if ack.version_id not in scopes:
                scopes[ack.version_id] = change_scope(
                    session, policy=policy, old_version_id=ack.version_id, new_version_id=adoption.version_id
                )
            row[3 if scopes[ack.version_id].for_unit(account.unit) else 2] += 1
    return [UnitReach(unit, *counts) for unit, counts in sorted(tally.items())]


def reach_by_version(session: Session, *, policy: Policy) -> list[VersionReach]:
    """Return how many acknowledged each version of the policy, per unit."""
    rows = acknowledgements_by_version_and_unit(session, policy_id=policy.id)  # type: ignore[arg-type]
    return [VersionReach(number, unit, count) for number, unit, count in rows]
