"""Email verification in the domain: an unverified account neither comments, replies nor votes; the link."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from policies.accounts import actions as accounts
from policies.accounts import verification
from policies.accounts.access import SYSTEM, Actor
from policies.accounts.models import Account, Role
from policies.consultation import comments
from policies.core.db import unit_of_work
from policies.core.errors import InvalidInput, PermissionDenied
from policies.outbox import hooks
from policies.outbox.models import Reminder
from tests.conftest import NOW
from tests.policies.comment_setup import LATER, SLUG, account, clause_keys, open_consultation

SECRET = "test-secret-key-not-for-production"


def test_an_unverified_account_neither_comments_replies_nor_votes(db: str, catalog: None) -> None:
    open_consultation(db)
    key = clause_keys(db)[0]
    verified = account(db, email="lama@warga.test")
    fresh = replace(account(db, email="baru@warga.test"), verified=False)
    with unit_of_work(db) as s:
        first = comments.create_comment(
            s, actor=verified, slug=SLUG, clause_key=key, body="Setuju.", now=LATER
        )
        first_id = first.id or 0
    attempts = {
        "comment": lambda s: comments.create_comment(
            s, actor=fresh, slug=SLUG, clause_key=key, body="Tolak!", now=LATER
        ),
        "reply": lambda s: comments.create_reply(
            s, actor=fresh, slug=SLUG, parent_id=first_id, body="Ya.", now=LATER
        ),
        "vote": lambda s: comments.vote(s, actor=fresh, slug=SLUG, comment_id=first_id, value=1, now=LATER),
    }
    for name, attempt in attempts.items():
        with pytest.raises(PermissionDenied) as refused, unit_of_work(db) as s:
            attempt(s)
        assert "Verifikasi alamat email Anda" in refused.value.detail, name
        assert "Verify your email address first" in refused.value.detail_en, name


def test_registering_queues_the_link_and_opening_it_verifies(session: Session) -> None:
    made = accounts.register_stakeholder(
        session, email="sari@warga.test", name="Sari", password="rahasia-sari-1"
    )
    assert made is not None and accounts.actor_of(made).verified is False
    queued = session.exec(select(Reminder).where(Reminder.template == verification.VERIFY_TEMPLATE)).one()
    assert queued.recipient_account_id == made.id
    link = hooks.extras(queued, base_url="https://siklus.example", secret=SECRET)["verify_link"]
    assert link.startswith("https://siklus.example/verify-email?token=")
    verification.verify_email(session, token=link.split("token=")[1], secret=SECRET, now=NOW)
    assert made.email_verified_at == NOW and accounts.actor_of(made).verified is True
    # Once verified, a queued copy is no longer worth sending, and none is queued again.
    assert hooks.why_obsolete(session, reminder=queued, now=NOW) == "email akun sudah terverifikasi"
    assert verification.send_verification(session, account=made, now=NOW + timedelta(hours=1)) is False


def test_a_link_for_another_key_or_an_old_address_is_refused(session: Session) -> None:
    made = accounts.register_stakeholder(
        session, email="sari@warga.test", name="Sari", password="rahasia-sari-1"
    )
    assert made is not None and made.id is not None
    other_key = verification.verification_token(secret="kunci-lain", account_id=made.id, email=made.email)
    old_address = verification.verification_token(secret=SECRET, account_id=made.id, email="lama@warga.test")
    for token in (other_key, old_address, "bukan-token"):
        with pytest.raises(InvalidInput, match="tidak berlaku"):
            verification.verify_email(session, token=token, secret=SECRET, now=NOW)
    assert made.email_verified_at is None


def test_only_an_admin_vouches_for_an_address(session: Session) -> None:
    accounts.register_stakeholder(session, email="sari@warga.test", name="Sari", password="rahasia-sari-1")
    moderator = Actor(id=None, name="Maya", role=Role.MODERATOR)
    with pytest.raises(PermissionDenied):
        verification.vouch(session, actor=moderator, email="sari@warga.test", now=NOW)
    vouched = verification.vouch(session, actor=SYSTEM, email="Sari@Warga.test", now=NOW)
    assert isinstance(vouched, Account) and vouched.email_verified_at == NOW
