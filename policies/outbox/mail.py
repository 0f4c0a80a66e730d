"""Send one email over SMTP (stdlib smtplib); what to send and when is policies.outbox.notify's business.

`send` tells three outcomes apart, because a retry must never produce a second copy that could
have been avoided: the server took the message (its answer, with its queue id, is returned), the
server refused it or was never reached (an exception: safe to retry), or the connection failed
after the message's text was handed over and before the server answered (`OutcomeUnknown`: the
server may hold it, so nobody resends it without checking first).
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.policy import EmailPolicy
from email.utils import make_msgid
from typing import Any

from policies.core.fields import one_line
from policies.core.settings import Settings

SMTP_TIMEOUT_SECONDS = 10


class MailNotConfigured(RuntimeError):
    """No SMTP server is configured, so email waits in the outbox."""


class OutcomeUnknown(RuntimeError):
    """The connection failed after the message was handed over: the server may have accepted it."""


class _SingleLineHeaders(EmailPolicy):
    """The SMTP policy, with every header value made one line before it is stored.

    A line break in a header value would end the header and start another (a forged `Bcc:`); the
    standard policy refuses such a value with a ValueError, which made the message undeliverable
    forever. Titles and names are refused at input already; this is the second line of defence.
    """

    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        """Store the header with its value on one line."""
        return super().header_store_parse(name, one_line(value) if isinstance(value, str) else value)


# The SMTP policy's settings (CRLF line ends), with one-line header values.
HEADER_POLICY = _SingleLineHeaders().clone(linesep=SMTP_POLICY.linesep)


def is_configured(settings: Settings) -> bool:
    """Tell whether an SMTP server is configured."""
    return bool(settings.smtp_host.strip())


def message_domain(settings: Settings) -> str:
    """Return the domain Message-IDs are made in: the sender's."""
    return settings.smtp_sender.rpartition("@")[2] or "localhost"


def new_message_id(*, reference: str, domain: str) -> str:
    """Make a Message-ID for a reminder once (the caller stores it; every attempt reuses it)."""
    return make_msgid(idstring=reference, domain=domain)


def build_message(
    settings: Settings, *, to: str, subject: str, body: str, reference: str, message_id: str
) -> EmailMessage:
    """Build a plain-text UTF-8 message under the reminder's own Message-ID, with one-line headers."""
    message = EmailMessage(policy=HEADER_POLICY)
    message["From"] = settings.smtp_sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["X-Siklus-Reminder"] = reference
    message.set_content(body)
    return message


class _RecordsTheAnswer:
    """An SMTP client that keeps the server's answer to the message and tells an unknown outcome."""

    answer = ""

    def data(self, msg: Any) -> tuple[int, bytes]:
        """Send the message's text; a connection lost inside DATA leaves the outcome unknown."""
        try:
            code, reply = super().data(msg)  # type: ignore[misc]
        except smtplib.SMTPDataError:
            raise  # the server answered with a refusal: nothing was taken
        except OSError as exc:  # smtplib's disconnects are OSErrors too
            # Also when the DATA command itself was lost: we cannot tell, so we do not guess.
            raise OutcomeUnknown(
                f"Sambungan SMTP terputus saat pesan diserahkan ({type(exc).__name__}: {exc}); "
                "server mungkin sudah menerimanya."
            ) from exc
        if code == 250:
            self.answer = f"{code} {reply.decode('utf-8', 'replace')}"
        return code, reply


class _Client(_RecordsTheAnswer, smtplib.SMTP):
    pass


class _SSLClient(_RecordsTheAnswer, smtplib.SMTP_SSL):
    pass


def _connect(settings: Settings) -> _Client | _SSLClient:
    # The system's trusted CAs and hostname checks: smtplib's own default for STARTTLS verifies
    # nothing, which would hand the credentials to anyone in the middle.
    context = ssl.create_default_context()
    if settings.smtp_ssl:
        return _SSLClient(
            settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS, context=context
        )
    smtp = _Client(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS)
    if settings.smtp_tls:
        try:
            smtp.starttls(context=context)
        except BaseException:
            smtp.close()
            raise
    return smtp


def send(settings: Settings, *, message: EmailMessage) -> str:
    """Hand a message to the SMTP server and return its answer (with its queue id).

    Raise on a refusal or a server not reached, so the caller can retry; raise `OutcomeUnknown`
    when the server may hold the message, so the caller does not.
    """
    if not is_configured(settings):
        raise MailNotConfigured("SMTP belum dikonfigurasi (SIKLUS_SMTP_HOST kosong).")
    smtp = _connect(settings)
    try:
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
        smtp.send_message(message)
    except BaseException:
        smtp.close()
        raise
    try:
        # Taken already: how the goodbye goes changes nothing about the delivery.
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
    finally:
        smtp.close()
    return smtp.answer
