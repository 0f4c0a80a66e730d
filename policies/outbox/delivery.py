"""Delivering reminders: take a due one (claim), compose it, record what came of sending it.

The email protocol is claim → send → record, each step in its own transaction. The claim commits
before anything is sent: the reminder is then SENDING, with its Message-ID chosen (once, at the
first claim, kept by every later attempt), so a second deliverer cannot take it. What the server
answered is recorded after it answered: SENT with its queue id; a refusal or a server not reached
goes back to PENDING with backoff (nothing was taken, a retry is safe).

What is never retried blindly is an attempt whose outcome is unknown: the connection broke after
the message was handed over, or the deliverer died (or its database write failed) between the
send and the record. Resending then could deliver a second copy, so the reminder becomes
UNCERTAIN: an operator looks its Message-ID up in the mail server's log, then records it as
delivered or puts it back in the queue (`operator.resolve_uncertain`). A row still SENDING after
the lease is such a case (`flag_abandoned`). We chose "at most once, with an operator for the
rare unknown" over "at least once" because a duplicate reminder cannot be taken back, while a
missing one is seen on the operator's page; a resent copy keeps its Message-ID, so mail software
that deduplicates by Message-ID shows it once.

The caller (a flow, the CLI) commits between the steps; sending happens outside any transaction.
Inbox messages need no sending: the sweep marks the due ones delivered.
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

# A deliverer that has not recorded an attempt after this long is gone (a send takes seconds): its
# reminder's outcome is unknown.
CLAIM_LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    sent: int = 0
    failed_attempts: int = 0
    waiting_for_smtp: int = 0
    uncertain: int = 0

    def line(self) -> str:
        """Describe the pass in Indonesian."""
        return (
            f"Email terkirim: {self.sent}, percobaan gagal: {self.failed_attempts}, "
            f"menunggu SMTP dikonfigurasi: {self.waiting_for_smtp}, "
            f"hasil tidak pasti (perlu diperiksa operator): {self.uncertain}"
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
    session: Session, *, reminder_id: int, now: datetime, message_domain: str = "localhost"
) -> Reminder | None:
    """Take a due reminder for one delivery attempt; only one deliverer wins, an obsolete one is cancelled.

    The claim fixes the reminder's Message-ID (in `message_domain`) unless an earlier one did.
    """
    won = queries.claim_reminder(session, reminder_id=reminder_id, now=now)
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
    if not reminder.message_id:
        reminder.message_id = mail.new_message_id(reference=f"r{reminder.id}", domain=message_domain)
        session.add(reminder)
        session.flush()
    return reminder


def compose(reminder: Reminder, *, settings: Settings, secret: str) -> EmailMessage:
    """Write a claimed reminder as an email in its recipient's language (personal links need the secret)."""
    if not reminder.recipient_email:
        raise ValueError("Pengingat tidak memiliki alamat email penerima.")
    if not reminder.message_id:
        raise ValueError("Pengingat belum diklaim: Message-ID-nya belum ditetapkan.")
    subject, body = render_email(reminder, base_url=settings.base_url, tz=settings.timezone, secret=secret)
    return mail.build_message(
        settings,
        to=reminder.recipient_email,
        subject=subject,
        body=body,
        reference=f"r{reminder.id}",
        message_id=reminder.message_id,
    )


def record_sent(session: Session, *, reminder_id: int, now: datetime, answer: str = "") -> Reminder:
    """Record a successful delivery and the server's answer (its queue id)."""
    reminder = _get(session, reminder_id)
    reminder.state = DeliveryState.SENT
    reminder.sent_at = now
    reminder.smtp_reply = answer[:500]
    reminder.last_error = ""
    session.add(reminder)
    session.flush()
    return reminder


def _uncertain_note(reminder: Reminder, why: str) -> str:
    return (
        f"{why} Jangan kirim ulang sebelum memeriksa log server SMTP untuk Message-ID "
        f"{reminder.message_id}: bila ada, tandai terkirim; bila tidak, kembalikan ke antrean."
    )


def record_uncertain(session: Session, *, reminder_id: int, error: str) -> Reminder:
    """Record an attempt whose outcome is unknown: kept for an operator, never resent blindly."""
    reminder = _get(session, reminder_id)
    reminder.state = DeliveryState.UNCERTAIN
    reminder.last_error = _uncertain_note(reminder, error)[:2000]
    session.add(reminder)
    session.flush()
    return reminder


def flag_abandoned(session: Session, *, now: datetime, lease: timedelta = CLAIM_LEASE) -> int:
    """Mark uncertain every reminder whose deliverer began sending longer than the lease ago; count them.

    Its deliverer died, or could not record what the server said: the message may be out.
    """
    stale = queries.abandoned_sends(session, claimed_before=now - lease)
    for reminder in stale:
        reminder.state = DeliveryState.UNCERTAIN
        reminder.last_error = _uncertain_note(
            reminder,
            "Pengirim berhenti sebelum mencatat hasil pengiriman (mati, atau basis data gagal ditulis).",
        )[:2000]
        session.add(reminder)
    session.flush()
    return len(stale)


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
        reminder.state = DeliveryState.PENDING
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
