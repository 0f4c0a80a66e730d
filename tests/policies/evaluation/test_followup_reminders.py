"""Follow-up reminders through the real scheduled sweep and a real SMTP server: due soon, overdue, once."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import col, select

from flows.sweeps import run_due_once
from policies.core.db import unit_of_work
from policies.core.i18n import JAKARTA
from policies.core.settings import Settings
from policies.evaluation.followup import plans
from policies.evaluation.followup.reminders import queue_followup_reminders
from policies.outbox.models import DeliveryState, Reminder
from tests.conftest import NOW
from tests.policies.evaluation.followup_setup import WEAK_U8, closed_round, sheets

DUE = date(2026, 9, 30)


class Mailbox:
    """An SMTP handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def followups(self) -> list[email.message.EmailMessage]:
        """Take the follow-up messages received so far (other sweeps' notices are left out)."""
        taken = [m for m in self.messages if "tindak lanjut" in m["Subject"]]
        self.messages = []
        return taken


@pytest.fixture
def smtp(settings: Settings) -> Iterator[tuple[Mailbox, Settings]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield (
        handler,
        settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_tls": False}),
    )
    controller.stop()


def _at(day: date) -> datetime:
    """Return nine in the morning of a day in Jakarta (the sweep's clock)."""
    return datetime.combine(day, time(9), tzinfo=JAKARTA)


def test_the_sweep_reminds_before_the_due_date_then_says_overdue_once_each(
    db: str, in_evaluation: str, staff: dict, smtp: tuple[Mailbox, Settings]
) -> None:
    box, mail = smtp
    round_id = closed_round(
        db, staff["evaluator"], opens_at=NOW, sheets=sheets(WEAK_U8, units={"Dinas Kesehatan": 6})
    )
    with unit_of_work(db) as s:
        plans.create_item(
            s,
            actor=staff["drafter"],
            round_id=round_id,
            subject="unsur",
            code="u8",
            action="Jawab setiap pengaduan dalam 5 hari kerja.",
            owner_unit="Sekretariat BKPSDM",
            due_on=DUE,
            now=NOW + timedelta(days=11),
        )
    report = run_due_once(settings=mail, now=_at(DUE - timedelta(days=8)))
    assert report.ok and "Pengingat rencana tindak lanjut baru: 0" in report.lines
    assert box.followups() == []

    report = run_due_once(settings=mail, now=_at(DUE - timedelta(days=7)))
    assert "Pengingat rencana tindak lanjut baru: 1" in report.lines
    [soon] = box.followups()
    assert soon["To"] == "drafter@tangsel.go.id"  # the plan's owners are the drafters
    assert soon["Subject"].startswith("[Siklus] Tenggat rencana tindak lanjut U8:")
    body = soon.get_content()
    assert "30 September 2026" in body and "Jawab setiap pengaduan" in body and "Sekretariat BKPSDM" in body

    # Another pass the same week adds nothing: one reminder per item, kind and due date.
    assert (
        "Pengingat rencana tindak lanjut baru: 0"
        in run_due_once(settings=mail, now=_at(DUE - timedelta(days=3))).lines
    )
    assert box.followups() == []

    run_due_once(settings=mail, now=_at(DUE + timedelta(days=1)))
    [late] = box.followups()
    assert late["Subject"].startswith("[Siklus] Rencana tindak lanjut U8 melewati tenggat:")
    assert "belum selesai, padahal tenggatnya 30 September 2026" in " ".join(late.get_content().split())
    run_due_once(settings=mail, now=_at(DUE + timedelta(days=2)))
    assert box.followups() == []


def test_a_plan_done_or_moved_cancels_what_is_queued(db: str, in_evaluation: str, staff: dict) -> None:
    round_id = closed_round(
        db, staff["evaluator"], opens_at=NOW, sheets=sheets(WEAK_U8, units={"Dinas Kesehatan": 6})
    )
    with unit_of_work(db) as s:
        item = plans.create_item(
            s,
            actor=staff["drafter"],
            round_id=round_id,
            subject="unsur",
            code="u8",
            action="Latih petugas pengaduan.",
            owner_unit="Sekretariat",
            due_on=DUE,
            now=NOW + timedelta(days=11),
        )
        item_id = item.id
        assert queue_followup_reminders(s, now=_at(DUE - timedelta(days=2))) == 1
        # A new date: the reminder that named the old one is cancelled; the next pass reminds of the new one.
        plans.update_item(
            s,
            actor=staff["drafter"],
            item_id=item_id,
            changes={"due_on": DUE + timedelta(days=3)},
            now=_at(DUE - timedelta(days=2)),
        )
        assert queue_followup_reminders(s, now=_at(DUE - timedelta(days=2))) == 1
        plans.update_item(
            s,
            actor=staff["drafter"],
            item_id=item_id,
            changes={"status": "done", "done_note": "Dua pelatihan diadakan."},
            now=_at(DUE),
        )
        assert queue_followup_reminders(s, now=_at(DUE + timedelta(days=10))) == 0
        rows = s.exec(
            select(Reminder).where(col(Reminder.dedupe_key).startswith(f"followup:{item_id}:"))
        ).all()
        assert {r.state for r in rows} == {DeliveryState.CANCELLED} and len(rows) == 2
