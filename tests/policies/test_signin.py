"""Sign-in throttling: failures per email and per address wait longer each time; the owner hears of a run."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select

from policies.accounts import actions as accounts
from policies.accounts import signin
from policies.accounts.models import Account
from policies.core.errors import NotAuthenticated, RateLimited
from policies.outbox.models import Reminder
from tests.conftest import NOW

RULES = signin.SignInRules()
ADDRESS = "203.0.113.7"


@pytest.fixture
def budi(session: Session) -> Account:
    made = accounts.register_stakeholder(
        session, email="budi@example.id", name="Budi", password="rahasia-123"
    )
    assert made is not None
    return made


def _fail(session: Session, *, email: str = "budi@example.id", at: datetime, address: str = ADDRESS) -> None:
    # The password check itself (argon2, slow on purpose) is tested once below.
    attempt = signin.begin_login(session, email=email, address=address, now=at)
    signin.record_failed_login(session, attempt=attempt, now=at, rules=RULES)


def _wait(session: Session, *, at: datetime, email: str = "budi@example.id", address: str = ADDRESS) -> int:
    """Return the Retry-After a sign-in at `at` is refused with (0 when it may try)."""
    try:
        signin.begin_login(session, email=email, address=address, now=at)
    except RateLimited as refused:
        return int(refused.extra["retry_after"])
    return 0


def test_failures_for_one_email_wait_longer_each_time_up_to_a_ceiling(
    session: Session, budi: Account
) -> None:
    at = NOW
    for _ in range(RULES.account.free - 1):
        _fail(session, at=at)
        assert _wait(session, at=at) == 0
    waits = []
    for _ in range(8):
        _fail(session, at=at)
        waits.append(_wait(session, at=at))
        at += timedelta(seconds=waits[-1])  # tries again the moment it may
    assert waits == [30, 60, 120, 240, 480, 900, 900, 900]


def test_a_refusal_while_waiting_says_how_long_in_both_languages(session: Session, budi: Account) -> None:
    for _ in range(RULES.account.free):
        _fail(session, at=NOW)
    with pytest.raises(RateLimited) as info:
        signin.begin_login(
            session, email="BUDI@example.id", address="198.51.100.1", now=NOW + timedelta(seconds=5)
        )
    assert info.value.extra["retry_after"] == 25
    assert "coba lagi dalam 25 detik" in info.value.detail
    assert "try again in 25 seconds" in info.value.detail_en


def test_an_unknown_email_is_throttled_like_a_known_one(session: Session, budi: Account) -> None:
    for _ in range(RULES.account.free):
        _fail(session, email="tidak-ada@example.id", at=NOW, address="")
        _fail(session, email="budi@example.id", at=NOW, address="")
    assert _wait(session, email="tidak-ada@example.id", at=NOW, address="") == 30
    assert _wait(session, email="budi@example.id", at=NOW, address="") == 30


def test_many_emails_from_one_address_make_the_address_wait(session: Session, budi: Account) -> None:
    for n in range(RULES.address.free):
        _fail(session, email=f"tebakan{n}@example.id", at=NOW)
    assert _wait(session, email="budi@example.id", at=NOW) == 30
    assert _wait(session, email="budi@example.id", at=NOW, address="198.51.100.1") == 0


def test_a_right_password_forgets_the_failures_and_a_quiet_hour_forgives_them(
    session: Session, budi: Account
) -> None:
    for _ in range(RULES.account.free - 1):
        _fail(session, at=NOW)
    attempt = signin.begin_login(session, email="budi@example.id", address=ADDRESS, now=NOW)
    assert signin.password_matches(attempt, password="rahasia-123")
    signin.finish_login(session, attempt=attempt, now=NOW, ttl_hours=1)
    _fail(session, at=NOW)
    assert _wait(session, at=NOW) == 0  # counting started over
    for _ in range(RULES.account.free - 1):
        _fail(session, at=NOW)
    assert _wait(session, at=NOW) == 30
    later = NOW + timedelta(hours=1)
    _fail(session, at=later)
    assert _wait(session, at=later) == 0  # a fresh run: one failure of five


def test_the_owner_is_told_once_per_run_of_failures(session: Session, budi: Account) -> None:
    def told() -> list[Reminder]:
        return list(session.exec(select(Reminder).where(Reminder.template == signin.LOGIN_FAILURES_TEMPLATE)))

    for n in range(RULES.account.free - 1):
        _fail(session, at=NOW + timedelta(seconds=n))
    assert told() == []
    at = NOW + timedelta(minutes=1)
    for _ in range(3):
        _fail(session, at=at)
        at += timedelta(minutes=20)
    [message] = told()
    assert (message.recipient_account_id, message.recipient_email) == (budi.id, "budi@example.id")
    assert message.context["failures"] == RULES.account.free and message.context["address"] == ADDRESS
    later = at + timedelta(hours=2)
    for _ in range(RULES.account.free):
        _fail(session, at=later)
    assert len(told()) == 2


def test_the_one_session_login_still_refuses_a_wrong_password(session: Session, budi: Account) -> None:
    with pytest.raises(NotAuthenticated, match="Email atau kata sandi salah"):
        signin.login(session, email="budi@example.id", password="salah-sekali", now=NOW, ttl_hours=1)
