"""Send one email over SMTP (stdlib smtplib); what to send and when is policies.outbox.notify's business."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from policies.core.settings import Settings

SMTP_TIMEOUT_SECONDS = 10


class MailNotConfigured(RuntimeError):
    """No SMTP server is configured, so email waits in the outbox."""


def is_configured(settings: Settings) -> bool:
    """Tell whether an SMTP server is configured."""
    return bool(settings.smtp_host.strip())


def build_message(settings: Settings, *, to: str, subject: str, body: str, reference: str) -> EmailMessage:
    """Build a plain-text UTF-8 message; the Message-ID carries the outbox key for tracing."""
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = to
    message["Subject"] = subject
    domain = settings.smtp_sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(idstring=reference, domain=domain)
    message["X-Siklus-Reminder"] = reference
    message.set_content(body)
    return message


def _connect(settings: Settings) -> smtplib.SMTP:
    # The system's trusted CAs and hostname checks: smtplib's own default for STARTTLS verifies
    # nothing, which would hand the credentials to anyone in the middle.
    context = ssl.create_default_context()
    if settings.smtp_ssl:
        return smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS, context=context
        )
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS)
    if settings.smtp_tls:
        try:
            smtp.starttls(context=context)
        except BaseException:
            smtp.close()
            raise
    return smtp


def send(settings: Settings, *, message: EmailMessage) -> None:
    """Hand a message to the SMTP server; raise on any refusal so the caller can retry."""
    if not is_configured(settings):
        raise MailNotConfigured("SMTP belum dikonfigurasi (SIKLUS_SMTP_HOST kosong).")
    with _connect(settings) as smtp:
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
        smtp.send_message(message)
