"""Shared setup of the comment-register tests: an open consultation and real accounts."""

from __future__ import annotations

from datetime import timedelta

from policies.accounts.access import Actor
from policies.accounts.actions import actor_of
from policies.accounts.models import Account, Role
from policies.consultation.queries import current_window
from policies.core.db import unit_of_work
from policies.drafting.queries import clauses_of
from policies.lifecycle.queries import get_policy
from tests.conftest import NOW
from tests.policies.test_lifecycle_actions import SLUG, open_consultation

UNIT = "BKPSDM Kota Tangerang Selatan"
LATER = NOW + timedelta(hours=1)

__all__ = ["LATER", "NOW", "SLUG", "UNIT", "account", "clause_keys", "open_consultation"]


def account(
    db: str, *, email: str, role: Role = Role.STAKEHOLDER, unit: str = "", group: str = "public"
) -> Actor:
    """Create an account and return its actor."""
    with unit_of_work(db) as s:
        row = Account(
            email=email,
            name=email.split("@")[0].title(),
            password_hash="x",
            role=role,
            unit=unit,
            group=group,
            email_verified_at=NOW,  # made as an admin makes accounts: verified
        )
        s.add(row)
        s.flush()
        return actor_of(row)


def clause_keys(db: str) -> list[str]:
    """Return the keys of the clauses of the version under consultation."""
    with unit_of_work(db) as s:
        window = current_window(s, policy=get_policy(s, slug=SLUG))
        assert window is not None
        return [c.key for c in clauses_of(s, version_id=window.version_id)]
