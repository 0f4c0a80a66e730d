"""Deliver due email reminders: the domain's claim → send → record, each step its own commit.

An attempt whose outcome is unknown is never retried here (policies/outbox/delivery.py says why).
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

import policies.tables  # noqa: F401  (every concept's outbox hooks, before anything is delivered)
from policies.core.db import read_session, unit_of_work, utcnow
from policies.core.secret_key import ensure_secret_key
from policies.core.settings import Settings
from policies.outbox import delivery, mail
from policies.outbox.delivery import DeliveryReport


class Sender(Protocol):
    """Something that sends one message with the SMTP settings (mail.send, or a test's outbox)."""

    def __call__(self, settings: Settings, *, message: EmailMessage) -> str: ...


def deliver_due_emails(
    *, settings: Settings, now: datetime | None = None, limit: int = 200, send: Sender = mail.send
) -> DeliveryReport:
    """Send every due email reminder once; with no SMTP configured they stay pending, untouched."""
    now = now or utcnow()
    report = DeliveryReport()
    with unit_of_work(settings.database_url) as session:
        # Left "sending" by a deliverer that died, or whose record failed: an operator checks them.
        report.uncertain += delivery.flag_abandoned(session, now=now)
    with read_session(settings.database_url) as session:
        due = delivery.due_email_ids(session, now=now, limit=limit)
    if not mail.is_configured(settings):
        report.waiting_for_smtp = len(due)
        return report
    # Personal links (a survey's) are rebuilt with the app secret.
    secret = ensure_secret_key(settings)
    for reminder_id in due:
        # The claim commits first: a second deliverer running now cannot take the same reminder.
        with unit_of_work(settings.database_url) as session:
            reminder = delivery.claim(
                session, reminder_id=reminder_id, now=now, message_domain=mail.message_domain(settings)
            )
        if reminder is None:
            continue
        try:
            answer = send(settings, message=delivery.compose(reminder, settings=settings, secret=secret))
        except mail.OutcomeUnknown as exc:  # the server may hold it: not resent without a check
            with unit_of_work(settings.database_url) as session:
                delivery.record_uncertain(session, reminder_id=reminder_id, error=str(exc))
            report.uncertain += 1
            continue
        except Exception as exc:  # every failure is recorded on the row and retried with backoff
            with unit_of_work(settings.database_url) as session:
                delivery.record_failure(
                    session,
                    reminder_id=reminder_id,
                    error=delivery.describe_failure(exc),
                    now=now,
                    max_attempts=settings.reminder_max_attempts,
                )
            report.failed_attempts += 1
            continue
        with unit_of_work(settings.database_url) as session:
            delivery.record_sent(session, reminder_id=reminder_id, now=utcnow(), answer=answer)
        report.sent += 1
    return report
