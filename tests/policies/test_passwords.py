"""New passwords: too short, blank, the email, common or trivially guessable ones are refused, saying why."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from policies.accounts import actions as accounts
from policies.accounts import passwords
from policies.accounts.access import SYSTEM
from policies.accounts.models import Role
from policies.accounts.passwords import check_new_password
from policies.core.errors import InvalidInput
from policies.core.settings import get_settings


@pytest.mark.parametrize(
    ("password", "says_id", "says_en"),
    [
        ("pendek", "minimal 8 karakter", "at least 8 characters"),
        ("          ", "hanya berisi spasi", "only spaces"),
        ("budi@example.id", "sama dengan alamat email", "cannot be the email"),
        ("BUDI@EXAMPLE.ID", "sama dengan alamat email", "cannot be the email"),
        ("password1", "paling sering dipakai", "most common"),
        ("12345678", "paling sering dipakai", "most common"),
        ("Sunshine", "paling sering dipakai", "most common"),
        ("aaaaaaaaaaaa", "terlalu mudah ditebak", "too easy to guess"),
        ("12341234", "terlalu mudah ditebak", "too easy to guess"),
        ("budibudi", "terlalu mudah ditebak", "too easy to guess"),
        ("p" * 201, "paling panjang 200", "at most 200"),
    ],
)
def test_a_weak_password_is_refused_saying_why(password: str, says_id: str, says_en: str) -> None:
    with pytest.raises(InvalidInput) as info:
        check_new_password(password, email="budi@example.id", name="Budi")
    assert info.value.field == "password"
    assert says_id in info.value.detail and says_en in info.value.detail_en


@pytest.mark.parametrize("password", ["rahasia-123", "kata-sandi-uji-123", "meja hijau di pasar minggu"])
def test_a_fair_password_passes(password: str) -> None:
    check_new_password(password, email="budi@example.id", name="Budi")


def test_sign_up_and_admins_both_refuse_a_common_password(session: Session) -> None:
    with pytest.raises(InvalidInput, match="paling sering dipakai") as info:
        accounts.register_stakeholder(session, email="budi@example.id", name="Budi", password="iloveyou")
    assert info.value.field == "password"
    with pytest.raises(InvalidInput, match="sama dengan alamat email"):
        accounts.create_account(
            session,
            actor=SYSTEM,
            email="rina@bkpsdm.id",
            name="Rina",
            password="rina@bkpsdm.id",
            role=Role.MODERATOR,
        )


def _hash_at_settings_cost(password: str) -> str:
    get_settings.cache_clear()
    passwords._hasher.cache_clear()
    try:
        return passwords.hash_password(password)
    finally:
        get_settings.cache_clear()
        passwords._hasher.cache_clear()


def test_a_password_is_stored_at_argon2id_full_cost_unless_a_setting_lowers_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The suite lowers the cost (tests/conftest.py); a deployment sets nothing and gets the full one.
    with monkeypatch.context() as unset:
        unset.delenv("SIKLUS_PASSWORD_HASH_MEMORY_KIB", raising=False)
        unset.delenv("SIKLUS_PASSWORD_HASH_PASSES", raising=False)
        stored = _hash_at_settings_cost("kuda-laut-berenang")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$"), stored
    # A hash carries its parameters: one made at full cost verifies at the suite's cost, and back.
    assert passwords.verify_password(password="kuda-laut-berenang", password_hash=stored)
    cheap = _hash_at_settings_cost("kuda-laut-berenang")
    assert cheap.startswith("$argon2id$v=19$m=32,t=1,p=4$"), cheap
    assert not passwords.verify_password(password="kuda-laut-menyelam", password_hash=cheap)
