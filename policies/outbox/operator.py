"""The operator's view of the reminder outbox: what waits, what went out, what failed (admins only)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from sqlmodel import Session, col, select

from policies.accounts.access import Actor, require_actor
from policies.accounts.models import Role
from policies.core.errors import InvalidInput, PermissionDenied
from policies.outbox.models import Channel, DeliveryState, Reminder

MAX_PAGE = 200
# Cursors carry a row id; anything beyond a 64-bit id is forged (SQLite would overflow on it).
MAX_ID = 2**63 - 1


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


def encode_cursor(reminder_id: int) -> str:
    """Pack the last row's id into an opaque cursor."""
    return base64.urlsafe_b64encode(f"outbox:{reminder_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """Unpack a cursor this module made, or refuse it."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = text.partition(":")
        reminder_id = int(number) if prefix == "outbox" and number.isdigit() else 0
    except (binascii.Error, ValueError, UnicodeDecodeError):
        reminder_id = 0
    if not 1 <= reminder_id <= MAX_ID:
        raise InvalidInput(
            "Kursor halaman tidak dikenal: pakai next_cursor dari halaman sebelumnya.",
            en="Unknown page cursor: pass the next_cursor of the previous page.",
            field="cursor",
        )
    return reminder_id


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
    stmt = select(Reminder)
    if filters.state is not None:
        stmt = stmt.where(Reminder.state == filters.state)
    if filters.channel is not None:
        stmt = stmt.where(Reminder.channel == filters.channel)
    if filters.template:
        stmt = stmt.where(Reminder.template == filters.template)
    if cursor:
        stmt = stmt.where(col(Reminder.id) < decode_cursor(cursor))
    rows = list(session.exec(stmt.order_by(col(Reminder.id).desc()).limit(limit + 1)))
    items = rows[:limit]
    more = len(rows) > limit
    return OutboxPage(items=items, next_cursor=encode_cursor(items[-1].id) if more else None)  # type: ignore[arg-type]
