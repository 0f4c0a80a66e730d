"""Deliver due email reminders: claim one, send it, record the result; each step its own commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

from policies.core.db import read_session, unit_of_work, utcnow
from policies.core.secret_key import ensure_secret_key
from policies.core.settings import Settings
from policies.outbox import mail, notify
from policies.outbox.models import Channel, Reminder


class Sender(Protocol):
    """Something that sends one message with the SMTP settings (mail.send, or a test's outbox)."""

    def __call__(self, settings: Settings, *, message: EmailMessage) -> None: ...


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


def deliver_due_emails(
    *, settings: Settings, now: datetime | None = None, limit: int = 200, send: Sender = mail.send
) -> DeliveryReport:
    """Send every due email reminder once; with no SMTP configured they stay pending, untouched."""
    now = now or utcnow()
    report = DeliveryReport()
    with read_session(settings.database_url) as session:
        due = [r.id for r in notify.due_reminders(session, now=now, channel=Channel.EMAIL, limit=limit)]
    if not mail.is_configured(settings):
        report.waiting_for_smtp = len(due)
        return report
    # Survey invitations and reminders rebuild each respondent's link with the app secret.
    secret = ensure_secret_key(settings)
    for reminder_id in due:
        # The claim commits first: a second deliverer running now cannot take the same reminder.
        with unit_of_work(settings.database_url) as session:
            if not notify.claim(session, reminder_id=reminder_id, now=now):  # type: ignore[arg-type]
                continue
            reminder = session.get(Reminder, reminder_id)
            assert reminder is not None  # just claimed
            session.refresh(reminder)
        try:
            if not reminder.recipient_email:
                raise ValueError("Pengingat tidak memiliki alamat email penerima.")
            subject, body = notify.render_email(
                reminder, base_url=settings.base_url, tz=settings.timezone, secret=secret
            )
            message = mail.build_message(
                settings, to=reminder.recipient_email, subject=subject, body=body, reference=f"r{reminder.id}"
            )
            send(settings, message=message)
        except Exception as exc:  # every failure is recorded on the row and retried with backoff
            with unit_of_work(settings.database_url) as session:
                notify.record_failure(
                    session,
                    reminder_id=reminder_id,  # type: ignore[arg-type]
                    error=f"{type(exc).__name__}: {exc}",
                    now=now,
                    max_attempts=settings.reminder_max_attempts,
                )
            report.failed_attempts += 1
            continue
        with unit_of_work(settings.database_url) as session:
            notify.record_sent(session, reminder_id=reminder_id, now=utcnow())  # type: ignore[arg-type]
        report.sent += 1
    return report
