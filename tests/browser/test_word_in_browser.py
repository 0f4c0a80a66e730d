"""A drafter imports a messy .docx, reads the paragraphs it left out, downloads the new version as .docx and
as Akoma Ntoso; a visitor downloads a published version from the versions page. Pages only."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from lxml import etree
from playwright.sync_api import Page, expect

from policies.core.settings import Settings
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_rollout_in_browser import log_in
from tests.service.conftest import ACCOUNTS, SLUG, make_token
from tests.word_docs import SKIPPED_AYAT, STRAY_NOTE, messy_docx

pytestmark = pytest.mark.browser
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(page: Page, link: str) -> Path:
    with page.expect_download() as caught:
        page.get_by_role("link", name=link).click()
    return Path(caught.value.path())


def test_the_drafter_imports_word_and_downloads_docx_and_akn(
    page: Page, server: str, settings: Settings
) -> None:
    make_token(settings.database_url, **ACCOUNTS["drafter"])
    log_in(page, ACCOUNTS["drafter"]["email"])
    page.goto(f"/policies/{SLUG}/versions")
    page.get_by_role("link", name="Terbitkan versi 1").click()
    page.get_by_role("button", name="Ya, terbitkan versi 1").click()

    page.goto(f"/policies/{SLUG}/cockpit")
    page.get_by_role("link", name="Impor rancangan dari Word").click()
    page.get_by_label("Dokumen Word (.docx)").set_input_files(
        {"name": "rancangan.docx", "mimeType": DOCX, "buffer": messy_docx()}
    )
    page.get_by_role("button", name="Impor sebagai versi baru").click()
    expect(page.locator("#imported")).to_contain_text("Versi 2 dibuat dari dokumen Word")
    unplaced = page.locator("#unplaced tbody tr")
    expect(unplaced).to_have_count(2)
    expect(unplaced.nth(0)).to_contain_text(STRAY_NOTE)
    expect(unplaced.nth(0)).to_contain_text("teks di luar Pasal")
    expect(unplaced.nth(1)).to_contain_text(SKIPPED_AYAT)
    expect(unplaced.nth(1)).to_contain_text("penomoran tidak boleh melompat")
    assert axe_violations(page) == []
    screenshot(page, "word-import-unplaced-desktop")

    docx = Document(str(_download(page, "Unduh versi 2 sebagai Word (.docx)")))
    assert (
        "Pasal 2" in [p.text for p in docx.paragraphs]
        and docx.styles["Normal"].font.name == "Bookman Old Style"
    )
    akn = etree.parse(str(_download(page, "Unduh versi 2 sebagai Akoma Ntoso (XML)")))
    assert akn.xpath("//*[@eId='bab_2__pasal_2__ayat_1__huruf_b']")

    # A visitor (no account) downloads the published version 1 from the versions page.
    page.get_by_role("button", name="Keluar").click()
    page.goto(f"/policies/{SLUG}/versions")
    expect(page.get_by_role("link", name="Unduh versi 2 sebagai Word (.docx)")).to_have_count(0)
    akn = etree.parse(str(_download(page, "Unduh versi 1 sebagai Akoma Ntoso (XML)")))
    assert akn.xpath("//*[@eId='bab_3__pasal_6__ayat_2']")
