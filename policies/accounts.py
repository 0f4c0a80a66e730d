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
from sqlmodel import Session, col, select

from policies.access import SYSTEM as _SYSTEM
from policies.access import Actor, require_role
from policies.errors import Conflict, InvalidInput, NotAuthenticated
from policies.models import Account, ApiToken, Role, StakeholderGroup

NIP_PATTERN = re.compile(r"^\d{18}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 8
BAD_CREDENTIALS = "Email atau kata sandi salah. Periksa kembali lalu coba lagi."
BAD_TOKEN = "Token masuk tidak dikenal, kedaluwarsa atau sudah dicabut. Silakan masuk kembali."
BAD_CREDENTIALS_EN = "Wrong email or password. Check them and try again."
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
    email = email.strip().lower()
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise InvalidInput(f"Alamat email '{email}' tidak valid.", field="email")
    return email


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.", field="password")


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("Nama wajib diisi.", field="name")
    if len(name) > 200:
        raise InvalidInput("Nama paling panjang 200 karakter.", field="name")
    return name


def _insert(session: Session, account: Account) -> Account:
    if session.exec(select(Account.id).where(Account.email == account.email)).first() is not None:
        raise Conflict(
            f"Email {account.email} sudah terdaftar. Masuk dengan email itu atau pakai email lain.",
            field="email",
        )
    try:
        # A savepoint, so a racing duplicate refuses this account without poisoning the session.
        with session.begin_nested():
            session.add(account)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"Email {account.email} sudah terdaftar.", field="email") from exc
    return account


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
    nip, unit = nip.strip(), unit.strip()
    if group is StakeholderGroup.ASN:
        if not NIP_PATTERN.match(nip):
            raise InvalidInput("NIP ASN harus 18 digit angka.", field="nip")
        if not unit:
            raise InvalidInput("ASN wajib mengisi unit kerja.", field="unit")
    elif nip and not NIP_PATTERN.match(nip):
        raise InvalidInput("NIP, bila diisi, harus 18 digit angka.", field="nip")
    _check_password(password)
    account = Account(
        email=_normalize_email(email),
        name=_check_name(name),
        password_hash=hash_password(password),
        role=Role.STAKEHOLDER,
        group=group.value,
        nip=nip,
        unit=unit,
    )
    return _insert(session, account)


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
    unit = unit.strip()
    if role is Role.DRAFTER and not unit:
        raise InvalidInput("Perancang wajib terikat pada satu unit (perangkat daerah).", field="unit")
    if nip and not NIP_PATTERN.match(nip.strip()):
        raise InvalidInput("NIP, bila diisi, harus 18 digit angka.", field="nip")
    _check_password(password)
    account = Account(
        email=_normalize_email(email),
        name=_check_name(name),
        password_hash=hash_password(password),
        role=role,
        unit=unit,
        group=StakeholderGroup.ASN.value if nip else StakeholderGroup.PUBLIC.value,
        nip=nip.strip(),
    )
    return _insert(session, account)


def find_account(session: Session, *, email: str) -> Account | None:
    """Return the account with this email, if any."""
    return session.exec(select(Account).where(Account.email == email.strip().lower())).first()


def login(session: Session, *, email: str, password: str, now: datetime, ttl_hours: int) -> IssuedToken:
    """Check credentials and issue an opaque bearer token stored only as its hash."""
    account = find_account(session, email=email)
    if account is None:
        verify_password(password=password, password_hash=_dummy_hash())
        raise NotAuthenticated(BAD_CREDENTIALS, en=BAD_CREDENTIALS_EN)
    if not verify_password(password=password, password_hash=account.password_hash):
        raise NotAuthenticated(BAD_CREDENTIALS, en=BAD_CREDENTIALS_EN)
    if not account.active:
        raise NotAuthenticated(
            "Akun ini dinonaktifkan. Hubungi admin Siklus.",
            en="This account is deactivated. Contact the Siklus administrator.",
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
    row = session.exec(
        select(ApiToken, Account)
        .join(Account, col(Account.id) == ApiToken.account_id)
        .where(ApiToken.token_hash == hash_token(token))
    ).first()
    if row is None:
        return None
    api_token, account = row
    if api_token.revoked_at is not None or api_token.expires_at <= now or not account.active:
        return None
    return api_token, account


def actor_for_token(session: Session, token: str, now: datetime) -> Actor | None:
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
