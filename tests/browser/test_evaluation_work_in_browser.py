"""An evaluator does the evaluation's work in the pages only: opens a round, uploads its population
(previewed, one bad row rejected and explained), closes it after a respondent answered from the
emailed link, reads the results, adds an indicator with a measurement and records a recommendation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from flows.delivery import deliver_due_emails
from policies.accounts.models import Role
from policies.core.db import unit_of_work
from policies.core.settings import Settings
from policies.lifecycle.models import Policy, Stage
from tests.browser.conftest import axe_violations, open_tab, screenshot
from tests.browser.signup import Mailbox
from tests.browser.test_pages_in_browser import log_in
from tests.browser.test_survey_in_browser import LINK, _answer_every_question
from tests.service.conftest import SLUG, UNIT, make_token

pytestmark = pytest.mark.browser
EVALUATOR = "eva@siklus.test"
POPULATION = (
    "nip,nama,unit,email\n"
    "198703152010011002,Budi Santoso,Dinas Pendidikan,budi@asn.test\n"
    "12345,Nip Salah,Dinas Kesehatan,salah@asn.test\n"
    "198905202012012003,Sari Dewi,Dinas Kesehatan,sari@asn.test\n"
)


def _evaluation_stage(settings: Settings) -> None:
    """The policy has reached evaluation and an evaluator of its unit exists (set up, not the subject)."""
    make_token(settings.database_url, email=EVALUATOR, name="Eva Evaluator", role=Role.EVALUATOR, unit=UNIT)
    with unit_of_work(settings.database_url) as s:
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        policy.stage = Stage.EVALUATION
        s.add(policy)


def _no_serious_findings(page: Page) -> None:
    assert axe_violations(page) == [], page.url


def _answer_from_the_email(browser: Browser, server: str, mailbox: tuple[Mailbox, Settings]) -> None:
    """Budi opens his invitation's link and answers every question."""
    box, mail = mailbox
    assert deliver_due_emails(settings=mail).sent == 2
    [to_budi] = [m for m in box.messages if m["To"] == "budi@asn.test"]
    link = LINK.search(to_budi.get_content())
    assert link, to_budi.get_content()
    respondent, page = open_tab(browser, server)
    page.goto(link.group(0))
    _answer_every_question(page)
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih")
    respondent.close()


def test_an_evaluator_runs_a_round_and_the_indicators_from_the_pages_only(
    browser: Browser, page: Page, server: str, settings: Settings, mailbox: tuple[Mailbox, Settings]
) -> None:
    _evaluation_stage(settings)
    log_in(page, EVALUATOR)
    page.goto(f"/policies/{SLUG}")
    page.get_by_role("link", name="Putaran survei", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Putaran survei")
    # The closing date is filled in with the kind's default length.
    expect(page.get_by_label(re.compile("Ditutup pada"))).not_to_have_value("")
    _no_serious_findings(page)
    page.get_by_role("button", name="Buka putaran").click()
    expect(page.get_by_role("heading", name="Survei putaran 1 (sedang berjalan)")).to_be_visible()

    page.get_by_label("Berkas CSV berkolom nip, nama, unit, email").set_input_files(
        {"name": "populasi.csv", "mimeType": "text/csv", "buffer": POPULATION.encode()}
    )
    page.get_by_role("button", name="Pratinjau impor").click()
    expect(page.locator("#preview-summary")).to_contain_text("2 orang akan ditambahkan")
    rejected = page.locator("#rejected-rows tbody tr")
    expect(rejected).to_have_count(1)
    expect(rejected.first).to_contain_text("3")
    expect(rejected.first).to_contain_text("NIP '12345' harus 18 angka")
    expect(page.locator("#count-population")).to_have_text("0")  # nothing saved by the preview
    screenshot(page, "evaluation-population-preview")
    _no_serious_findings(page)
    page.get_by_role("button", name="Impor 2 orang").click()
    expect(page.locator("#imported")).to_contain_text("2 orang ditambahkan")
    expect(page.locator("#count-population")).to_have_text("2")
    expect(page.locator("#count-invited")).to_have_text("2")

    _answer_from_the_email(browser, server, mailbox)
    page.reload()
    expect(page.locator("#count-responded")).to_have_text("1")
    # Totals only while the round runs: nobody of the population is named on the page.
    assert "Budi" not in page.locator("main").inner_text()
    page.get_by_role("button", name="Tutup putaran…").click()
    expect(page.get_by_role("heading", name=re.compile("Tutup putaran survei 1 untuk"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("1 jawaban dari 2")
    page.get_by_role("button", name="Ya, tutup putaran").click()
    expect(page.get_by_role("heading", name="Buka putaran survei")).to_be_visible()
    closed = page.locator("article", has=page.get_by_role("heading", name="Survei putaran 1", exact=True))
    expect(closed).to_contain_text("1 jawaban dari 2")
    screenshot(page, "evaluation-round-closed")

    closed.get_by_label("Rekomendasi Anda (Bahasa Indonesia)").fill("Perluas pelatihan daring bagi guru.")
    closed.get_by_role("button", name="Catat rekomendasi").click()
    expect(page.locator("ul.reasons")).to_contain_text("Perluas pelatihan daring bagi guru.")
    expect(page.locator("ul.reasons")).to_contain_text("evaluator Eva Evaluator")

    page.get_by_role("link", name="Hasil dan laporan putaran survei 1").click()
    expect(page.locator("body")).to_contain_text("IKM")
    screenshot(page, "evaluation-results")
    page.go_back()

    page.get_by_role("link", name="Indikator dan pengukuran").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Indikator dan pengukuran")
    page.get_by_label("Kode (huruf kecil, angka, garis bawah)").fill("guru_terlatih")
    page.get_by_label("Nama", exact=True).fill("Guru yang mengikuti pelatihan daring")
    page.get_by_label("Satuan (misalnya persen)").fill("persen")
    page.get_by_label("Nilai dasar (opsional)").fill("40,5")
    page.get_by_label("Target", exact=True).fill("abc")
    page.get_by_role("button", name="Tambahkan indikator").click()
    expect(page.locator("#target-error")).to_be_visible()
    expect(page.get_by_label("Nilai dasar (opsional)")).to_have_value("40,5")  # kept
    page.get_by_label("Target", exact=True).fill("75")
    page.get_by_role("button", name="Tambahkan indikator").click()
    card = page.locator("article", has=page.get_by_role("heading", name=re.compile("guru_terlatih")))
    expect(card).to_contain_text("≥ 75 persen")
    card.get_by_text("Masukkan pengukuran").click()  # the form opens on demand
    card.get_by_label("Nilai (persen)").fill("62,5")
    card.get_by_label("Untuk putaran survei (opsional)").select_option(label="Survei putaran 1")
    card.get_by_role("button", name="Simpan pengukuran").click()
    card = page.locator("article", has=page.get_by_role("heading", name=re.compile("guru_terlatih")))
    expect(card.locator("dd.latest")).to_contain_text("62,5 persen")
    expect(card.locator("dd.latest")).to_contain_text("belum mencapai target")
    screenshot(page, "evaluation-indicators")
    _no_serious_findings(page)

    # The late measurement missing its target joins the closed round's recommendation.
    page.get_by_role("link", name="Putaran survei", exact=True).first.click()
    expect(page.locator("ul.reasons")).to_contain_text("Guru yang mengikuti pelatihan daring")

    # A phone's width: both pages still pass axe.
    page.set_viewport_size({"width": 390, "height": 844})
    _no_serious_findings(page)
    screenshot(page, "evaluation-rounds-390")
    page.goto(f"/policies/{SLUG}/evaluation/indicators")
    _no_serious_findings(page)
