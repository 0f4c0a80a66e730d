"""The reminder outbox: the one way to enqueue (dedupe key), cancel what is pending, the inbox."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from policies.accounts.models import Account
from policies.core.db import utcnow
from policies.core.errors import NotFound
from policies.core.i18n import LOCALES
from policies.lifecycle.models import Policy
from policies.outbox import hooks, queries
from policies.outbox.models import Channel, DeliveryState, Reminder


@dataclass(frozen=True)
class Recipient:
    """Someone a reminder goes to: an account, or only an address."""

    account_id: int | None
    email: str
    locale: str = "id"

    @classmethod
    def of(cls, account: Account) -> Recipient:
        """Address an account in its own language."""
        return cls(account_id=account.id, email=account.email, locale=account.locale or "id")


def _fields(
    *,
    dedupe_key: str,
    template: str,
    channel: Channel,
    recipient: Recipient,
    due_at: datetime,
    policy_id: int | None,
    context: dict[str, Any] | None,
) -> dict[str, Any]:
    """Return a reminder's columns, as one enqueue and the bulk notify both write them."""
    return {
        "dedupe_key": dedupe_key[:300],  # the column's width: a longer key is known by its first 300
        "template": template,
        "channel": channel,
        "recipient_account_id": recipient.account_id,
        "recipient_email": recipient.email,
        "locale": recipient.locale if recipient.locale in LOCALES else "id",
        "policy_id": policy_id,
        "context": context or {},
        "due_at": due_at,
    }


def enqueue(
    session: Session,
    *,
    dedupe_key: str,
    template: str,
    channel: Channel,
    recipient: Recipient,
    due_at: datetime,
    policy_id: int | None = None,
    context: dict[str, Any] | None = None,
) -> tuple[Reminder, bool]:
    """Add a reminder unless one with the same key exists; tell whether it is new.

    Every reminder is enqueued here: the key makes enqueueing again harmless, so a sweep that runs
    twice, or two that run at once, queue each message once.
    """
    fields = _fields(
        dedupe_key=dedupe_key,
        template=template,
        channel=channel,
        recipient=recipient,
        due_at=due_at,
        policy_id=policy_id,
        context=context,
    )
    existing = queries.reminder_by_key(session, dedupe_key=fields["dedupe_key"])
    if existing is not None:
        return existing, False
    reminder = Reminder(**fields)
    # A concurrent enqueue of the same key loses on the unique constraint; the savepoint keeps
    # the caller's transaction usable.
    try:
        with session.begin_nested():
            session.add(reminder)
    except IntegrityError:
        found = queries.reminder_by_key(session, dedupe_key=fields["dedupe_key"])
        if found is None:
            raise  # not the concurrent duplicate: a real refusal, which must not be hidden
        return found, False
    return reminder, True


def notify(
    session: Session,
    *,
    key: str,
    template: str,
    recipients: Iterable[Recipient],
    due_at: datetime,
    policy: Policy | None = None,
    context: dict[str, Any] | None = None,
    channels: Iterable[Channel] = (Channel.EMAIL,),
) -> int:
    """Enqueue one reminder per recipient and channel (keys `<key>:<channel>:<recipient>`); count the new.

    In bulk: a transition tells thousands of stakeholders inside its own transaction, which on
    SQLite holds the one write lock, so the new rows are inserted a chunk per statement (a key that
    exists is skipped), not a statement (and a savepoint) per reminder. No ORM objects are made.
    """
    channels = tuple(channels)
    policy_id = policy.id if policy else None
    rows: dict[str, dict[str, Any]] = {}  # by key: the first of a repeated recipient wins
    for person in recipients:
        who = f"a{person.account_id}" if person.account_id is not None else person.email.lower()
        for channel in channels:
            if channel is Channel.EMAIL and not person.email:
                continue
            if channel is Channel.INBOX and person.account_id is None:
                continue
            row = _fields(
                dedupe_key=f"{key}:{channel.value}:{who}",
                template=template,
                channel=channel,
                recipient=person,
                due_at=due_at,
                policy_id=policy_id,
                context=context,
            )
            rows.setdefault(row["dedupe_key"], row)
    session.flush()  # what the caller added goes first (the rows below are written past the ORM)
    if not rows:
        return 0
    # No lookup first: the insert skips a key that exists and counts only the rows it wrote.
    return queries.insert_new_reminders(session, rows=list(rows.values()))


def policy_context(policy: Policy, **extra: Any) -> dict[str, Any]:
    """Return what every template says about a policy (JSON-safe: datetimes as ISO text)."""
    return {"title": policy.title, "slug": policy.slug, "cycle": policy.cycle, **json_safe(extra)}


def cancel_pending(session: Session, *, policy_id: int, keep_templates: Iterable[str] = ()) -> int:
    """Cancel every reminder of a policy that has not gone out yet (except the templates kept)."""
    cancelled = queries.cancel_pending(session, policy_id=policy_id, keep_templates=keep_templates)
    session.flush()
    return cancelled


def cancel_keyed(session: Session, *, key_prefix: str, templates: Iterable[str] | None = None) -> int:
    """Cancel the pending reminders whose key starts with `key_prefix` (of these templates, if given)."""
    cancelled = queries.cancel_pending(session, key_prefix=key_prefix, templates=templates)
    session.flush()
    return cancelled


def reschedule_keyed(
    session: Session, *, key_prefix: str, templates: Iterable[str], shift: timedelta, context: dict[str, Any]
) -> int:
    """Move the pending reminders keyed with a prefix by `shift` and update their context; count them.

    What a deadline's reminders do when the deadline moves: the same message, as long before the
    new deadline as it was before the old one, saying the new date.
    """
    moved = queries.pending_keyed(session, key_prefix=key_prefix, templates=templates)
    for reminder in moved:
        reminder.due_at = reminder.due_at + shift
        reminder.context = {**reminder.context, **json_safe(context)}
        session.add(reminder)
    session.flush()
    return len(moved)


def json_safe(values: dict[str, Any]) -> dict[str, Any]:
    """Return context values JSON-safe (datetimes as ISO text), as every template reads them."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


def inbox(
    session: Session,
    *,
    account_id: int,
    unread_only: bool = False,
    limit: int = 100,
    now: datetime | None = None,
) -> list[Reminder]:
    """List an account's inbox messages, newest first: delivered ones and pending ones already due.

    A due inbox reminder is readable at once; the sweep that records it as delivered comes later,
    and cancels a message its concept no longer wants sent (a survey answered meanwhile): that one
    is not shown now.
    """
    return queries.inbox_messages(
        session, account_id=account_id, unread_only=unread_only, limit=limit, now=now or utcnow()
    )


def unread_count(session: Session, *, account_id: int, now: datetime | None = None) -> int:
    """Count the account's unread inbox messages (the header's number)."""
    return queries.inbox_unread_count(session, account_id=account_id, now=now or utcnow())


def mark_read(
    session: Session, *, account_id: int, reminder_id: int, now: datetime | None = None
) -> Reminder:
    """Mark one of the account's inbox messages read; marking twice keeps the first time."""
    now = now or utcnow()
    reminder = session.get(Reminder, reminder_id)
    visible = reminder is not None and (
        reminder.state == DeliveryState.SENT
        or (
            reminder.state == DeliveryState.PENDING
            and reminder.due_at <= now
            and not hooks.why_obsolete(session, reminder=reminder, now=now)
        )
    )
    if (
        reminder is None
        or not visible
        or reminder.recipient_account_id != account_id
        or reminder.channel != Channel.INBOX
    ):
        raise NotFound(
            f"Pesan {reminder_id} tidak ditemukan di kotak masuk Anda.",
            en=f"Message {reminder_id} is not in your inbox.",
        )
    if reminder.state == DeliveryState.PENDING:  # read before the sweep recorded its delivery
        reminder.state, reminder.sent_at = DeliveryState.SENT, reminder.due_at
    if reminder.read_at is None:
        reminder.read_at = now
    session.add(reminder)
    session.flush()
    return reminder


def notice_mark(session: Session) -> int:
    """Return a mark of the outbox as it stands: notices written after it are newer than the mark."""
    return queries.last_reminder_id(session)


def told_since(session: Session, *, policy_id: int, mark: int) -> set[int]:
    """Return the accounts a notice about the policy was written to after the mark."""
    return queries.accounts_told_since(session, policy_id=policy_id, after_id=mark)
