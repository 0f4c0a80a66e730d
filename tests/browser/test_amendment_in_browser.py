"""The drafter of an amended policy, in the pages alone: from the cockpit previews the amending regulation,
downloads it, and reads the consolidated text at two points in time (issue 24)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from policies.core.settings import Settings
from tests.amended import JP_NEW, MENTEES_NEW, SLUG, amended_policy
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_rollout_in_browser import log_in
from tests.service.conftest import ACCOUNTS, make_token

pytestmark = pytest.mark.browser


def test_drafter_previews_downloads_and_reads_the_consolidated_text(page: Page, settings: Settings) -> None:
    make_token(settings.database_url, **ACCOUNTS["drafter"])
    made = amended_policy(settings.database_url)
    log_in(page, ACCOUNTS["drafter"]["email"])
    page.goto(f"/policies/{SLUG}/cockpit")
    page.get_by_role("link", name="Peraturan perubahan").click()
    heading = f"Peraturan perubahan untuk versi {made.proposed}"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    instrument = page.locator("#instrument .instrument")
    expect(instrument).to_contain_text("Perubahan Kedua atas Peraturan Wali Kota Tangerang Selatan Nomor 45")
    expect(instrument.locator("blockquote").first).to_contain_text(MENTEES_NEW)
    assert axe_violations(page) == []
    screenshot(page, "amendment-preview")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh (Markdown)").click()
    assert download.value.suggested_filename == f"{SLUG}-perubahan-v{made.proposed}.md"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "### Pasal I\n" in text and "1. Ketentuan ayat (3) Pasal 7 diubah" in text
    with page.expect_download() as word:
        page.get_by_role("link", name="Unduh (Word)").click()
    assert word.value.suggested_filename.endswith(".docx")

    page.goto(f"/policies/{SLUG}/cockpit")
    page.get_by_role("link", name="Teks konsolidasi").click()
    expect(page.locator("#in-force")).to_contain_text("Peraturan Wali Kota Nomor 3 Tahun 2027")
    changed = page.locator("#bab_3__pasal_8__ayat_2")
    expect(changed).to_contain_text(JP_NEW)
    expect(changed.locator(".mark")).to_have_text("diubah dengan Peraturan Wali Kota Nomor 3 Tahun 2027")
    assert axe_violations(page) == []
    screenshot(page, "consolidated-text")
    # The point in time before the amendment: the text as first adopted, nothing marked.
    page.get_by_role("link", name="Peraturan Wali Kota Nomor 45 Tahun 2026").click()
    expect(page).to_have_url(re.compile(r"consolidated\?at=2026-09-10$"))
    expect(page.locator("#bab_3__pasal_8__ayat_2")).to_contain_text("20 (dua puluh) JP")
    expect(page.locator(".consolidated .mark")).to_have_count(0)
