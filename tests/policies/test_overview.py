"""The drafters' board: whose policies each role sees on it."""

from __future__ import annotations

import pytest

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.lifecycle.overview import board_unit


@pytest.mark.parametrize("role", list(Role))
def test_a_drafter_sees_their_unit_everyone_else_every_unit(role: Role) -> None:
    viewer = Actor(id=1, name="Rina", role=role, unit="BKPSDM")
    assert board_unit(viewer) == ("BKPSDM" if role is Role.DRAFTER else None)
