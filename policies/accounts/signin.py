"""Signing in: read the account, verify the password outside any transaction, then a short write.

argon2 is slow on purpose. Verifying inside the write transaction held SQLite's one writer for
every attempt, so a flood of wrong passwords stalled every comment. The service runs the steps
in turn: `begin_login` (a read: refuses while throttled), `password_matches` (no database), then
`finish_login` or `record_failed_login` (a write of a few rows). Failures count per account and
per client address with growing delays (throttle.py); after repeated failures the owner is told.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlmodel import Session

from policies.accounts import throttle
from policies.accounts.models import Account, ApiToken
from policies.accounts.passwords import MAX_PASSWORD_LENGTH, dummy_hash, verify_password
from policies.accounts.queries import find_account
from policies.accounts.throttle import Allowance
from policies.core.errors import NotAuthenticated
from policies.outbox.models import Channel
from policies.outbox.notify import Recipient, enqueue

# The column's size (policies/accounts/models.py) and the API schemas' limit.
MAX_EMAIL_LENGTH = 254
BAD_CREDENTIALS = "Email atau kata sandi salah. Periksa kembali lalu coba lagi."
BAD_CREDENTIALS_EN = "Wrong email or password. Check them and try again."
DEACTIVATED = (
    "Akun ini dinonaktifkan. Hubungi admin Siklus.",
    "This account is deactivated. Contact the Siklus admin.",
)
ACCOUNT_BLOCKED = (
    "Terlalu banyak percobaan masuk yang gagal untuk email ini. Demi keamanan akun, coba lagi dalam "
    "{wait}. Lupa kata sandi? Hubungi admin Siklus.",
    "Too many failed sign-ins for this email. To keep the account safe, try again in {wait}. "
    "Forgot the password? Contact the Siklus admin.",
)
ADDRESS_BLOCKED = (
    "Terlalu banyak percobaan masuk yang gagal dari jaringan Anda. Coba lagi dalam {wait}.",
    "Too many failed sign-ins from your network. Try again in {wait}.",
)
LOGIN_FAILURES_TEMPLATE = "login_failures"
# Five wrong passwords for an email, then 30 s, 1, 2, 4 … minutes (at most 15) between tries; an
# address (many emails, one network) gets twenty. An hour without a failure forgives either.
ACCOUNT_FAILURES = Allowance(
    free=5,
    first_delay=timedelta(seconds=30),
    max_delay=timedelta(minutes=15),
    forget_after=timedelta(hours=1),
)
ADDRESS_FAILURES = replace(ACCOUNT_FAILURES, free=20)


@dataclass(frozen=True)
class SignInRules:
    """How many failed sign-ins an account and an address have before they wait, and how long."""

    account: Allowance = ACCOUNT_FAILURES
    address: Allowance = ADDRESS_FAILURES

    @classmethod
    def of(cls, *, per_account: int, per_address: int) -> SignInRules:
        """Return the rules with the free attempts the settings give."""
        return cls(
            account=replace(ACCOUNT_FAILURES, free=per_account),
            address=replace(ADDRESS_FAILURES, free=per_address),
        )


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued bearer token; the clear text exists only here."""

    token: str
    expires_at: datetime
    account: Account


@dataclass(frozen=True)
class LoginAttempt:
    """What the read step found: the account (if any) and the hash its password is checked against."""

    email: str
    address: str
    account_id: int | None
    password_hash: str


def hash_token(token: str) -> str:
    """Return the sha256 hex digest under which a bearer token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def account_key(email: str) -> str:
    """Return the throttle key of sign-ins to one email (known or not: nothing tells them apart)."""
    return throttle.key_of("login-account", email)


def address_key(address: str) -> str:
    """Return the throttle key of sign-ins from one client address."""
    return throttle.key_of("login-address", address)


def begin_login(session: Session, *, email: str, address: str, now: datetime) -> LoginAttempt:
    """Refuse while the email or the address waits; find the account (the read step)."""
    throttle.refuse_while_blocked(session, key=account_key(email), now=now, said=ACCOUNT_BLOCKED)
    if address:
        throttle.refuse_while_blocked(session, key=address_key(address), now=now, said=ADDRESS_BLOCKED)
    # Input no account can have (too long, NUL) is refused like a wrong password, before any query.
    storable = len(email) <= MAX_EMAIL_LENGTH and "\x00" not in email
    account = find_account(session, email=email) if storable else None
    if account is None:
        return LoginAttempt(email=email, address=address, account_id=None, password_hash=dummy_hash())
    return LoginAttempt(
        email=email, address=address, account_id=account.id, password_hash=account.password_hash
    )


def password_matches(attempt: LoginAttempt, *, password: str) -> bool:
    """Verify the password against the account's hash (or a dummy one: the same time either way)."""
    matches = verify_password(password=password[:MAX_PASSWORD_LENGTH], password_hash=attempt.password_hash)
    return matches and attempt.account_id is not None and len(password) <= MAX_PASSWORD_LENGTH


def record_failed_login(
    session: Session, *, attempt: LoginAttempt, now: datetime, rules: SignInRules
) -> None:
    """Count a failed sign-in for the email and the address; tell the owner once a run gets long."""
    counted = throttle.record_hit(session, key=account_key(attempt.email), now=now, allowance=rules.account)
    if attempt.address:
        throttle.record_hit(session, key=address_key(attempt.address), now=now, allowance=rules.address)
    account = session.get(Account, attempt.account_id) if attempt.account_id is not None else None
    if account is None or counted.hits != rules.account.free:
        return
    # One message per run of failures: the key names the run by when it began.
    enqueue(
        session,
        dedupe_key=f"login-failures:a{account.id}:{counted.started_at.isoformat()}",
        template=LOGIN_FAILURES_TEMPLATE,
        channel=Channel.EMAIL,
        recipient=Recipient.of(account),
        due_at=now,
        context={
            "name": account.name,
            "failures": counted.hits,
            "since": counted.started_at.isoformat(),
            "address": attempt.address[:100],
        },
    )
    session.flush()


def issue_token(session: Session, *, account: Account, now: datetime, ttl_hours: int) -> IssuedToken:
    """Issue an opaque bearer token for an account, stored only as its hash."""
    if not account.active:
        raise NotAuthenticated(DEACTIVATED[0], en=DEACTIVATED[1])
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=ttl_hours)
    session.add(
        ApiToken(
            account_id=account.id,  # type: ignore[arg-type]
            token_hash=hash_token(token),
            created_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()
    return IssuedToken(token=token, expires_at=expires_at, account=account)


def finish_login(session: Session, *, attempt: LoginAttempt, now: datetime, ttl_hours: int) -> IssuedToken:
    """Issue the token of a verified attempt and forget the email's failures (the write step)."""
    account = session.get(Account, attempt.account_id) if attempt.account_id is not None else None
    # The password changed or the account went between the steps: as if it were wrong.
    if account is None or account.password_hash != attempt.password_hash:
        raise NotAuthenticated(BAD_CREDENTIALS, en=BAD_CREDENTIALS_EN)
    issued = issue_token(session, account=account, now=now, ttl_hours=ttl_hours)
    throttle.forget(session, key=account_key(attempt.email))
    return issued


def login(session: Session, *, email: str, password: str, now: datetime, ttl_hours: int) -> IssuedToken:
    """Check credentials and issue a token in one session (the CLI and tests; no throttle)."""
    attempt = begin_login(session, email=email, address="", now=now)
    if not password_matches(attempt, password=password):
        raise NotAuthenticated(BAD_CREDENTIALS, en=BAD_CREDENTIALS_EN)
    return finish_login(session, attempt=attempt, now=now, ttl_hours=ttl_hours)
