"""The accounts' SQL: an account by email, a token with its account, the active accounts a notice reaches."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session, col, select

from policies.accounts.models import Account, ApiToken, Role

# Built once: every authenticated request runs it, and building it cost more than running it.
_TOKEN_ACCOUNT = (
    select(ApiToken, Account)
    .join(Account, col(Account.id) == ApiToken.account_id)
    .where(ApiToken.token_hash == sa.bindparam("token_hash"))
)


def find_account(session: Session, *, email: str) -> Account | None:
    """Return the account with this email, if any."""
    return session.exec(select(Account).where(Account.email == email.strip().lower())).first()


def email_taken(session: Session, *, email: str) -> bool:
    """Tell whether an account already has this (normalized) email."""
    return session.exec(select(Account.id).where(Account.email == email)).first() is not None


def token_with_account(session: Session, *, token_hash: str) -> tuple[ApiToken, Account] | None:
    """Return the token stored under this hash with its account, whatever their state."""
    return session.exec(_TOKEN_ACCOUNT, params={"token_hash": token_hash}).first()


def active_accounts(
    session: Session,
    *,
    role: Role | None = None,
    unit: str | None = None,
    group: str | None = None,
    groups: Iterable[str] | None = None,
    ids: Iterable[int] | None = None,
) -> list[Account]:
    """Return the active accounts of a role, unit, group (or one of the groups) and ids given, by id."""
    conditions: list[sa.ColumnElement[bool]] = []
    if role is not None:
        conditions.append(Account.role == role)  # type: ignore[arg-type]
    if unit is not None:
        conditions.append(Account.unit == unit)  # type: ignore[arg-type]
    if group is not None:
        conditions.append(Account.group == group)  # type: ignore[arg-type]
    if groups is not None:
        conditions.append(col(Account.group).in_(list(groups)))
    if ids is not None:
        conditions.append(col(Account.id).in_(list(ids)))
    stmt = select(Account).where(col(Account.active).is_(True), *conditions).order_by(col(Account.id))
    return list(session.exec(stmt))
