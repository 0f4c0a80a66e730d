"""A drafter writes an ayat wrongly and reads the line and the rule, fixes it, publishes, writes the next
version and reads the diff down to the ayat, word by word; a link to one ayat lands on it. Pages only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from policies.core.settings import Settings
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_rollout_in_browser import log_in
from tests.service.conftest import ACCOUNTS, SLUG, make_token

pytestmark = pytest.mark.browser

OLD = "paling banyak 10 (sepuluh) Pegawai ASN"
NEW = "paling banyak 8 (delapan) Pegawai ASN"


def test_the_drafter_reads_a_structure_error_then_an_ayat_level_redline(
    page: Page, server: str, settings: Settings
) -> None:
    make_token(settings.database_url, **ACCOUNTS["drafter"])
    log_in(page, ACCOUNTS["drafter"]["email"])
    page.goto(f"/policies/{SLUG}/versions")
    page.get_by_role("link", name="Terbitkan versi 1").click()
    page.get_by_role("button", name="Ya, terbitkan versi 1").click()

    page.goto(f"/policies/{SLUG}/versions")
    page.get_by_role("link", name="Tulis draf").click()
    text = page.get_by_label("Teks (Markdown)")
    written = text.input_value()
    # Ayat (3) written as (4): the page names the line and the rule, and keeps the text.
    text.fill(written.replace("(3) Setiap pendamping", "(4) Setiap pendamping", 1))
    page.get_by_role("button", name="Simpan sebagai versi baru").click()
    error = page.locator("#body-error")
    expect(error).to_contain_text(re.compile(r"Baris \d+: Pasal 7 ayat \(4\) menyusul Pasal 7 ayat \(2\)"))
    expect(text).to_have_attribute("aria-invalid", "true")
    assert axe_violations(page) == []
    screenshot(page, "structure-error-desktop")

    text.fill(written.replace(OLD, NEW))
    page.get_by_label("Apa yang berubah").fill("Pendamping mendampingi paling banyak 8 Pegawai ASN")
    page.get_by_role("button", name="Simpan sebagai versi baru").click()
    expect(page).to_have_url(re.compile(f"/policies/{SLUG}/versions/2$"))
    # The new text, each ayat addressable: a link to Pasal 7 ayat (3) lands on it.
    page.goto(f"/policies/{SLUG}/versions/2#bab_3__pasal_7__ayat_3")
    expect(page.locator("#bab_3__pasal_7__ayat_3")).to_contain_text(NEW)
    expect(page.locator("#bab_3__pasal_7__ayat_3")).to_be_in_viewport()

    page.get_by_role("link", name="perubahan dari versi 1").click()
    expect(page).to_have_url(re.compile(f"/policies/{SLUG}/versions/2/diff$"))
    row = page.locator("#diff-bab_3__pasal_7__ayat_3")
    expect(row).to_contain_text("Pasal 7 ayat (3)")
    expect(row).to_contain_text("berubah")
    expect(row.locator("del")).to_have_text("10 (sepuluh)")
    expect(row.locator("ins")).to_have_text("8 (delapan)")
    expect(page.locator("#diff-bab_3__pasal_7__ayat_2 del")).to_have_count(0)  # unchanged, shown as context
    # One word change, one changed clause: the Penutup and the Penjelasan after it keep their keys.
    expect(page.locator("section.diff.change-changed")).to_have_count(1)
    expect(page.locator("li.el-change.el-changed")).to_have_count(1)
    assert axe_violations(page) == []
    screenshot(page, "structure-ayat-redline-desktop")
