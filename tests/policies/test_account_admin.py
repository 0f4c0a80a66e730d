"""An admin lists accounts, moves one to another unit or jabatan, and deactivates or reactivates one."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from policies.accounts import actions as accounts
from policies.accounts import signin
from policies.accounts.access import Actor
from policies.accounts.admin import list_accounts, update_account
from policies.accounts.models import Account, Role, StakeholderGroup
from policies.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.conftest import NOW

UNIT = "BKPSDM Kota Tangerang Selatan"


def _make(session: Session, *, email: str, role: Role, unit: str = "", group: str = "public") -> Account:
    account = Account(
        email=email, name=email.split("@")[0].title(), password_hash="x", role=role, unit=unit, group=group
    )
    session.add(account)
    session.flush()
    return account


@pytest.fixture
def admin(session: Session) -> Actor:
    return accounts.actor_of(_make(session, email="admin@siklus.test", role=Role.ADMIN))


def test_the_list_puts_staff_first_and_only_admins_read_it(session: Session, admin: Actor) -> None:
    _make(session, email="warga@siklus.test", role=Role.STAKEHOLDER)
    drafter = _make(session, email="rina@siklus.test", role=Role.DRAFTER, unit=UNIT)
    roles = [a.role for a in list_accounts(session, actor=admin)]
    assert roles == [Role.ADMIN, Role.DRAFTER, Role.STAKEHOLDER]
    with pytest.raises(PermissionDenied) as refused:
        list_accounts(session, actor=accounts.actor_of(drafter))
    assert "admin" in refused.value.in_language("id")[1].lower()


def test_a_civil_servant_moved_to_another_unit_and_jabatan_reaches_there(
    session: Session, admin: Actor
) -> None:
    asn = _make(
        session, email="sari@siklus.test", role=Role.STAKEHOLDER, unit="Dinas Pendidikan", group="asn"
    )
    moved = update_account(
        session, actor=admin, account_id=asn.id or 0, unit="  Dinas Kesehatan ", position="Kepala Puskesmas"
    )
    assert (moved.unit, moved.position, moved.active) == ("Dinas Kesehatan", "Kepala Puskesmas", True)
    # What is left out keeps its value; a blank jabatan is "none".
    assert update_account(session, actor=admin, account_id=asn.id or 0, position="").unit == "Dinas Kesehatan"
    assert asn.position == ""


def test_a_unit_a_role_needs_cannot_be_emptied(session: Session, admin: Actor) -> None:
    drafter = _make(session, email="rina@siklus.test", role=Role.DRAFTER, unit=UNIT)
    asn = _make(
        session, email="sari@siklus.test", role=Role.STAKEHOLDER, unit=UNIT, group=StakeholderGroup.ASN.value
    )
    for account in (drafter, asn):
        with pytest.raises(InvalidInput) as refused:
            update_account(session, actor=admin, account_id=account.id or 0, unit=" ")
        assert refused.value.field == "unit"
    assert (drafter.unit, asn.unit) == (UNIT, UNIT)
    with pytest.raises(InvalidInput) as too_long:
        update_account(session, actor=admin, account_id=drafter.id or 0, position="J" * 121)
    assert too_long.value.field == "position"


def test_a_deactivated_account_cannot_use_its_token_and_a_reactivated_one_can(
    session: Session, admin: Actor
) -> None:
    made = accounts.create_account(
        session,
        actor=admin,
        email="moderator@siklus.test",
        name="Moderator",
        password="kata-sandi-123",
        role=Role.MODERATOR,
    )
    token = signin.login(
        session, email="moderator@siklus.test", password="kata-sandi-123", now=NOW, ttl_hours=1
    ).token
    assert accounts.actor_for_token(session, token=token, now=NOW) is not None
    update_account(session, actor=admin, account_id=made.id or 0, active=False)
    assert accounts.actor_for_token(session, token=token, now=NOW) is None
    update_account(session, actor=admin, account_id=made.id or 0, active=True)
    assert accounts.actor_for_token(session, token=token, now=NOW) is not None


def test_an_admin_cannot_deactivate_their_own_account_nor_change_one_that_is_not_there(
    session: Session, admin: Actor
) -> None:
    with pytest.raises(Conflict) as refused:
        update_account(session, actor=admin, account_id=admin.id or 0, active=False)
    assert (
        refused.value.in_language("en")[1]
        == "You cannot deactivate your own account; ask another admin to do it."
    )
    with pytest.raises(NotFound):
        update_account(session, actor=admin, account_id=10_000, position="Analis")
    other = accounts.actor_of(_make(session, email="rina@siklus.test", role=Role.DRAFTER, unit=UNIT))
    with pytest.raises(PermissionDenied):
        update_account(session, actor=other, account_id=other.id or 0, position="Kepala")
