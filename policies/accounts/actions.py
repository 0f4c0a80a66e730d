"""Accounts and sign-in: registration, creation by an admin, login tokens, logout."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from pwdlib import PasswordHash
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from policies.accounts.access import SYSTEM as _SYSTEM
from policies.accounts.access import Actor, require_role
from policies.accounts.models import Account, ApiToken, Role, StakeholderGroup
from policies.accounts.queries import email_taken, find_account, token_with_account
from policies.core.errors import Conflict, InvalidInput, NotAuthenticated
from policies.core.fields import clean_text

NIP_PATTERN = re.compile(r"^\d{18}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8
# The columns' sizes (policies/accounts/models.py) and the API schemas' limits.
MAX_PASSWORD_LENGTH = 200
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 200
MAX_UNIT_LENGTH = 200
BAD_CREDENTIALS = "Email atau kata sandi salah. Periksa kembali lalu coba lagi."
BAD_CREDENTIALS_EN = "Wrong email or password. Check them and try again."
BAD_TOKEN = "Token masuk tidak dikenal, kedaluwarsa atau sudah dicabut. Silakan masuk kembali."
BAD_TOKEN_EN = "The sign-in token is unknown, expired or revoked. Please sign in again."


@lru_cache
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


# Verifying against this when the email is unknown keeps login time independent of whether it exists.
@lru_cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """Hash a password with argon2."""
    return _hasher().hash(password)


def verify_password(*, password: str, password_hash: str) -> bool:
    """Tell whether a password matches its stored hash."""
    return _hasher().verify(password, password_hash)


def hash_token(token: str) -> str:
    """Return the sha256 hex digest under which a bearer token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def actor_of(account: Account) -> Actor:
    """Turn an account into the actor actions check."""
    return Actor(
        id=account.id, name=account.name, role=Role(account.role), unit=account.unit, group=account.group
    )


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued bearer token; the clear text exists only here."""

    token: str
    expires_at: datetime
    account: Account


def _normalize_email(email: str) -> str:
    email = clean_text(
        email, field="email", label="Email", label_en="The email", min_chars=1, max_chars=MAX_EMAIL_LENGTH
    ).lower()
    if not EMAIL_PATTERN.match(email):
        raise InvalidInput(
            f"Alamat email '{email}' tidak valid.",
            en=f"The email address '{email}' is not valid.",
            field="email",
        )
    return email


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.",
            en=f"The password needs at least {MIN_PASSWORD_LENGTH} characters.",
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Kata sandi paling panjang {MAX_PASSWORD_LENGTH} karakter.",
            en=f"The password may be at most {MAX_PASSWORD_LENGTH} characters long.",
            field="password",
        )


def _check_name(name: str) -> str:
    return clean_text(
        name, field="name", label="Nama", label_en="The name", min_chars=1, max_chars=MAX_NAME_LENGTH
    )


def _check_unit(unit: str) -> str:
    return clean_text(
        unit, field="unit", label="Unit kerja", label_en="The work unit", max_chars=MAX_UNIT_LENGTH
    )


def _insert(session: Session, account: Account) -> Account:
    if email_taken(session, email=account.email):
        raise Conflict(
            f"Email {account.email} sudah terdaftar. Masuk dengan email itu atau pakai email lain.",
            en=f"The email {account.email} is already registered. Sign in with it or use another email.",
            field="email",
        )
    try:
        # A savepoint, so a racing duplicate refuses this account without poisoning the session.
        with session.begin_nested():
            session.add(account)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"Email {account.email} sudah terdaftar.",
            en=f"The email {account.email} is already registered.",
            field="email",
        ) from exc
    return account


def _insert_checked(session: Session, account: Account, *, email: str, name: str, password: str) -> Account:
    # What every account passes, whoever creates it, checked in the order a form shows it.
    _check_password(password)
    account.email, account.name = _normalize_email(email), _check_name(name)
    account.password_hash = hash_password(password)
    return _insert(session, account)


def register_stakeholder(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    group: StakeholderGroup = StakeholderGroup.PUBLIC,
    nip: str = "",
    unit: str = "",
) -> Account:
    """Self-register a stakeholder; an ASN gives an 18-digit NIP and a unit."""
    group = StakeholderGroup(group)
    nip, unit = nip.strip(), _check_unit(unit)
    if group is StakeholderGroup.ASN:
        if not NIP_PATTERN.match(nip):
            raise InvalidInput(
                "NIP ASN harus 18 digit angka.", en="A civil servant's NIP has 18 digits.", field="nip"
            )
        if not unit:
            raise InvalidInput(
                "ASN wajib mengisi unit kerja.", en="A civil servant must give a work unit.", field="unit"
            )
    elif nip and not NIP_PATTERN.match(nip):
        raise InvalidInput(
            "NIP, bila diisi, harus 18 digit angka.", en="A NIP, when given, has 18 digits.", field="nip"
        )
    account = Account(role=Role.STAKEHOLDER, group=group.value, nip=nip, unit=unit)
    return _insert_checked(session, account, email=email, name=name, password=password)


def create_account(
    session: Session,
    *,
    actor: Actor | None,
    email: str,
    name: str,
    password: str,
    role: Role,
    unit: str = "",
    group: StakeholderGroup = StakeholderGroup.PUBLIC,
    nip: str = "",
) -> Account:
    """Create an account of any role (admins only); a drafter is bound to a unit."""
    require_role(actor, Role.ADMIN)
    role = Role(role)
    if role is Role.STAKEHOLDER:
        return register_stakeholder(
            session, email=email, name=name, password=password, group=group, nip=nip, unit=unit
        )
    unit = _check_unit(unit)
    if role is Role.DRAFTER and not unit:
        raise InvalidInput(
            "Perancang wajib terikat pada satu unit (perangkat daerah).",
            en="A drafter must belong to one unit (perangkat daerah).",
            field="unit",
        )
    if nip and not NIP_PATTERN.match(nip.strip()):
        raise InvalidInput(
            "NIP, bila diisi, harus 18 digit angka.", en="A NIP, when given, has 18 digits.", field="nip"
        )
    # A staff account with a NIP is a civil servant (asn); without one it stands for the public.
    speaks_for = StakeholderGroup.ASN if nip else StakeholderGroup.PUBLIC
    account = Account(role=role, group=speaks_for.value, nip=nip.strip(), unit=unit)
    return _insert_checked(session, account, email=email, name=name, password=password)


def login(session: Session, *, email: str, password: str, now: datetime, ttl_hours: int) -> IssuedToken:
    """Check credentials and issue an opaque bearer token stored only as its hash."""
    # Input no account can have (too long, NUL) is refused like a wrong password, before any query.
    storable = len(email) <= MAX_EMAIL_LENGTH and "\x00" not in email
    account = find_account(session, email=email) if storable else None
    if account is None or len(password) > MAX_PASSWORD_LENGTH:
        verify_password(password=password[:MAX_PASSWORD_LENGTH], password_hash=_dummy_hash())
        raise NotAuthenticated(BAD_CREDENTIALS, en=BAD_CREDENTIALS_EN)
    if not verify_password(password=password, password_hash=account.password_hash):
        raise NotAuthenticated(BAD_CREDENTIALS, en=BAD_CREDENTIALS_EN)
    if not account.active:
        raise NotAuthenticated(
            "Akun ini dinonaktifkan. Hubungi admin Siklus.",
            en="This account is deactivated. Contact the Siklus admin.",
        )
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


def _live_token(session: Session, *, token: str, now: datetime) -> tuple[ApiToken, Account] | None:
    row = token_with_account(session, token_hash=hash_token(token))
    if row is None:
        return None
    api_token, account = row
    if api_token.revoked_at is not None or api_token.expires_at <= now or not account.active:
        return None
    return api_token, account


def actor_for_token(session: Session, *, token: str, now: datetime) -> Actor | None:
    """Return the actor a bearer token stands for, or None if unknown, expired or revoked."""
    if not token:
        return None
    found = _live_token(session, token=token, now=now)
    return actor_of(found[1]) if found else None


def logout(session: Session, *, token: str, now: datetime) -> None:
    """Revoke a bearer token so it no longer signs anyone in."""
    found = _live_token(session, token=token, now=now)
    if found is None:
        raise NotAuthenticated(BAD_TOKEN, en=BAD_TOKEN_EN)
    found[0].revoked_at = now
    session.add(found[0])
    session.flush()


def get_account(session: Session, *, account_id: int) -> Account | None:
    """Return an account by id, if it exists."""
    return session.get(Account, account_id)


DEMO_ACCOUNTS: tuple[tuple[str, str, Role, str], ...] = (
    ("admin@siklus.local", "Admin Siklus", Role.ADMIN, ""),
    ("perancang@siklus.local", "Perancang BKPSDM", Role.DRAFTER, "BKPSDM Kota Tangerang Selatan"),
    ("moderator@siklus.local", "Moderator Siklus", Role.MODERATOR, ""),
    ("warga@siklus.local", "Warga Tangerang Selatan", Role.STAKEHOLDER, ""),
)


def ensure_demo_accounts(session: Session, *, password: str) -> list[tuple[str, Role, bool]]:
    """Create the demo admin, drafter, moderator and stakeholder that are missing; say which were made."""
    if not password:
        raise InvalidInput(
            "Kata sandi akun demo belum diatur: isi SIKLUS_DEMO_PASSWORD (di lingkungan atau .env).",
            en="The demo accounts' password is not set: fill in SIKLUS_DEMO_PASSWORD (environment or .env).",
            field="SIKLUS_DEMO_PASSWORD",
        )
    made: list[tuple[str, Role, bool]] = []
    for email, name, role, unit in DEMO_ACCOUNTS:
        if find_account(session, email=email) is not None:
            made.append((email, role, False))
            continue
        create_account(
            session, actor=_SYSTEM, email=email, name=name, password=password, role=role, unit=unit
        )
        made.append((email, role, True))
    return made
