"""Accounts: registration rules, admin-created roles, argon2 hashes, tokens stored as hashes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from policies.accounts import actions as accounts
from policies.accounts.access import SYSTEM, Actor
from policies.accounts.models import Account, ApiToken, Role, StakeholderGroup
from policies.core.errors import Conflict, InvalidInput, NotAuthenticated, PermissionDenied
from policies.outbox.models import Reminder
from tests.conftest import NOW

NIP = "198703152010011002"


def _register(session: Session, **kw: object) -> Account:
    values: dict[str, object] = {"email": "budi@example.id", "name": "Budi", "password": "rahasia-123"}
    values.update(kw)
    made = accounts.register_stakeholder(session, **values)  # type: ignore[arg-type]
    assert made is not None
    return made


def test_register_hashes_with_argon2_and_normalizes_email(session: Session) -> None:
    account = _register(session, email="  Budi@Example.ID ")
    assert account.email == "budi@example.id"
    assert account.role is Role.STAKEHOLDER and account.group == "public"
    assert account.password_hash.startswith("$argon2")
    assert "rahasia-123" not in account.password_hash


def test_asn_needs_an_18_digit_nip_and_a_unit(session: Session) -> None:
    with pytest.raises(InvalidInput) as info:
        _register(session, group=StakeholderGroup.ASN, nip="12345", unit="Dinas Pendidikan")
    assert info.value.field == "nip"
    with pytest.raises(InvalidInput) as info:
        _register(session, group=StakeholderGroup.ASN, nip=NIP)
    assert info.value.field == "unit"
    asn = _register(session, group=StakeholderGroup.ASN, nip=NIP, unit="Dinas Pendidikan")
    assert (asn.group, asn.nip, asn.unit) == ("asn", NIP, "Dinas Pendidikan")


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"email": "bukan-email"}, "email"),
        ({"password": "pendek"}, "password"),
        ({"name": "   "}, "name"),
        ({"nip": "abc"}, "nip"),
    ],
)
def test_each_invalid_field_is_named(session: Session, kw: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        _register(session, **kw)
    assert info.value.field == field


def test_a_second_sign_up_with_an_email_makes_no_account_and_tells_its_owner(session: Session) -> None:
    owner = _register(session)
    again = accounts.register_stakeholder(
        session, email="BUDI@example.id", name="Penyusup", password="kata-sandi-lain-9"
    )
    assert again is None
    assert [a.name for a in session.exec(select(Account)).all()] == ["Budi"]
    told = session.exec(select(Reminder).where(Reminder.template == "already_registered")).one()
    assert (told.recipient_account_id, told.recipient_email) == (owner.id, "budi@example.id")


def test_an_admin_still_hears_that_an_email_is_taken(session: Session) -> None:
    _register(session)
    with pytest.raises(Conflict, match="sudah terdaftar"):
        accounts.create_account(
            session,
            actor=SYSTEM,
            email="BUDI@example.id",
            name="B",
            password="rahasia-123",
            role=Role.MODERATOR,
        )


def test_only_an_admin_creates_other_roles_and_a_drafter_needs_a_unit(session: Session) -> None:
    drafter = Actor(id=None, name="Rina", role=Role.DRAFTER, unit="BKPSDM")
    with pytest.raises(PermissionDenied):
        accounts.create_account(
            session, actor=drafter, email="x@y.id", name="X", password="rahasia-123", role=Role.ADMIN
        )
    with pytest.raises(InvalidInput) as info:
        accounts.create_account(
            session, actor=SYSTEM, email="x@y.id", name="X", password="rahasia-123", role=Role.DRAFTER
        )
    assert info.value.field == "unit"
    made = accounts.create_account(
        session,
        actor=SYSTEM,
        email="rina@bkpsdm.id",
        name="Rina",
        password="rahasia-123",
        role=Role.DRAFTER,
        unit="BKPSDM Kota Tangerang Selatan",
    )
    assert (made.role, made.unit) == (Role.DRAFTER, "BKPSDM Kota Tangerang Selatan")


def test_login_stores_only_the_token_hash_and_resolves_the_actor(session: Session) -> None:
    account = _register(session, group=StakeholderGroup.ASN, nip=NIP, unit="Dinas Pendidikan")
    issued = accounts.login(session, email="budi@example.id", password="rahasia-123", now=NOW, ttl_hours=2)
    assert issued.expires_at == NOW + timedelta(hours=2)
    stored = session.exec(select(ApiToken)).one()
    assert stored.token_hash == accounts.hash_token(issued.token) != issued.token
    actor = accounts.actor_for_token(session, token=issued.token, now=NOW)
    # The role must be the enum itself: access checks compare roles with `is`.
    assert actor is not None and actor.role is Role.STAKEHOLDER
    assert actor == Actor(
        id=account.id,
        name="Budi",
        role=Role.STAKEHOLDER,
        unit="Dinas Pendidikan",
        group="asn",
        verified=False,
    )


def test_bad_credentials_say_so_without_telling_which(session: Session) -> None:
    _register(session)
    for email, password in (("budi@example.id", "salah-sandi"), ("tidak@ada.id", "rahasia-123")):
        with pytest.raises(NotAuthenticated, match="Email atau kata sandi salah"):
            accounts.login(session, email=email, password=password, now=NOW, ttl_hours=1)


def test_tokens_expire_and_can_be_revoked(session: Session) -> None:
    _register(session)
    issued = accounts.login(session, email="budi@example.id", password="rahasia-123", now=NOW, ttl_hours=1)
    assert accounts.actor_for_token(session, token=issued.token, now=NOW + timedelta(minutes=59)) is not None
    assert accounts.actor_for_token(session, token=issued.token, now=NOW + timedelta(hours=1)) is None
    assert accounts.actor_for_token(session, token="tidak-dikenal", now=NOW) is None
    accounts.logout(session, token=issued.token, now=NOW)
    assert accounts.actor_for_token(session, token=issued.token, now=NOW) is None
    with pytest.raises(NotAuthenticated):
        accounts.logout(session, token=issued.token, now=NOW)


def test_inactive_account_cannot_sign_in(session: Session) -> None:
    account = _register(session)
    issued = accounts.login(session, email="budi@example.id", password="rahasia-123", now=NOW, ttl_hours=1)
    account.active = False
    session.add(account)
    session.flush()
    assert accounts.actor_for_token(session, token=issued.token, now=NOW) is None
    with pytest.raises(NotAuthenticated, match="dinonaktifkan"):
        accounts.login(session, email="budi@example.id", password="rahasia-123", now=NOW, ttl_hours=1)
