"""A respondent answers from the emailed link using only the pages; staff see totals only meanwhile."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from flows.delivery import deliver_due_emails
from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import unit_of_work, utcnow
from policies.core.secret_key import ensure_secret_key
from policies.core.settings import Settings
from policies.evaluation.population import import_population_csv
from policies.evaluation.rounds import open_round
from policies.lifecycle.models import Policy, Stage
from tests.browser.conftest import open_tab, screenshot
from tests.browser.test_pages_in_browser import log_in
from tests.service.conftest import SLUG, UNIT, make_token

pytestmark = pytest.mark.browser
EVALUATOR = "eva@siklus.test"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/survei\?token=\S+")


class Mailbox:
    """An SMTP handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server (aiosmtpd) on a free port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def _round_with_two_invited(settings: Settings) -> int:
    """Put the catalogue policy in evaluation, open a round and add two ASN (set up, not the subject)."""
    make_token(settings.database_url, email=EVALUATOR, name="Eva Evaluator", role=Role.EVALUATOR, unit=UNIT)
    evaluator = Actor(id=None, name="Eva Evaluator", role=Role.EVALUATOR, unit=UNIT)
    now = utcnow()
    with unit_of_work(settings.database_url) as s:
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        policy.stage = Stage.EVALUATION
        s.add(policy)
        s.flush()
        survey = open_round(
            s,
            actor=evaluator,
            slug=SLUG,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=30),
        )
        import_population_csv(
            s,
            actor=evaluator,
            round_id=survey.id,  # type: ignore[arg-type]
            csv_text="nip,nama,unit,email\n"
            "198703152010011002,Budi Santoso,Dinas Pendidikan,budi@asn.test\n"
            "198905202012012003,Sari Dewi,Dinas Kesehatan,sari@asn.test\n",
            secret=ensure_secret_key(settings),
        )
        return survey.id  # type: ignore[return-value]


def _answer_every_question(page: Page) -> None:
    """Fill the questionnaire as a person would: a choice on each question, the number, the text."""
    for question in page.locator("form .question").all():
        radios = question.locator("input[type=radio]")
        if radios.count():
            radios.last.check()  # a scale's last option is 4 (the best)
            continue
        boxes = question.locator("input[type=checkbox]")
        if boxes.count():
            boxes.first.check()
            continue
        choice = question.locator("select")
        if choice.count():
            if not choice.input_value():
                choice.select_option(index=1)
            continue
        number = question.locator("input[type=number]")
        if number.count():
            number.fill("12")
            continue
        question.locator("textarea").fill("Perbanyak pelatihan daring.")


def test_a_respondent_answers_from_the_emailed_link_and_staff_see_only_totals(
    browser: Browser, server: str, settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    round_id = _round_with_two_invited(settings)
    mail = settings.model_copy(
        update={"base_url": server, "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_tls": False}
    )
    assert deliver_due_emails(settings=mail).sent == 2
    [to_budi] = [m for m in box.messages if m["To"] == "budi@asn.test"]
    link = LINK.search(to_budi.get_content())
    assert link, to_budi.get_content()

    respondent, page = open_tab(browser, server)
    page.goto(link.group(0))
    # The link's token was traded for a session: the address the browser shows (and logs) holds none.
    expect(page).to_have_url(f"{server}/survei")
    assert "token" not in page.url
    [session] = [c for c in respondent.cookies() if c["name"] == "siklus_survey"]
    assert session["httpOnly"] and session["path"] == "/survei"
    expect(page.get_by_role("heading", level=1)).to_contain_text("Survei")
    page.get_by_role("button", name="Kirim jawaban").click()  # nothing answered yet: refused, kept
    expect(page.get_by_role("alert").first).to_contain_text("wajib dijawab")
    _answer_every_question(page)
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih")
    expect(page).to_have_url(f"{server}/survei/terima-kasih")
    screenshot(page, "survey-answered")
    respondent.close()

    staff, page = open_tab(browser, server)
    log_in(page, EVALUATOR)
    page.goto(f"/policies/{SLUG}")
    page.get_by_role("link", name="Survei putaran 1").click()
    expect(page).to_have_url(f"{server}/evaluation/rounds/{round_id}/report")
    expect(page.locator("#count-invited")).to_have_text("2")
    expect(page.locator("#count-responded")).to_have_text("1")
    text = page.locator("main").inner_text() if page.locator("main").count() else page.content()
    # Totals only: no index, no answer, no name that could be tied to the one sheet received.
    for hidden in ("IKM", "Perbanyak pelatihan daring", "Budi", "Sari"):
        assert hidden not in text, hidden
    screenshot(page, "evaluation-round-running")
    staff.close()
