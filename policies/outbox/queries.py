"""The outbox's SQL: reminders by key (or many in bulk), the due ones, a claim, cancelling, the inbox, pages.

Nothing else in the outbox runs a statement; enqueueing, delivering and the operator's view call
these by name.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from policies.core.db import insert_rows_unless_exist
from policies.outbox import hooks
from policies.outbox.models import Channel, DeliveryState, Reminder


def reminder_by_key(session: Session, *, dedupe_key: str) -> Reminder | None:
    """Return the reminder enqueued under this key, if there is one."""
    return session.exec(select(Reminder).where(Reminder.dedupe_key == dedupe_key)).first()


# Keys looked up, or rows inserted, per statement: a few thousand bound parameters, far below
# SQLite's 32,766 and PostgreSQL's 65,535, and few enough statements for thousands of recipients.
BULK_ROWS = 500


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), BULK_ROWS):
        yield items[start : start + BULK_ROWS]


def insert_new_reminders(session: Session, *, rows: Sequence[dict[str, Any]]) -> int:
    """Insert reminder rows, one statement per `BULK_ROWS`, skipping any key that exists; count the new.

    A concurrent enqueue of a key may commit after the caller looked it up: ON CONFLICT lets that
    row be and raises nothing, so the caller's transaction goes on. Every row names the same columns;
    the model's defaults fill the others. No ORM object is made: the rows are read back by query.
    """
    table = Reminder.__table__  # type: ignore[attr-defined]
    return sum(
        insert_rows_unless_exist(session, table=table, rows=list(chunk), unique=("dedupe_key",))
        for chunk in _chunks(rows)
    )


def due_reminders(
    session: Session, *, now: datetime, channel: Channel | None = None, limit: int = 100
) -> list[Reminder]:
    """Return pending reminders whose time has come, oldest first."""
    stmt = select(Reminder).where(Reminder.state == DeliveryState.PENDING, Reminder.due_at <= now)
    if channel is not None:
        stmt = stmt.where(Reminder.channel == channel)
    return list(session.exec(stmt.order_by(col(Reminder.due_at), col(Reminder.id)).limit(limit)))


def claim_reminder(session: Session, *, reminder_id: int, now: datetime) -> bool:
    """Count an attempt and mark a pending, due reminder as being sent; tell whether this caller won it."""
    result = session.execute(
        sa.update(Reminder)
        .where(
            col(Reminder.id) == reminder_id,
            Reminder.state == DeliveryState.PENDING,
            col(Reminder.due_at) <= now,
        )
        .values(state=DeliveryState.SENDING, claimed_at=now, attempts=Reminder.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def abandoned_sends(session: Session, *, claimed_before: datetime) -> list[Reminder]:
    """Return the reminders still being sent by an attempt that began before a moment."""
    stmt = select(Reminder).where(
        Reminder.state == DeliveryState.SENDING, col(Reminder.claimed_at) < claimed_before
    )
    return list(session.exec(stmt.order_by(col(Reminder.id))))


def cancel_pending(
    session: Session,
    *,
    policy_id: int | None = None,
    keep_templates: Iterable[str] = (),
    key_prefix: str | None = None,
    templates: Iterable[str] | None = None,
) -> int:
    """Cancel the pending reminders of a policy (but templates kept) or keyed with a prefix; count them."""
    conditions: list[sa.ColumnElement[bool]] = []
    if policy_id is not None:
        conditions += [Reminder.policy_id == policy_id, col(Reminder.template).not_in(list(keep_templates))]  # type: ignore[list-item]
    if key_prefix is not None:
        conditions.append(col(Reminder.dedupe_key).startswith(key_prefix, autoescape=True))
    if templates is not None:
        conditions.append(col(Reminder.template).in_(list(templates)))
    result = session.execute(
        sa.update(Reminder)
        .where(Reminder.state == DeliveryState.PENDING, *conditions)
        .values(state=DeliveryState.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def pending_keyed(session: Session, *, key_prefix: str, templates: Iterable[str]) -> list[Reminder]:
    """Return the pending reminders of these templates whose key starts with `key_prefix`."""
    stmt = select(Reminder).where(
        Reminder.state == DeliveryState.PENDING,
        col(Reminder.dedupe_key).startswith(key_prefix, autoescape=True),
        col(Reminder.template).in_(list(templates)),
    )
    return list(session.exec(stmt.order_by(col(Reminder.id))))


def due_in_inbox(now: datetime) -> sa.ColumnElement[bool]:
    """Hold for an inbox reminder that is pending and due (readable already)."""
    return sa.and_(
        Reminder.channel == Channel.INBOX,
        Reminder.state == DeliveryState.PENDING,
        col(Reminder.due_at) <= now,
    )


def due_inbox_checked(session: Session, *, now: datetime) -> list[Reminder]:
    """Return the due inbox reminders whose concept may call them obsolete."""
    stmt = select(Reminder).where(due_in_inbox(now), col(Reminder.template).in_(hooks.checked_templates()))
    return list(session.exec(stmt).all())


def mark_inbox_delivered(session: Session, *, now: datetime) -> int:
    """Record every due inbox reminder as delivered when it became readable; count them."""
    result = session.execute(
        sa.update(Reminder)
        .where(due_in_inbox(now))
        # Delivered when it became readable, not when this sweep happened to pass.
        .values(state=DeliveryState.SENT, sent_at=Reminder.due_at, attempts=Reminder.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# The inbox's "still shown" condition asks every concept's hooks (a dozen subqueries). Building it
# and its cache key for each call was most of the CPU of a page for a signed-in visitor (the
# header's unread count), so each statement is built once per registry, with the time, the account
# and the limit as bound parameters (`TemplateHooks.current` only compares `now` with columns).
_NOW = sa.bindparam("now")
_ACCOUNT = sa.bindparam("account_id")
_LIMIT = sa.bindparam("limit", type_=sa.Integer)
_BUILT: dict[tuple[str, int], Any] = {}


def _shown_to_account() -> sa.ColumnElement[bool]:
    now: Any = _NOW  # a parameter where the hooks take a datetime (see above)
    return sa.and_(
        Reminder.recipient_account_id == _ACCOUNT,
        sa.or_(
            sa.and_(Reminder.channel == Channel.INBOX, Reminder.state == DeliveryState.SENT),
            sa.and_(due_in_inbox(now), hooks.still_current(now)),
        ),
    )


def _built(name: str) -> Any:
    generation = hooks.generation()
    key = (name, generation)
    if key not in _BUILT:
        for stale in [k for k in _BUILT if k[1] != generation]:  # built from an older registry
            _BUILT.pop(stale, None)
        if name == "count":
            stmt: Any = select(func.count()).where(_shown_to_account(), col(Reminder.read_at).is_(None))
        else:
            shown_at = sa.func.coalesce(col(Reminder.sent_at), col(Reminder.due_at))
            stmt = select(Reminder).where(_shown_to_account())
            if name == "unread":
                stmt = stmt.where(col(Reminder.read_at).is_(None))
            stmt = stmt.order_by(shown_at.desc(), col(Reminder.id).desc()).limit(_LIMIT)
        _BUILT[key] = stmt
    return _BUILT[key]


def inbox_messages(
    session: Session, *, account_id: int, unread_only: bool, limit: int, now: datetime
) -> list[Reminder]:
    """Return an account's delivered inbox messages and the due ones still current, newest first."""
    stmt = _built("unread" if unread_only else "all")
    return list(session.exec(stmt, params={"now": now, "account_id": account_id, "limit": limit}))


def inbox_unread_count(session: Session, *, account_id: int, now: datetime) -> int:
    """Count an account's unread inbox messages (the ones `inbox_messages` lists unread)."""
    return int(session.exec(_built("count"), params={"now": now, "account_id": account_id}).one())


def notified_account_ids(session: Session, *, policy_id: int) -> set[int]:
    """Return the ids of the accounts any reminder of a policy went (or goes) to."""
    return set(
        session.exec(
            select(Reminder.recipient_account_id).where(
                Reminder.policy_id == policy_id, col(Reminder.recipient_account_id).is_not(None)
            )
        )
    )  # type: ignore[arg-type]


def last_reminder_id(session: Session) -> int:
    """Return the highest reminder id so far (0 for none): a mark to find what is queued after it."""
    return int(session.exec(select(func.max(Reminder.id))).one() or 0)


def accounts_told_since(session: Session, *, policy_id: int, after_id: int) -> set[int]:
    """Return the accounts a reminder of a policy was queued for after a mark (`last_reminder_id`)."""
    return set(
        session.exec(
            select(Reminder.recipient_account_id).where(
                Reminder.policy_id == policy_id,
                col(Reminder.id) > after_id,
                col(Reminder.recipient_account_id).is_not(None),
            )
        )
    )  # type: ignore[arg-type]


def outbox_counts(session: Session) -> dict[tuple[str, str], int]:
    """Count reminders by channel and state (what an operator checks first)."""
    stmt = select(Reminder.channel, Reminder.state, func.count()).group_by(
        col(Reminder.channel), col(Reminder.state)
    )
    return {(str(c), str(s)): int(n) for c, s, n in session.exec(stmt)}


def reminders_page(
    session: Session,
    *,
    state: DeliveryState | None,
    channel: Channel | None,
    template: str | None,
    before_id: int | None,
    limit: int,
    hidden_templates: Collection[str] = (),
    shown_states: Collection[DeliveryState] = (),
) -> list[Reminder]:
    """Return up to `limit` reminders below an id, newest first, filtered by state, channel and template.

    Reminders of `hidden_templates` are left out unless in one of `shown_states`.
    """
    stmt = select(Reminder)
    if hidden_templates:
        stmt = stmt.where(
            sa.or_(col(Reminder.template).not_in(hidden_templates), col(Reminder.state).in_(shown_states))
        )
    if state is not None:
        stmt = stmt.where(Reminder.state == state)
    if channel is not None:
        stmt = stmt.where(Reminder.channel == channel)
    if template:
        stmt = stmt.where(Reminder.template == template)
    if before_id is not None:
        stmt = stmt.where(col(Reminder.id) < before_id)
    return list(session.exec(stmt.order_by(col(Reminder.id).desc()).limit(limit)))
