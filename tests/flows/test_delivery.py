"""Email reminders through a real SMTP server (aiosmtpd, in-process): content, retries, no duplicates."""

from __future__ import annotations

import email
import email.policy
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from flows.delivery import deliver_due_emails
from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import get_engine, unit_of_work, utcnow
from policies.core.settings import Settings
from policies.outbox import operator
from policies.outbox.models import Channel, DeliveryState, Reminder
from policies.outbox.notify import Recipient, notify
from tests import lifecycle_walk as walk
from tests.flows.conftest import run_async

CONTEXT = {
    "title": "Perwal Kebijakan Kepegawaian ASN",
    "slug": walk.SLUG,
    "cycle": 1,
    "round_number": 1,
    "closes_at": "2026-12-13T07:30:00+00:00",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An SMTP handler that keeps what it accepts and can refuse the next messages with a 451.

    It can also keep the next messages and then drop the connection before answering (the client
    cannot tell whether they were taken). Every Message-ID handed over is noted, taken or not.
    """

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.message_ids: list[str] = []
        self.rcpt_tos: list[list[str]] = []
        self.refuse_next = 0
        self.drop_after_next = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)  # type: ignore[arg-type]
        self.message_ids.append(str(message["Message-ID"]))
        self.rcpt_tos.append(list(envelope.rcpt_tos))
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return "451 4.3.0 Coba lagi nanti"
        self.messages.append(message)  # type: ignore[arg-type]
        if self.drop_after_next > 0:
            self.drop_after_next -= 1
            server.transport.close()  # taken, but the client never hears so
        return "250 2.0.0 Ok: queued as Q" + str(len(self.messages))


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    handler, port = Inbox(), _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the tests trust it through SSL_CERT_FILE)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smtp.siklus.test")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def _mail_settings(settings: Settings, port: int) -> Settings:
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_tls": False})


def _queue(
    db: str,
    people: dict[str, Any],
    *,
    key: str = "evaluation-opened:1",
    to: tuple[str, ...] = ("asn", "asn_en"),
) -> None:
    """Queue the evaluation-opened email (about no policy row: nothing makes it stale), due a minute ago."""
    with unit_of_work(db) as s:
        notify(
            s,
            key=key,
            template="evaluation_opened",
            recipients=[Recipient.of(people[who]) for who in to],
            due_at=utcnow() - timedelta(minutes=1),
            context=CONTEXT,
        )


def _states(db: str) -> list[tuple[str, int]]:
    with unit_of_work(db) as s:
        return [(r.state, r.attempts) for r in s.exec(select(Reminder).order_by(Reminder.id))]


def test_without_smtp_emails_wait_then_go_out_in_each_language(
    db: str, catalog: None, settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    handler, port = smtp
    people = walk.add_people(db)
    _queue(db, people)
    waiting = deliver_due_emails(settings=settings)
    assert waiting.waiting_for_smtp == 2 and waiting.sent == 0
    assert _states(db) == [(DeliveryState.PENDING, 0), (DeliveryState.PENDING, 0)]

    report = deliver_due_emails(settings=_mail_settings(settings, port))
    assert (report.sent, report.failed_attempts) == (2, 0)
    by_to = {m["To"]: m for m in handler.messages}
    indonesian, english = by_to["asn@pemkot.example.id"], by_to["expat@pemkot.example.id"]
    assert indonesian["Subject"] == "[Siklus] Evaluasi dimulai: Perwal Kebijakan Kepegawaian ASN"
    body_id = indonesian.get_content()
    assert "13 Desember 2026, pukul 14.30 WIB" in body_id and "Putaran survei 1" in body_id
    assert f"/policies/{walk.SLUG}" in body_id
    assert english["Subject"] == "[Siklus] Evaluation started: Perwal Kebijakan Kepegawaian ASN"
    assert "December 13, 2026, 2:30 PM WIB" in english.get_content()
    assert indonesian["From"] == settings.smtp_sender
    # Delivered once: another pass sends nothing.
    assert deliver_due_emails(settings=_mail_settings(settings, port)).sent == 0
    assert len(handler.messages) == 2
    assert [s for s, _ in _states(db)] == [DeliveryState.SENT, DeliveryState.SENT]


def test_a_refused_delivery_is_retried_later_and_sent_once(
    db: str, catalog: None, settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    handler, port = smtp
    people = walk.add_people(db)
    _queue(db, people, key="k", to=("asn",))
    handler.refuse_next = 1
    mail = _mail_settings(settings, port)
    now = utcnow()
    first = deliver_due_emails(settings=mail, now=now)
    assert (first.sent, first.failed_attempts) == (0, 1)
    with unit_of_work(db) as s:
        r = s.exec(select(Reminder)).one()
        assert (r.state, r.attempts) == (DeliveryState.PENDING, 1) and "451" in r.last_error
        assert r.due_at > now  # backed off
    assert deliver_due_emails(settings=mail, now=now).sent == 0  # not due again yet
    later = deliver_due_emails(settings=mail, now=now + timedelta(minutes=3))
    assert later.sent == 1 and len(handler.messages) == 1
    assert deliver_due_emails(settings=mail, now=now + timedelta(hours=1)).sent == 0
    assert len(handler.messages) == 1
    assert _states(db) == [(DeliveryState.SENT, 2)]
    # One Message-ID, chosen once: the refused attempt and the accepted one carry the same.
    with unit_of_work(db) as s:
        r = s.exec(select(Reminder)).one()
        assert handler.message_ids == [r.message_id, r.message_id] and r.message_id.startswith("<")
        assert r.smtp_reply == "250 2.0.0 Ok: queued as Q1"  # the server's queue id, for a trace


def _one_reminder(db: str) -> Reminder:
    with unit_of_work(db) as s:
        return s.exec(select(Reminder)).one()


def test_smtp_failing_after_data_delivers_one_copy_across_retries(
    db: str, catalog: None, settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    # The server takes the message and the connection drops before its answer: the outcome is unknown.
    handler, port = smtp
    people = walk.add_people(db)
    _queue(db, people, key="k", to=("asn",))
    handler.drop_after_next = 1
    mail = _mail_settings(settings, port)
    now = utcnow()
    first = deliver_due_emails(settings=mail, now=now)
    assert (first.sent, first.failed_attempts, first.uncertain) == (0, 0, 1)
    for later in (timedelta(minutes=10), timedelta(hours=7), timedelta(days=2)):
        assert deliver_due_emails(settings=mail, now=now + later).sent == 0
    assert len(handler.messages) == 1
    r = _one_reminder(db)
    assert r.state == DeliveryState.UNCERTAIN and r.attempts == 1
    assert handler.messages[0]["Message-ID"] == r.message_id and r.message_id in r.last_error

    # The operator finds it in the server's log: recorded as sent, and nothing goes out again.
    with unit_of_work(db) as s:
        admin = people["head"]
        done = operator.resolve_uncertain(
            s,
            actor=Actor(id=admin.id, name=admin.name, role=Role.ADMIN),
            reminder_id=r.id,  # type: ignore[arg-type]
            delivered=True,
            now=now,
        )
        assert done.state == DeliveryState.SENT
    assert deliver_due_emails(settings=mail, now=now + timedelta(days=3)).sent == 0
    assert len(handler.messages) == 1


def _refuse_recording_sent(db: str, *, on: bool) -> None:
    """Make the database refuse (or accept again) recording any reminder as sent: a real write failure."""
    engine = get_engine(db)
    postgres = engine.dialect.name == "postgresql"
    if on and postgres:
        ddl = [
            "CREATE FUNCTION refuse_sent() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'disk full (test)'; END $$",
            "CREATE TRIGGER refuse_sent BEFORE UPDATE ON reminder FOR EACH ROW "
            "WHEN (NEW.state = 'sent') EXECUTE FUNCTION refuse_sent()",
        ]
    elif on:
        ddl = [
            "CREATE TRIGGER refuse_sent BEFORE UPDATE ON reminder WHEN NEW.state = 'sent' "
            "BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END"
        ]
    elif postgres:
        ddl = ["DROP TRIGGER IF EXISTS refuse_sent ON reminder", "DROP FUNCTION IF EXISTS refuse_sent()"]
    else:
        ddl = ["DROP TRIGGER IF EXISTS refuse_sent"]
    with engine.begin() as conn:
        for statement in ddl:
            conn.exec_driver_sql(statement)


def test_a_failed_database_write_after_the_send_does_not_send_it_again(
    db: str, catalog: None, settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    handler, port = smtp
    people = walk.add_people(db)
    _queue(db, people, key="k", to=("asn",))
    mail = _mail_settings(settings, port)
    now = utcnow()
    _refuse_recording_sent(db, on=True)
    try:
        with pytest.raises(Exception, match="disk full"):
            deliver_due_emails(settings=mail, now=now)  # sent, then the record fails
    finally:
        _refuse_recording_sent(db, on=False)
    assert len(handler.messages) == 1
    # Later passes, long after any claim expired: the message is not sent a second time.
    report = deliver_due_emails(settings=mail, now=now + timedelta(minutes=6))
    assert (report.sent, report.uncertain) == (0, 1)
    assert deliver_due_emails(settings=mail, now=now + timedelta(days=1)).sent == 0
    assert len(handler.messages) == 1
    r = _one_reminder(db)
    assert r.state == DeliveryState.UNCERTAIN and handler.messages[0]["Message-ID"] == r.message_id

    # Not found in the server's log: queued again, and the copy keeps the same Message-ID.
    admin = people["head"]
    with unit_of_work(db) as s:
        operator.resolve_uncertain(
            s,
            actor=Actor(id=admin.id, name=admin.name, role=Role.ADMIN),
            reminder_id=r.id,  # type: ignore[arg-type]
            delivered=False,
            now=now + timedelta(days=1),
        )
    assert deliver_due_emails(settings=mail, now=now + timedelta(days=1, minutes=1)).sent == 1
    assert [m["Message-ID"] for m in handler.messages] == [r.message_id, r.message_id]
    assert _one_reminder(db).state == DeliveryState.SENT


def test_a_title_on_two_lines_goes_out_on_one_line_and_forges_no_header(
    db: str, catalog: None, settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    # A title stored before titles were refused at input (or by any other way in).
    handler, port = smtp
    people = walk.add_people(db)
    with unit_of_work(db) as s:
        notify(
            s,
            key="forged",
            template="evaluation_opened",
            recipients=[Recipient.of(people["asn"])],
            due_at=utcnow() - timedelta(minutes=1),
            context={**CONTEXT, "title": "Perwal ASN\r\nBcc: mallory@evil.example\n\nHalo"},
        )
    report = deliver_due_emails(settings=_mail_settings(settings, port))
    assert (report.sent, report.failed_attempts) == (1, 0)
    (message,) = handler.messages
    # Folded by the email package (a long Subject), unfolded on reading: one line.
    assert (
        str(message["Subject"]).strip()
        == "[Siklus] Evaluasi dimulai: Perwal ASN Bcc: mallory@evil.example Halo"
    )
    assert message["Bcc"] is None and handler.rcpt_tos == [["asn@pemkot.example.id"]]


def test_server_down_is_recorded_and_gives_up_after_the_last_attempt(
    db: str, catalog: None, settings: Settings
) -> None:
    people = walk.add_people(db)
    _queue(db, people, key="k", to=("asn",))
    mail = _mail_settings(settings, _free_port()).model_copy(update={"reminder_max_attempts": 2})
    now = utcnow()
    assert deliver_due_emails(settings=mail, now=now).failed_attempts == 1
    assert deliver_due_emails(settings=mail, now=now + timedelta(minutes=3)).failed_attempts == 1
    with unit_of_work(db) as s:
        r = s.exec(select(Reminder)).one()
        assert (r.state, r.attempts) == (DeliveryState.FAILED, 2) and "Connection" in r.last_error
    assert deliver_due_emails(settings=mail, now=now + timedelta(days=1)).failed_attempts == 0


@pytest.mark.parametrize("implicit", [True, False], ids=["smtps-465", "starttls-587"])
def test_emails_go_out_over_verified_tls(
    db: str,
    catalog: None,
    settings: Settings,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    implicit: bool,
) -> None:
    handler, port = Inbox(), _free_port()
    tls = _server_context(certificate)
    options: dict[str, Any] = (
        {"ssl_context": tls} if implicit else {"tls_context": tls, "require_starttls": True}
    )
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="127.0.0.1", **options)
    controller.start()
    try:
        people = walk.add_people(db)
        _queue(db, people)
        mail = settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_ssl": implicit, "smtp_tls": True}
        )
        # Not trusted yet: the certificate is checked, so nothing is handed over.
        untrusted = deliver_due_emails(settings=mail)
        assert (untrusted.sent, untrusted.failed_attempts) == (0, 2) and handler.messages == []
        with unit_of_work(db) as s:
            assert all("CERTIFICATE_VERIFY_FAILED" in r.last_error for r in s.exec(select(Reminder)))
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
        later = deliver_due_emails(settings=mail, now=utcnow() + timedelta(minutes=3))
        assert later.sent == 2 and len(handler.messages) == 2
    finally:
        controller.stop()


@pytest.mark.flows
@pytest.mark.usefixtures("prefect_harness")
def test_run_due_flow_closes_a_due_consultation_and_sends_the_reminder(
    db: str, catalog: None, flow_settings: Settings, smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.sweeps import run_due
    from policies.core.settings import get_settings

    handler, port = smtp
    _, c = walk.to_consultation(db)
    walk.add_comment(db, c=c)
    monkeypatch.setenv("SIKLUS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SIKLUS_SMTP_PORT", str(port))
    monkeypatch.setenv("SIKLUS_SMTP_TLS", "false")
    get_settings.cache_clear()
    lines = run_async(run_due(now=c.closed))
    assert f"Konsultasi ditutup: {walk.SLUG}" in lines
    subjects = [m["Subject"] for m in handler.messages]
    assert any("tindak lanjut ditunggu" in s for s in subjects)
    with unit_of_work(db) as s:
        owed = s.exec(select(Reminder).where(Reminder.template == "dispositions_owed")).all()
        assert {(r.channel, r.state) for r in owed} == {
            (Channel.EMAIL, DeliveryState.SENT),
            (Channel.INBOX, DeliveryState.SENT),
        }
    again = run_async(run_due(now=c.closed))
    assert "Konsultasi ditutup: tidak ada" in again and len(handler.messages) == len(subjects)
