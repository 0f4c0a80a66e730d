"""The socialization reach as the gate reads it: who attended, who acknowledged, against the audience."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from policies.lifecycle.models import Policy
from policies.lifecycle.queries import gather_evidence


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
