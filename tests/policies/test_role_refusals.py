"""Every role has its names in the one role table, so every refusal that names a role can be written."""

from __future__ import annotations

import pytest

from policies.accounts.access import (
    CONSULTATION_PART,
    ROLES,
    Actor,
    require_owner,
    require_role,
    require_stakeholder,
)
from policies.accounts.models import Role
from policies.core.errors import PermissionDenied
from policies.lifecycle.models import Policy

DOING = ("memberi masukan", "comment")


def _actor(role: Role) -> Actor:
    return Actor(id=7, name="Uji", role=role, unit="Unit Lain")


def _texts(refusal: PermissionDenied) -> tuple[str, str]:
    return refusal.in_language("id")[1], refusal.in_language("en")[1]


def test_the_role_table_covers_every_role() -> None:
    assert set(ROLES) == set(Role)
    for role, names in ROLES.items():
        assert names.name and names.name_en, role
        assert names.in_consultation and names.in_consultation_en, role


@pytest.mark.parametrize("required", list(Role))
@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_a_role_refusal_names_the_roles_asked_for(role: Role, required: Role) -> None:
    if role is required:
        assert require_role(_actor(role), required).role is role
        return
    with pytest.raises(PermissionDenied) as refused:
        require_role(_actor(role), required)
    text_id, text_en = _texts(refused.value)
    assert ROLES[required].name in text_id and ROLES[required].name_en in text_en


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.STAKEHOLDER])
@pytest.mark.parametrize("instead", [None, CONSULTATION_PART], ids=["plain", "consultation"])
def test_a_stakeholder_only_refusal_names_the_callers_role(
    role: Role, instead: dict[Role, tuple[str, str]] | None
) -> None:
    with pytest.raises(PermissionDenied) as refused:
        require_stakeholder(_actor(role), doing=DOING, instead=instead)
    text_id, text_en = _texts(refused.value)
    assert text_id.startswith("Hanya pemangku kepentingan yang dapat memberi masukan; ")
    assert text_en.startswith("Only stakeholders can comment; ")
    if instead is None:
        assert ROLES[role].name in text_id and ROLES[role].name_en in text_en
    else:
        assert ROLES[role].in_consultation in text_id and ROLES[role].in_consultation_en in text_en


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.ADMIN, Role.DRAFTER)])
def test_an_owner_refusal_names_the_drafter_role(role: Role) -> None:
    policy = Policy(slug="uji", title="Uji", kind_id=1, region="Kota Uji", unit="Unit Uji")
    with pytest.raises(PermissionDenied) as refused:
        require_owner(_actor(role), policy=policy)
    text_id, text_en = _texts(refused.value)
    assert ROLES[Role.DRAFTER].name in text_id and ROLES[Role.DRAFTER].name_en in text_en
