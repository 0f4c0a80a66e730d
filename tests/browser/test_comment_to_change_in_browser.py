"""From comment to change in chromium, using only the pages: a stakeholder comments on Pasal 2, the
drafter closes the consultation and accepts it, the cockpit refuses adoption naming the comment, the
drafter writes and publishes version 2, links the change from the diff board, the gate passes, and
the stakeholder follows their comment into the next version's text on their own page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, expect

from policies.accounts.models import Role
from policies.core.settings import Settings
from service.app import create_app
from tests.browser.conftest import axe_violations, open_tab, screenshot
from tests.browser.test_pages_in_browser import DRAFT, DRAFTER, log_in
from tests.service.conftest import SLUG, UNIT, make_token, open_consultation

pytestmark = pytest.mark.browser

COCKPIT = f"/policies/{SLUG}/cockpit"
OLD_WORDS = "b. menjaga kesejahteraan Pegawai ASN;"
NEW_WORDS = "b. menjaga dan meningkatkan kesejahteraan Pegawai ASN;"
COMMENT = "Mohon huruf b menyebut peningkatan kesejahteraan, tidak hanya menjaganya."


@pytest.fixture
def pasal_2(settings: Settings, server: str) -> Iterator[str]:
    """Open the catalogue policy's consultation; yield the key of its Pasal 2."""
    token = make_token(
        settings.database_url, email=DRAFTER, name="Rina Perancang", role=Role.DRAFTER, unit=UNIT
    )
    with TestClient(create_app(settings)) as client:
        open_consultation(client, token)
        clauses = client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"]
    yield next(c["key"] for c in clauses if c["heading"] == "Pasal 2")


def _checked(page: Page, name: str) -> None:
    """Assert axe finds nothing serious or critical, and keep a screenshot."""
    assert axe_violations(page) == [], name
    screenshot(page, name)


def _gate(page: Page, gate: str):  # type: ignore[no-untyped-def]
    return page.locator(f'li[data-gate="{gate}"]').first


def _answer_and_revise(page: Page) -> None:
    """The drafter closes the window, accepts the comment, meets the gate's refusal, writes version 2."""
    log_in(page, DRAFTER)
    page.goto(f"/policies/{SLUG}/consultation")
    page.get_by_label("Alasan menutup lebih awal (ditampilkan bersama jendelanya)").fill(
        "Masukan sudah cukup."
    )
    page.get_by_role("button", name="Tutup sekarang").click()
    page.goto(f"/policies/{SLUG}/triage")
    item = page.locator("article.comment").filter(has_text=COMMENT)
    item.get_by_label("Diterima", exact=True).check()
    item.get_by_label("Alasan untuk pemberi masukan").fill("Huruf b akan menyebut peningkatan kesejahteraan.")
    item.get_by_role("button", name="Kirim tindak lanjut").click()
    expect(page.locator("article.comment").filter(has_text=COMMENT).locator(".disposition")).to_contain_text(
        "Huruf b akan menyebut peningkatan kesejahteraan."
    )
    # Adoption is refused while the accepted comment points at no change, and the cockpit says which.
    page.goto(COCKPIT)
    page.get_by_role("button", name="Pindah ke Sosialisasi").click()
    refusal = page.locator("#refusal")
    expect(refusal).to_contain_text("masukan yang diterima belum ditautkan ke perubahan teks")
    expect(refusal).to_contain_text("(Pasal 2)")
    expect(_gate(page, "every_acceptance_traced")).to_have_class("fail")
    _checked(page, "trace-cockpit-refusal-desktop")
    _gate(page, "every_acceptance_traced").get_by_role("link", name="Tautkan perubahannya").click()
    expect(page.get_by_text("Versi 1 telah dikonsultasikan.")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="Ubah draf").click()
    expect(page.get_by_text("Menyimpan membuat versi 2.")).to_be_visible()
    text = page.get_by_label("Teks (Markdown)")
    text.fill(text.input_value().replace(OLD_WORDS, NEW_WORDS))
    page.get_by_label("Apa yang berubah").fill("Perbaikan sesudah konsultasi publik")
    page.get_by_role("button", name="Simpan sebagai versi baru").click()
    expect(page).to_have_url(re.compile(f"/policies/{SLUG}/versions/2$"))
    page.goto(f"/policies/{SLUG}/versions")
    page.get_by_role("link", name="Terbitkan versi 2").click()
    page.get_by_role("button", name="Ya, terbitkan versi 2").click()


def _link_from_the_board(page: Page) -> None:
    """On the diff board the changed huruf b offers the accepted comment: tick it; the gate passes."""
    page.goto(COCKPIT)
    _gate(page, "every_acceptance_traced").get_by_role("link", name="Tautkan perubahannya").click()
    changed = page.locator("section.diff").filter(has_text="huruf b")
    expect(changed.locator("ins")).to_contain_text("meningkatkan")
    _checked(page, "trace-board-desktop")
    changed.get_by_label(re.compile("Mohon huruf b menyebut")).check()
    changed.get_by_role("button", name="Simpan tautan").click()
    expect(page.locator("section.diff").filter(has_text="huruf b").get_by_role("checkbox")).to_be_checked()
    expect(page.locator("p.traced")).to_contain_text("huruf b")
    page.set_viewport_size({"width": 390, "height": 900})
    _checked(page, "trace-board-mobile")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(COCKPIT)
    expect(_gate(page, "every_acceptance_traced")).to_have_class("pass")


def test_a_comment_is_followed_into_the_text_it_changed_using_only_the_pages(
    page: Page, browser: Browser, server: str, pasal_2: str, settings: Settings
) -> None:
    make_token(settings.database_url, email="sari@asn.test", name="Sari ASN", role=Role.STAKEHOLDER)
    log_in(page, "sari@asn.test")
    page.goto(f"{DRAFT}/clauses/{pasal_2}")
    page.get_by_label("Masukan Anda").fill(COMMENT)
    page.get_by_role("button", name="Kirim masukan").click()
    expect(page.locator("#sent-notice")).to_be_visible()

    staff, drafter = open_tab(browser, server, timeout_ms=15_000)
    try:
        _answer_and_revise(drafter)
        _link_from_the_board(drafter)
    finally:
        staff.close()

    page.goto("/")
    page.get_by_role("link", name="Masukan saya").click()
    trace = page.locator("div.trace").first
    expect(trace).to_contain_text("Masukan Anda pada Pasal 2 → diterima → teks kini berbunyi:")
    expect(trace.locator("blockquote")).to_contain_text("menjaga dan meningkatkan kesejahteraan Pegawai ASN")
    _checked(page, "trace-my-comments-desktop")
    trace.get_by_role("link", name="Lihat setiap masukan di samping teks yang dihasilkannya").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dari masukan ke teks")
    row = page.locator("section.trace").filter(has_text="Pasal 2")
    expect(row.locator("td").nth(0)).to_contain_text("menjaga kesejahteraan Pegawai ASN")
    expect(row.locator("td").nth(1)).to_contain_text(COMMENT)
    expect(row.locator("td").nth(2)).to_contain_text("menjaga dan meningkatkan kesejahteraan Pegawai ASN")
    _checked(page, "trace-public-record-desktop")
    page.set_viewport_size({"width": 390, "height": 900})
    _checked(page, "trace-public-record-mobile")
