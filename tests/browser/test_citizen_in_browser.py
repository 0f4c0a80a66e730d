"""The citizen's way in, in chromium: from the home page card to a sent comment, a vote, a report to
the moderators and, later, the drafter's answer through the inbox notice, using only the pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, expect

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation.comments import create_comment
from policies.core.db import unit_of_work
from policies.core.settings import Settings
from service.app import create_app
from tests.browser.conftest import axe_violations, open_tab, screenshot
from tests.browser.test_pages_in_browser import DRAFT, DRAFTER, log_in
from tests.service.conftest import SLUG, UNIT, make_token, open_consultation

pytestmark = pytest.mark.browser


@pytest.fixture
def pasal(settings: Settings, server: str) -> Iterator[tuple[str, str]]:
    """Open the catalogue policy's consultation; yield the key and heading of its first "Pasal"."""
    token = make_token(
        settings.database_url, email=DRAFTER, name="Rina Perancang", role=Role.DRAFTER, unit=UNIT
    )
    with TestClient(create_app(settings)) as client:
        open_consultation(client, token)
        clauses = client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"]
    first = next(c for c in clauses if c["heading"].startswith("Pasal"))
    yield first["key"], first["heading"]


def _others_comment(settings: Settings, key: str, body: str, name: str) -> int:
    with unit_of_work(settings.database_url) as s:
        made = create_comment(
            s, actor=Actor(id=None, name=name, role=Role.STAKEHOLDER), slug=SLUG, clause_key=key, body=body
        )
        return made.id or 0


def test_a_stakeholder_goes_from_the_home_card_to_an_answered_comment_using_only_the_pages(
    page: Page, browser: Browser, server: str, pasal: tuple[str, str], settings: Settings
) -> None:
    key, heading = pasal
    sound = _others_comment(settings, key, "Jam pelatihan perlu ditambah untuk guru.", "Ani Guru")
    spam = _others_comment(settings, key, "Beli obat murah di toko kami.", "Toko Obat")
    make_token(settings.database_url, email="budi@asn.test", name="Budi Santoso", role=Role.STAKEHOLDER)
    make_token(settings.database_url, email="maya@siklus.test", name="Maya Moderator", role=Role.MODERATOR)
    log_in(page, "budi@asn.test")
    page.goto("/")
    page.locator("li.card").filter(has_text="Baca dan beri masukan").first.get_by_role(
        "link", name=re.compile("Baca dan beri masukan")
    ).click()
    expect(page.locator("#take-part")).to_be_visible()
    page.locator("#take-part").get_by_role("link", name="Baca dan beri masukan").click()
    expect(page).to_have_url(re.compile(f"{DRAFT}$"))
    page.locator(f"article#{key}").get_by_role("link", name="Beri masukan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    # Typed, not sent: switching the language keeps it.
    page.get_by_label("Setuju", exact=True).check()
    page.get_by_label("Masukan Anda").fill("Mohon target 20 JP dirinci per jabatan.")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_label("Your comment")).to_have_value("Mohon target 20 JP dirinci per jabatan.")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.get_by_label("Masukan Anda")).to_have_value("Mohon target 20 JP dirinci per jabatan.")
    page.get_by_label("Setuju", exact=True).check()
    page.get_by_label("Masukan Anda").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the send button, from the keyboard
    expect(page.locator("#sent-notice")).to_contain_text("masukan Anda terkirim")
    expect(page.locator("#receipt")).to_contain_text("Nomor pelacakan Anda: SKL-")
    mine = page.locator("li.comment.just-sent")
    expect(mine).to_be_focused()
    expect(mine).to_contain_text("Mohon target 20 JP dirinci per jabatan.")
    screenshot(page, "citizen-sent-desktop")
    # A vote on someone else's comment, and a report of the spam.
    page.locator(f"#comment-{sound}").get_by_role("button", name=re.compile("^Dukung")).click()
    expect(page.locator(f"#comment-{sound}")).to_contain_text("Didukung 1, ditolak 0")
    expect(
        page.locator(f"#comment-{sound}").get_by_role("button", name=re.compile("^Dukung"))
    ).to_have_attribute("aria-pressed", "true")
    spam_item = page.locator(f"#comment-{spam}")
    spam_item.locator("summary").click()
    spam_item.get_by_role("button", name="Kirim laporan").click()  # no reason yet: refused beside it
    expect(page.locator(f"#flag-{spam}-error")).to_contain_text("Tulis alasan")
    page.locator(f"#flag-{spam}").fill("Iklan obat, bukan masukan.")
    page.locator(f"#comment-{spam}").get_by_role("button", name="Kirim laporan").click()
    expect(page.locator("#flag-notice")).to_be_visible()
    assert axe_violations(page) == []
    # The moderator finds the report; the drafter answers from the triage page.
    staff, other = open_tab(browser, server)
    try:
        log_in(other, "maya@siklus.test")
        other.goto("/moderation")
        other.get_by_role("link", name="Dilaporkan pembaca").click()
        expect(other.locator(f"#comment-{spam}")).to_contain_text("Iklan obat, bukan masukan.")
        other.context.clear_cookies()
        log_in(other, DRAFTER)
        other.goto(f"/policies/{SLUG}/triage")
        answer = other.locator("article.comment").filter(has_text="Mohon target 20 JP dirinci per jabatan.")
        answer.get_by_label("Diterima", exact=True).check()
        answer.get_by_label("Alasan untuk pemberi masukan").fill("Dirinci dalam lampiran pasal ini.")
        answer.get_by_role("button", name=re.compile("Kirim")).click()
        expect(other.locator("article.comment").filter(has_text="Mohon target 20 JP")).to_contain_text(
            "Dirinci dalam lampiran pasal ini."
        )
    finally:
        staff.close()
    # Later: the notice in the header, the inbox, and the answer where the comment is.
    page.goto("/")
    # Two: the receipt of the comment (its tracking number) and the answer.
    inbox = page.get_by_role("link", name=re.compile("Kotak masuk 2 belum dibaca"))
    expect(inbox).to_be_visible()
    inbox.click()
    expect(page.locator("li.message").first).to_contain_text("Masukan Anda sudah dijawab")
    expect(page.locator("li.message").first).to_contain_text(heading)
    screenshot(page, "citizen-inbox-desktop")
    assert axe_violations(page) == []
    page.locator("li.message").first.get_by_role("button", name=re.compile("^Buka")).click()
    expect(page.locator("li.comment").filter(has_text="Mohon target 20 JP")).to_contain_text(
        "Dirinci dalam lampiran pasal ini."
    )
    expect(page.get_by_role("link", name=re.compile("Kotak masuk"))).to_contain_text("1 belum dibaca")
    page.get_by_role("link", name="Masukan saya").click()
    expect(page.locator("li.comment").first.get_by_role("heading")).to_contain_text(heading)


def test_from_the_clause_page_a_comment_with_a_stance_takes_under_20_tabs_on_a_busy_clause(
    page: Page, pasal: tuple[str, str], settings: Settings
) -> None:
    key, _ = pasal
    for n in range(50):
        _others_comment(settings, key, f"Masukan ke-{n} tentang pasal ini.", f"Warga {n}")
    make_token(settings.database_url, email="budi@asn.test", name="Budi Santoso", role=Role.STAKEHOLDER)
    log_in(page, "budi@asn.test")
    page.goto(f"{DRAFT}/clauses/{key}")
    expect(page.locator("li.comment")).to_have_count(50)
    tabs = 0
    while page.evaluate("document.activeElement.name") != "stance":
        page.keyboard.press("Tab")
        tabs += 1
        assert tabs < 20, "the stance is not reached within 20 Tab presses"
    page.keyboard.press("ArrowLeft")  # from Netral to Setuju
    assert page.evaluate("document.activeElement.value") == "for"
    page.keyboard.press("Tab")
    tabs += 1
    assert page.evaluate("document.activeElement.id") == "body"
    page.keyboard.type("Masa transisi satu tahun diperlukan.")
    page.keyboard.press("Tab")
    tabs += 1
    assert page.evaluate("document.activeElement.textContent.trim()") == "Kirim masukan"
    page.keyboard.press("Enter")
    expect(page.locator("#sent-notice")).to_be_visible()
    sent = page.locator("li.comment.just-sent")
    expect(sent).to_be_focused()
    expect(sent).to_contain_text("Setuju")
    assert tabs < 20, tabs
