"""The accounts' SQL: an account by email, a token with its account, the active accounts a notice reaches,
the throttle's rows, the stale bookkeeping a sweep deletes and the verification state a message
depends on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, delete, select

from policies.accounts.models import Account, ApiToken, IdempotencyRecord, Role, Throttle
from policies.core.db import insert_unless_exists

# Built once: every authenticated request runs it, and building it cost more than running it.
_TOKEN_ACCOUNT = (
    select(ApiToken, Account)
    .join(Account, col(Account.id) == ApiToken.account_id)
    .where(ApiToken.token_hash == sa.bindparam("token_hash"))
)

# What a request's caller is, as plain columns: building the token and account objects cost more
# than the query on the busiest write (a comment POST).
_TOKEN_ACTOR = (
    sa.select(
        ApiToken.revoked_at,
        ApiToken.expires_at,
        Account.active,
        Account.id,
        Account.name,
        Account.role,
        Account.unit,
        Account.group,
        Account.email_verified_at,
    )
    .join_from(ApiToken, Account, col(Account.id) == ApiToken.account_id)
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


def token_actor_row(session: Session, *, token_hash: str) -> sa.Row | None:
    """Return the token's state and its account's actor columns, whatever their state (no objects)."""
    return session.connection().execute(_TOKEN_ACTOR, {"token_hash": token_hash}).first()


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


def throttle_of(session: Session, *, key: str) -> Throttle | None:
    """Return a throttle key's row, if it has one."""
    return session.exec(select(Throttle).where(Throttle.key == key)).first()


def locked_throttle(session: Session, *, key: str, now: datetime) -> Throttle:
    """Return a throttle key's row, made if missing, locked until the transaction ends (PostgreSQL)."""
    # SQLite has one writer at a time already; on PostgreSQL FOR UPDATE makes concurrent attempts
    # under one key count one after the other, so none is lost.
    insert_unless_exists(
        session,
        table=Throttle.__table__,  # type: ignore[attr-defined]
        values={"key": key, "hits": 0, "started_at": now, "last_at": now},
        unique=("key",),
    )
    stmt = select(Throttle).where(Throttle.key == key).with_for_update()
    stmt = stmt.execution_options(populate_existing=True)
    return session.exec(stmt).one()


def clear_throttle(session: Session, *, key: str) -> None:
    """Delete a throttle key's row."""
    session.exec(delete(Throttle).where(col(Throttle.key) == key))  # type: ignore[call-overload]


_LISTED_ORDER = (Role.ADMIN, Role.DRAFTER, Role.MODERATOR, Role.EVALUATOR, Role.STAKEHOLDER)


def accounts_listed(session: Session) -> list[Account]:
    """Return every account, staff first (admins, drafters, moderators, evaluators), then by name."""
    order = sa.case({role.value: rank for rank, role in enumerate(_LISTED_ORDER)}, value=col(Account.role))
    return list(session.exec(select(Account).order_by(order, col(Account.name), col(Account.id))))


def delete_quiet_throttles(session: Session, *, quiet_since: datetime) -> int:
    """Delete the counts of keys with no attempt since `quiet_since` and no block past it; return how many."""
    stmt = delete(Throttle).where(
        col(Throttle.last_at) < quiet_since,
        sa.or_(col(Throttle.blocked_until).is_(None), col(Throttle.blocked_until) < quiet_since),
    )
    return session.exec(stmt).rowcount  # type: ignore[call-overload]


def delete_idempotency_records(session: Session, *, before: datetime) -> int:
    """Delete the idempotency records made before `before`; return how many."""
    stmt = delete(IdempotencyRecord).where(col(IdempotencyRecord.created_at) < before)
    return session.exec(stmt).rowcount  # type: ignore[call-overload]


def unverified_recipient(account_id: sa.ColumnElement[int | None]) -> sa.ColumnElement[bool]:
    """Hold while the account a message goes to has not verified its email yet."""
    return sa.exists().where(col(Account.id) == account_id, col(Account.email_verified_at).is_(None))
