"""The operator's view of the reminder outbox: what waits, what went out, what failed (admins only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from policies.accounts.access import Actor, require_actor
from policies.accounts.models import Role
from policies.core.errors import Conflict, NotFound, PermissionDenied
from policies.core.listing import cursor_id, id_cursor
from policies.outbox import hooks, queries
from policies.outbox.models import Channel, DeliveryState, Reminder

MAX_PAGE = 200
# What an operator must still see of an anonymous reminder: a delivery that needs a person. Its
# routine states (pending, sent, cancelled once the respondent answered) would tell who answered.
OPERATOR_STATES = (DeliveryState.UNCERTAIN, DeliveryState.FAILED)


@dataclass(frozen=True)
class OutboxFilter:
    """Which reminders to list; None means any."""

    state: DeliveryState | None = None
    channel: Channel | None = None
    template: str | None = None


@dataclass
class OutboxPage:
    """One page of reminders, newest first, and the cursor of the next (None on the last page)."""

    items: list[Reminder]
    next_cursor: str | None


def require_admin(actor: Actor | None) -> Actor:
    """Refuse anyone but an admin: the outbox shows every recipient's address."""
    actor = require_actor(actor)
    if actor.role is not Role.ADMIN:
        raise PermissionDenied(
            "Antrean pengingat hanya dapat dilihat admin, karena memuat alamat setiap penerima.",
            en="Only admins may read the reminder outbox, since it shows every recipient's address.",
        )
    return actor


def outbox_page(
    session: Session,
    *,
    actor: Actor | None,
    filters: OutboxFilter = OutboxFilter(),
    cursor: str | None = None,
    limit: int = 50,
) -> OutboxPage:
    """List reminders newest first, filtered by state, channel and template, a keyset page at a time."""
    require_admin(actor)
    limit = max(1, min(limit, MAX_PAGE))
    rows = queries.reminders_page(
        session,
        state=filters.state,
        channel=filters.channel,
        template=filters.template,
        before_id=cursor_id(cursor) if cursor else None,
        limit=limit + 1,
        hidden_templates=hooks.anonymous_templates(),
        shown_states=OPERATOR_STATES,
    )
    items = rows[:limit]
    more = len(rows) > limit
    return OutboxPage(items=items, next_cursor=id_cursor(items[-1].id) if more else None)  # type: ignore[arg-type]


def masked_fields(reminder: Reminder) -> dict[str, Any]:
    """Return what the operator's view shows instead of an anonymous reminder's recipient ({} for others)."""
    if reminder.template not in hooks.anonymous_templates():
        return {}
    return {
        "recipient_account_id": None,
        "recipient_email": "",
        "dedupe_key": f"{reminder.template}:…",
        "last_error": "" if reminder.state is not DeliveryState.FAILED else "pengiriman gagal",
        "read_at": None,
    }


def resolve_uncertain(
    session: Session, *, actor: Actor | None, reminder_id: int, delivered: bool, now: datetime
) -> Reminder:
    """Settle an email whose delivery is uncertain, once an admin checked the mail server's log.

    Found there (by its Message-ID): it is recorded as sent. Not found: it goes back to the queue
    with the same Message-ID, so even a copy that did get out is shown once by mail software that
    deduplicates by Message-ID.
    """
    admin = require_admin(actor)
    reminder = session.get(Reminder, reminder_id)
    if reminder is None:
        raise NotFound(f"Pengingat {reminder_id} tidak ditemukan.", en=f"Reminder {reminder_id} not found.")
    if reminder.state != DeliveryState.UNCERTAIN:
        raise Conflict(
            f"Pengingat {reminder_id} berstatus {reminder.state}, bukan 'uncertain': hanya pengiriman "
            "yang hasilnya tidak pasti yang diselesaikan operator.",
            en=f"Reminder {reminder_id} is {reminder.state}, not 'uncertain': only a delivery whose "
            "outcome is unknown is settled by an operator.",
        )
    if delivered:
        reminder.state, reminder.sent_at = DeliveryState.SENT, reminder.claimed_at or now
        reminder.last_error = f"Ditandai terkirim oleh {admin.name} setelah diperiksa di log server SMTP."
    else:
        reminder.state, reminder.due_at = DeliveryState.PENDING, now
        reminder.last_error = "Dikembalikan ke antrean oleh operator: tidak ditemukan di log server SMTP."
    session.add(reminder)
    session.flush()
    return reminder
