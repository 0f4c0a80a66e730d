"""Delivering reminders: take a due one (claim), compose it, record what came of sending it.

The email protocol is claim → send → record, each step in its own transaction: the claim commits
before anything is sent, so a second deliverer running at the same time cannot take the same
reminder, and the result is recorded after the server answered. The caller (a flow, the CLI)
commits between the steps; sending happens outside any transaction. Inbox messages need no
sending: the sweep marks the due ones delivered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlmodel import Session

from policies.core.errors import NotFound
from policies.core.settings import Settings
from policies.outbox import hooks, mail, queries
from policies.outbox.message_text import render_email
from policies.outbox.models import Channel, DeliveryState, Reminder

# A claimed email is not claimed again for this long, so two deliverers never send it twice.
CLAIM_LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    sent: int = 0
    failed_attempts: int = 0
    waiting_for_smtp: int = 0

    def line(self) -> str:
        """Describe the pass in Indonesian."""
        return (
            f"Email terkirim: {self.sent}, percobaan gagal: {self.failed_attempts}, "
            f"menunggu SMTP dikonfigurasi: {self.waiting_for_smtp}"
        )


def due_email_ids(session: Session, *, now: datetime, limit: int) -> list[int]:
    """Return the ids of the email reminders due now, oldest first (what one pass tries to send)."""
    return [r.id for r in queries.due_reminders(session, now=now, channel=Channel.EMAIL, limit=limit)]  # type: ignore[misc]


def _cancel(session: Session, reminder: Reminder, reason: str) -> None:
    reminder.state = DeliveryState.CANCELLED
    reminder.last_error = f"Dibatalkan saat dikirim: {reason}."
    session.add(reminder)
    session.flush()


def claim(
    session: Session, *, reminder_id: int, now: datetime, lease: timedelta = CLAIM_LEASE
) -> Reminder | None:
    """Take a due reminder for one delivery attempt; only one deliverer wins, an obsolete one is cancelled."""
    won = queries.claim_reminder(session, reminder_id=reminder_id, now=now, until=now + lease)
    session.flush()
    if not won:
        return None
    reminder = _get(session, reminder_id)
    session.refresh(reminder)
    # Checked when sending, not only when queueing: a backlog must not outlive what it was about.
    reason = hooks.why_obsolete(session, reminder=reminder, now=now)
    if reason:
        _cancel(session, reminder, reason)
        return None
    return reminder


def compose(reminder: Reminder, *, settings: Settings, secret: str) -> EmailMessage:
    """Write a claimed reminder as an email in its recipient's language (personal links need the secret)."""
    if not reminder.recipient_email:
        raise ValueError("Pengingat tidak memiliki alamat email penerima.")
    subject, body = render_email(reminder, base_url=settings.base_url, tz=settings.timezone, secret=secret)
    return mail.build_message(
        settings, to=reminder.recipient_email, subject=subject, body=body, reference=f"r{reminder.id}"
    )


def record_sent(session: Session, *, reminder_id: int, now: datetime) -> Reminder:
    """Record a successful delivery."""
    reminder = _get(session, reminder_id)
    reminder.state = DeliveryState.SENT
    reminder.sent_at = now
    reminder.last_error = ""
    session.add(reminder)
    session.flush()
    return reminder


def retry_delay(attempts: int) -> timedelta:
    """Wait 2, 4, 8 … minutes after each failed attempt, at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts, 1)), MAX_BACKOFF)


def record_failure(
    session: Session, *, reminder_id: int, error: str, now: datetime, max_attempts: int
) -> Reminder:
    """Record a failed attempt: retry later with backoff, or give up after the last attempt."""
    reminder = _get(session, reminder_id)
    reminder.last_error = error[:2000]
    if reminder.attempts >= max_attempts:
        reminder.state = DeliveryState.FAILED
    else:
        reminder.due_at = now + retry_delay(reminder.attempts)
    session.add(reminder)
    session.flush()
    return reminder


def describe_failure(exc: BaseException) -> str:
    """Say what went wrong with an attempt, as recorded on the reminder."""
    return f"{type(exc).__name__}: {exc}"


def deliver_inbox(session: Session, *, now: datetime) -> int:
    """Make due inbox reminders visible in their recipient's inbox (obsolete ones are cancelled)."""
    for reminder in queries.due_inbox_checked(session, now=now):
        reason = hooks.why_obsolete(session, reminder=reminder, now=now)
        if reason:
            _cancel(session, reminder, reason)
    delivered = queries.mark_inbox_delivered(session, now=now)
    session.flush()
    return delivered


def _get(session: Session, reminder_id: int) -> Reminder:
    reminder = session.get(Reminder, reminder_id)
    if reminder is None:
        raise NotFound(f"Pengingat {reminder_id} tidak ditemukan.", en=f"Reminder {reminder_id} not found.")
    return reminder
