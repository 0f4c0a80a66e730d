"""Reads of a policy's adoption."""

from __future__ import annotations

from sqlmodel import Session, col, select

from policies.lifecycle.models import Policy
from policies.rollout.models import Adoption


def current_adoption(session: Session, *, policy: Policy) -> Adoption | None:
    """Return the adoption of the current cycle, if recorded."""
    stmt = select(Adoption).where(Adoption.policy_id == policy.id, Adoption.cycle == policy.cycle)
    return session.exec(stmt).first()


def latest_adoption(session: Session, *, policy_id: int) -> Adoption | None:
    """Return the most recent adoption of any cycle."""
    stmt = select(Adoption).where(Adoption.policy_id == policy_id)
    return session.exec(stmt.order_by(col(Adoption.cycle).desc())).first()
