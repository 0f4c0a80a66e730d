"""The rule of who sees whom, without HTTP: NIPs for the owning unit's staff and admins only."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.lifecycle.queries import get_kind, get_policy
from policies.workshops.privacy import Disclosure, disclosure, sees_nips

SLUG = "perwal-kebijakan-kepegawaian-asn-2026"
UNIT = "BKPSDM Kota Tangerang Selatan"


@pytest.mark.parametrize(
    ("role", "unit", "sees"),
    [
        (Role.ADMIN, "", True),
        (Role.DRAFTER, UNIT, True),
        (Role.EVALUATOR, UNIT, True),
        (Role.MODERATOR, UNIT, True),
        (Role.STAKEHOLDER, UNIT, False),
        (Role.DRAFTER, "BKPSDM Kabupaten Lampung Selatan", False),
        (Role.MODERATOR, "", False),
    ],
)
def test_nips_are_for_the_owning_units_staff_and_admins(
    session: Session, catalog: None, role: Role, unit: str, sees: bool
) -> None:
    policy = get_policy(session, slug=SLUG)
    actor = Actor(id=1, name="Uji", role=role, unit=unit)
    assert sees_nips(actor, policy=policy) is sees
    assert (disclosure(session, actor=actor, policy=policy) is Disclosure.FULL) is sees


def test_the_public_sees_counts_unless_the_kind_publishes_names(session: Session, catalog: None) -> None:
    policy = get_policy(session, slug=SLUG)
    assert sees_nips(None, policy=policy) is False
    assert disclosure(session, actor=None, policy=policy) is Disclosure.COUNT
    kind = get_kind(session, kind_id=policy.kind_id)
    kind.rules = {**kind.rules, "attendance_public": True}
    session.add(kind)
    session.flush()
    assert disclosure(session, actor=None, policy=policy) is Disclosure.NAMES
