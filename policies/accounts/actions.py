"""Accounts: sign-up (the same answer for a known email), creation by an admin, tokens, logout."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from policies.accounts import throttle
from policies.accounts.access import SYSTEM as _SYSTEM
from policies.accounts.access import Actor, require_role
from policies.accounts.models import Account, ApiToken, Role, StakeholderGroup
from policies.accounts.passwords import MAX_PASSWORD_LENGTH as MAX_PASSWORD_LENGTH
from policies.accounts.passwords import MIN_PASSWORD_LENGTH as MIN_PASSWORD_LENGTH
from policies.accounts.passwords import check_new_password, hash_password
from policies.accounts.passwords import verify_password as verify_password
from policies.accounts.queries import email_taken, find_account, token_actor_row, token_with_account
from policies.accounts.signin import BAD_CREDENTIALS as BAD_CREDENTIALS
from policies.accounts.signin import BAD_CREDENTIALS_EN as BAD_CREDENTIALS_EN
from policies.accounts.signin import MAX_EMAIL_LENGTH, hash_token
from policies.accounts.signin import IssuedToken as IssuedToken
from policies.accounts.signin import login as login
from policies.accounts.throttle import Allowance
from policies.accounts.verification import send_verification
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput, NotAuthenticated
from policies.core.fields import clean_text
from policies.outbox.models import Channel
from policies.outbox.notify import Recipient, enqueue

NIP_PATTERN = re.compile(r"^\d{18}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The columns' sizes (policies/accounts/models.py) and the API schemas' limits.
MAX_NAME_LENGTH = 200
MAX_UNIT_LENGTH = 200
MAX_POSITION_LENGTH = 120
BAD_TOKEN = "Token masuk tidak dikenal, kedaluwarsa atau sudah dicabut. Silakan masuk kembali."
BAD_TOKEN_EN = "The sign-in token is unknown, expired or revoked. Please sign in again."
ALREADY_REGISTERED_TEMPLATE = "already_registered"
SIGNUPS_BLOCKED = (
    "Terlalu banyak pendaftaran akun dari jaringan Anda. Coba lagi dalam {wait}.",
    "Too many accounts were registered from your network. Try again in {wait}.",
)

# Ten sign-ups from one address, then 5, 10, 20 … minutes (at most 6 hours) between them; an hour
# without one forgives the address.
SIGNUPS_PER_ADDRESS = Allowance(
    free=10, first_delay=timedelta(minutes=5), max_delay=timedelta(hours=6), forget_after=timedelta(hours=1)
)


@dataclass(frozen=True)
class SignUpRules:
    """How many sign-ups one client address has before it waits, and how long."""

    per_address: Allowance = SIGNUPS_PER_ADDRESS

    @classmethod
    def of(cls, *, per_address: int) -> SignUpRules:
        """Return the rules with the free sign-ups the settings give."""
        return cls(per_address=replace(SIGNUPS_PER_ADDRESS, free=per_address))


def actor_of(account: Account) -> Actor:
    """Turn an account into the actor actions check."""
    return Actor(
        id=account.id,
        name=account.name,
        role=Role(account.role),
        unit=account.unit,
        group=account.group,
        verified=account.email_verified_at is not None,
    )


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


def _check_name(name: str) -> str:
    return clean_text(
        name, field="name", label="Nama", label_en="The name", min_chars=1, max_chars=MAX_NAME_LENGTH
    )


def check_unit(unit: str) -> str:
    """Return a work unit trimmed, or refuse one too long (empty: none given)."""
    return clean_text(
        unit, field="unit", label="Unit kerja", label_en="The work unit", max_chars=MAX_UNIT_LENGTH
    )


def require_unit(*, role: Role, group: str, unit: str) -> None:
    """Refuse an empty work unit where the account needs one: a drafter's, a civil servant's."""
    if unit:
        return
    if role is Role.DRAFTER:
        raise InvalidInput(
            "Perancang wajib terikat pada satu unit (perangkat daerah).",
            en="A drafter must belong to one unit (perangkat daerah).",
            field="unit",
        )
    if role is Role.STAKEHOLDER and group == StakeholderGroup.ASN:
        raise InvalidInput(
            "ASN wajib mengisi unit kerja.", en="A civil servant must give a work unit.", field="unit"
        )


def check_position(position: str) -> str:
    """Return a jabatan trimmed, or refuse one too long (empty: none given)."""
    return clean_text(
        position, field="position", label="Jabatan", label_en="The position", max_chars=MAX_POSITION_LENGTH
    )


def _taken(email: str) -> Conflict:
    return Conflict(
        f"Email {email} sudah terdaftar. Masuk dengan email itu atau pakai email lain.",
        en=f"The email {email} is already registered. Sign in with it or use another email.",
        field="email",
    )


def _insert(session: Session, account: Account) -> Account | None:
    """Insert the account; None when its email is taken (a racing twin included)."""
    if email_taken(session, email=account.email):
        return None
    try:
        # A savepoint, so a racing duplicate refuses this account without poisoning the session.
        with session.begin_nested():
            session.add(account)
            session.flush()
    except IntegrityError:
        return None
    return account


def _checked(account: Account, *, email: str, name: str, password: str) -> Account:
    # What every account passes, whoever creates it, checked in the order a form shows it.
    account.email, account.name = _normalize_email(email), _check_name(name)
    check_new_password(password, email=account.email, name=account.name)
    # Hashed before any statement: the write transaction never waits on argon2.
    account.password_hash = hash_password(password)
    return account


def _stakeholder(group: StakeholderGroup, *, nip: str, unit: str) -> Account:
    group = StakeholderGroup(group)
    nip, unit = nip.strip(), check_unit(unit)
    if group is StakeholderGroup.ASN:
        if not NIP_PATTERN.match(nip):
            raise InvalidInput(
                "NIP ASN harus 18 digit angka.", en="A civil servant's NIP has 18 digits.", field="nip"
            )
        require_unit(role=Role.STAKEHOLDER, group=group, unit=unit)
    elif nip and not NIP_PATTERN.match(nip):
        raise InvalidInput(
            "NIP, bila diisi, harus 18 digit angka.", en="A NIP, when given, has 18 digits.", field="nip"
        )
    return Account(role=Role.STAKEHOLDER, group=group.value, nip=nip, unit=unit)


def signup_key(address: str) -> str:
    """Return the throttle key of sign-ups from one client address."""
    return throttle.key_of("signup-address", address)


def refuse_signups_while_blocked(session: Session, *, address: str, now: datetime) -> None:
    """Refuse with 429 while sign-ups from this address wait (a read: cheap, before any hashing)."""
    throttle.refuse_while_blocked(session, key=signup_key(address), now=now, said=SIGNUPS_BLOCKED)


def register_stakeholder(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    group: StakeholderGroup = StakeholderGroup.PUBLIC,
    nip: str = "",
    unit: str = "",
    position: str = "",
    address: str | None = None,
    now: datetime | None = None,
    rules: SignUpRules = SignUpRules(),
) -> Account | None:
    """Self-register a stakeholder (unverified; the verification email is queued).

    Returns the new account, or None when the email is registered already: its owner is told by
    email instead, and the caller answers the same either way, so nobody learns which emails exist.
    Sign-ups from a client `address` are throttled (the CLI and tests give none).
    """
    now = now or utcnow()
    account = _checked(_stakeholder(group, nip=nip, unit=unit), email=email, name=name, password=password)
    account.position = check_position(position)
    if address is not None:
        refuse_signups_while_blocked(session, address=address, now=now)
        throttle.record_hit(session, key=signup_key(address), now=now, allowance=rules.per_address)
    made = _insert(session, account)
    if made is None:
        _tell_owner_of_signup(session, email=account.email, now=now)
        return None
    send_verification(session, account=made, now=now)
    return made


def _tell_owner_of_signup(session: Session, *, email: str, now: datetime) -> None:
    owner = find_account(session, email=email)
    if owner is None:
        return  # a racing twin that rolled back: nobody to tell
    # At most one a day: a flood of sign-ups with someone's address must not flood their mailbox.
    enqueue(
        session,
        dedupe_key=f"already-registered:a{owner.id}:{now.date().isoformat()}",
        template=ALREADY_REGISTERED_TEMPLATE,
        channel=Channel.EMAIL,
        recipient=Recipient.of(owner),
        due_at=now,
        context={"name": owner.name, "email": owner.email},
    )
    session.flush()


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
    position: str = "",
) -> Account:
    """Create an account of any role (admins only), verified; a drafter is bound to a unit."""
    require_role(actor, Role.ADMIN)
    role = Role(role)
    if role is Role.STAKEHOLDER:
        account = _stakeholder(group, nip=nip, unit=unit)
    else:
        unit = check_unit(unit)
        require_unit(role=role, group="", unit=unit)
        if nip and not NIP_PATTERN.match(nip.strip()):
            raise InvalidInput(
                "NIP, bila diisi, harus 18 digit angka.", en="A NIP, when given, has 18 digits.", field="nip"
            )
        # A staff account with a NIP is a civil servant (asn); without one it stands for the public.
        speaks_for = StakeholderGroup.ASN if nip else StakeholderGroup.PUBLIC
        account = Account(role=role, group=speaks_for.value, nip=nip.strip(), unit=unit)
    account = _checked(account, email=email, name=name, password=password)
    account.position = check_position(position)
    # An admin vouches for the address: no link to open.
    account.email_verified_at = utcnow()
    made = _insert(session, account)
    if made is None:
        raise _taken(account.email)  # admins may know which emails exist
    return made


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
    row = token_actor_row(session, token_hash=hash_token(token))
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.active:
        return None
    return Actor(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        unit=row.unit,
        group=row.group,
        verified=row.email_verified_at is not None,
    )


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
        try:
            create_account(
                session, actor=_SYSTEM, email=email, name=name, password=password, role=role, unit=unit
            )
        except InvalidInput as refused:
            if refused.field != "password":
                raise
            raise InvalidInput(
                f"SIKLUS_DEMO_PASSWORD: {refused.detail}",
                en=f"SIKLUS_DEMO_PASSWORD: {refused.detail_en}",
                field="SIKLUS_DEMO_PASSWORD",
            ) from refused
        made.append((email, role, True))
    return made
