"""The SKM report cycle in a browser: an evaluator closes a round below its minimum sample (and is
warned), publishes its results; a visitor without an account reads the public page and downloads the
report as a Word document."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Browser, expect

from policies.core.settings import Settings
from tests.browser.conftest import axe_violations, open_tab, screenshot
from tests.browser.test_pages_in_browser import log_in
from tests.browser.test_survey_anonymity_in_browser import EVALUATOR, _round_of_ten
from tests.service.conftest import SLUG

pytestmark = pytest.mark.browser


def test_an_evaluator_closes_below_the_minimum_publishes_and_a_visitor_downloads_the_report(
    browser: Browser, server: str, settings: Settings
) -> None:
    # Ten ASN, nine answered (every scale 3): the Krejcie–Morgan minimum for 10 is 10, one short.
    round_id, _token = _round_of_ten(settings)

    staff, page = open_tab(browser, server)
    log_in(page, EVALUATOR)
    page.goto(f"/policies/{SLUG}/evaluation/rounds")
    expect(page.locator("#count-shortfall")).to_have_text("1")
    expect(page.locator("#margin-of-error")).to_have_text("± 10,89 poin persen")
    expect(page.locator("#sample-warning")).to_contain_text("kurang 1 jawaban")
    page.get_by_role("button", name="Tutup putaran…").click()
    expect(page.locator("main")).to_contain_text("Di bawah sampel minimum: masih kurang 1 jawaban")
    screenshot(page, "skm-close-below-minimum")
    page.get_by_role("button", name="Ya, tutup putaran").click()
    article = page.locator(f"#round-{round_id}")
    expect(article.get_by_role("link", name="Word (.docx)")).to_be_visible()
    article.get_by_role("button", name="Publikasikan hasil").click()
    expect(page.locator(f"#published-{round_id}")).to_contain_text("Hasil dipublikasikan untuk umum")
    staff.close()

    visitor, page = open_tab(browser, server, accept_downloads=True)
    page.goto(f"/publikasi/skm/{round_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Survei Kepuasan Masyarakat: hasil")
    # Nine sheets of 3s: every NRR 3,00, IKM 75,00 (C); N = 10, n = 9: ± 10,89 %.
    expect(page.locator("#public-ikm")).to_contain_text("IKM 75,00")
    expect(page.locator("#public-margin")).to_have_text("± 10,89 %")
    units = page.get_by_role("region", name="Unit kerja", exact=True)
    expect(units.get_by_role("row", name="Dinas Pendidikan")).to_contain_text("< 5 (disembunyikan)")
    # Kesehatan has 5, but Pendidikan's 4 alone would make "Lainnya" too small: Kesehatan joins it,
    # hidden without the untrue "< 5" (secondary suppression).
    kesehatan = units.get_by_role("row", name="Dinas Kesehatan")
    expect(kesehatan).to_contain_text("disembunyikan")
    expect(kesehatan).to_contain_text("digabung ke “Lainnya”")
    expect(kesehatan).not_to_contain_text("< 5")
    screenshot(page, "skm-publication")
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Word (.docx)").click()
    assert download.value.suggested_filename == f"laporan-skm-putaran-{round_id}.docx"
    doc = Document(BytesIO(Path(download.value.path()).read_bytes()))
    texts = [p.text for p in doc.paragraphs]
    assert "I. Pendahuluan" in texts and "V. Kesimpulan" in texts
    assert any("IKM putaran ini 75,00" in t for t in texts)
    visitor.close()
