"""Digests through the scheduled pass to a real SMTP server (aiosmtpd): once, none lost while it is down."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from flows.delivery import deliver_due_emails
from flows.sweeps import run_due_once
from policies.accounts.actions import actor_of
from policies.core.db import unit_of_work
from policies.core.settings import Settings
from policies.digest import preferences
from policies.digest.models import DigestEvent
from policies.lifecycle.models import Stage
from policies.outbox.models import Channel, DeliveryState, Reminder
from tests import lifecycle_walk as walk

MONDAY = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)  # 10.00 WIB
TUESDAY = MONDAY + timedelta(days=1)


class Keep:
    """An SMTP handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 2.0.0 Ok"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def port() -> int:
    return _free_port()


@pytest.fixture
def smtp_later(port: int) -> Iterator[tuple[Keep, Controller]]:
    """An SMTP server on `port`, not started: the test starts it when the outage ends."""
    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    yield handler, controller
    if getattr(controller, "_thread", None) is not None:
        controller.stop()


def test_a_daily_digest_goes_out_once_after_smtp_comes_back(
    db: str, catalog: None, settings: Settings, port: int, smtp_later: tuple[Keep, Controller]
) -> None:
    handler, controller = smtp_later
    mail = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_tls": False})
    people = walk.add_people(db)
    citizen = actor_of(people["public"])
    with unit_of_work(db) as s:
        preferences.follow(s, actor=citizen, slug=walk.SLUG)
        preferences.set_preferences(s, actor=citizen, cadences={"stage": "daily"})
    walk.advance(db, Stage.WORKSHOP, actor=walk.drafter(people), now=MONDAY)

    # SMTP is down: the pass writes the digest and delivers its inbox copy; the email waits, retried.
    down = run_due_once(settings=mail, now=TUESDAY)
    assert down.ok, down.failed
    assert "Ringkasan kabar ditulis: 1" in down.lines
    with unit_of_work(db) as s:
        event = s.exec(select(DigestEvent)).one()
        assert event.digested_at == TUESDAY
        digest = {r.channel: r for r in s.exec(select(Reminder).where(Reminder.template == "digest"))}
        assert digest[Channel.INBOX].state == DeliveryState.SENT
        assert digest[Channel.EMAIL].state == DeliveryState.PENDING and digest[Channel.EMAIL].attempts == 1
        assert digest[Channel.EMAIL].last_error

    # Back up: the digest goes out once; later passes write and send nothing more.
    controller.start()
    up = deliver_due_emails(settings=mail, now=TUESDAY + timedelta(hours=1))
    assert up.failed_attempts == 0
    mine = [m for m in handler.messages if m["To"] == "warga@example.id"]
    assert len(mine) == 1
    assert mine[0]["Subject"] == "[Siklus] Ringkasan harian: 1 kabar kebijakan"
    body = mine[0].get_content()
    assert (
        "7 Desember 2026" in body and "Memasuki tahap Lokakarya." in body and f"/policies/{walk.SLUG}" in body
    )
    again = run_due_once(settings=mail, now=TUESDAY + timedelta(hours=2))
    assert "Ringkasan kabar ditulis: 0" in again.lines
    assert [m for m in handler.messages if m["To"] == "warga@example.id"] == mine
