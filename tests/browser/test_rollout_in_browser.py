"""A drafter carries the roll-out in the pages: records the adoption (after confirming it), moves to
socialization, schedules a session and takes its attendance, adds a mentoring pair and sees the reach,
which grows when a stakeholder confirms reading on the policy page; and a drafter edits, publishes and
discards versions on the versions page. Only the pages are used once the scene is set."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect

from policies.core.settings import Settings
from tests.browser.conftest import axe_violations, open_tab, screenshot
from tests.conftest import DRAFTER as DRAFTER_ACTOR
from tests.drafts import with_new_pasal
from tests.rollout_walk import closed_consultation
from tests.service.conftest import ACCOUNTS, PASSWORD, SLUG, make_token

pytestmark = pytest.mark.browser
NIP = "198703152010011002"


def log_in(page: Page, email: str) -> None:
    """Sign in through the login form."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("button", name=re.compile("Keluar"))).to_be_visible()


def no_serious_axe(page: Page, name: str) -> None:
    """Assert axe finds nothing serious or critical on the page, and keep a screenshot of it."""
    found = axe_violations(page)
    assert found == [], f"{name}: {found}"
    screenshot(page, name)


def test_drafter_adopts_socializes_mentors_and_sees_the_reach(
    page: Page, browser: Browser, server: str, settings: Settings
) -> None:
    make_token(settings.database_url, **ACCOUNTS["drafter"])
    make_token(settings.database_url, **ACCOUNTS["stakeholder"])
    closed_consultation(settings.database_url, actor=DRAFTER_ACTOR)
    log_in(page, ACCOUNTS["drafter"]["email"])

    page.goto(f"/policies/{SLUG}/adoption")
    page.get_by_label("Jenis produk hukum").fill("Peraturan Wali Kota")
    page.get_by_label("Nomor produk hukum").fill("45 Tahun 2026")
    page.get_by_label("Tanggal penetapan").fill("2026-09-30")
    page.get_by_label("Penanda tangan").fill("Wali Kota Tangerang Selatan")
    page.get_by_role("button", name="Periksa penetapan").click()
    expect(page.get_by_role("heading", name="Periksa penetapan sebelum dicatat")).to_be_visible()
    no_serious_axe(page, "adoption-confirm-desktop")
    page.get_by_role("button", name="Ya, catat penetapan").click()
    expect(page.get_by_text("Penetapan sudah dicatat dan tidak dapat diubah lagi.")).to_be_visible()
    expect(page.locator("#adopted")).to_contain_text("45 Tahun 2026")
    expect(page.locator("#adopted")).to_contain_text("30 September 2026")
    no_serious_axe(page, "adoption-recorded-desktop")

    page.goto(f"/policies/{SLUG}/cockpit")
    page.get_by_role("button", name="Pindah ke Sosialisasi").click()
    expect(page.locator("main")).to_contain_text("Tahap: Sosialisasi")

    page.goto(f"/policies/{SLUG}/socialization")
    page.get_by_label("Judul").fill("Sosialisasi Perwal di Kecamatan Serpong")
    page.get_by_label("Tanggal sesi").fill(date.today().isoformat())
    page.get_by_label("Tempat").fill("Aula Kecamatan Serpong")
    page.get_by_label("Unit sasaran (satu per baris)").fill("Dinas Pendidikan\nRSUD")
    page.get_by_role("button", name="Jadwalkan sesi ini").click()
    session = page.locator("article.session").first
    expect(session).to_contain_text("Sosialisasi Perwal di Kecamatan Serpong")
    expect(session).to_contain_text("Dinas Pendidikan, RSUD")
    session.get_by_label("Nama").fill("Sari Dewi")
    session.get_by_label("NIP").fill("123")
    session.get_by_role("button", name="Tambahkan ke daftar hadir").click()
    # Refused beside the field, the name kept.
    session = page.locator("article.session").first
    expect(session.locator("#nip-error")).to_contain_text("NIP terdiri atas 18 angka.")
    expect(session.get_by_label("Nama")).to_have_value("Sari Dewi")
    session.get_by_label("NIP").fill(NIP)
    session.get_by_label("Unit").fill("RSUD")
    session.get_by_role("button", name="Tambahkan ke daftar hadir").click()
    session = page.locator("article.session").first
    expect(session.locator("ul.attendance")).to_contain_text(f"Sari Dewi — NIP {NIP} — RSUD")
    expect(page.locator("#reach")).to_contain_text("Hadir dalam sesi")
    expect(page.locator("#reach")).to_contain_text("1 orang")
    expect(page.locator("#acknowledged")).to_have_text("0 dari 8.500")
    no_serious_axe(page, "socialization-desktop")

    page.goto(f"/policies/{SLUG}/mentoring")
    page.get_by_label("Nama mentor").fill("Dr. Sri Wahyuni")
    page.get_by_label("NIP mentor").fill(NIP)
    page.get_by_label("Nama peserta pendampingan").fill("Andi Pratama")
    page.get_by_label("Unit kerja").fill("RSUD")
    page.get_by_label("Tanggal mulai").fill("2026-10-01")
    page.get_by_role("button", name="Tambahkan pasangan").click()
    expect(page.locator("table")).to_contain_text("Andi Pratama")
    expect(page.locator("table")).to_contain_text(f"NIP {NIP}")
    expect(page.locator("table")).to_contain_text("1 Oktober 2026")
    no_serious_axe(page, "mentoring-desktop")

    # A stakeholder confirms reading on the policy page; the drafter's reach counts it.
    other, reader = open_tab(browser, server, viewport={"width": 390, "height": 844})
    log_in(reader, ACCOUNTS["stakeholder"]["email"])
    reader.goto(f"/policies/{SLUG}")
    reader.get_by_role("button", name="Saya telah membaca kebijakan ini").click()
    expect(reader.get_by_text("Anda telah mengonfirmasi membaca kebijakan ini.")).to_be_visible()
    reader.goto(f"/policies/{SLUG}/mentoring")
    expect(reader.locator("main")).not_to_contain_text(NIP)
    other.close()
    page.goto(f"/policies/{SLUG}/socialization")
    expect(page.locator("#acknowledged")).to_have_text("1 dari 8.500")
    page.set_viewport_size({"width": 390, "height": 844})
    no_serious_axe(page, "socialization-mobile")


def test_drafter_edits_publishes_and_discards_versions(page: Page, server: str, settings: Settings) -> None:
    make_token(settings.database_url, **ACCOUNTS["drafter"])
    log_in(page, ACCOUNTS["drafter"]["email"])
    page.goto(f"/policies/{SLUG}/versions")
    no_serious_axe(page, "versions-desktop")
    page.get_by_role("link", name="Ubah versi 1").click()
    expect(page.get_by_text("Menyimpan akan memperbarui versi 1, yang belum diterbitkan.")).to_be_visible()
    text = page.get_by_label("Teks (Markdown)")
    text.fill(with_new_pasal(text.input_value(), "Pegawai mencatat jam pelatihan di SIASN."))
    page.get_by_label("Apa yang berubah").fill("Tambah pasal pencatatan")
    page.get_by_role("button", name="Simpan versi 1").click()
    expect(page).to_have_url(re.compile(f"/policies/{SLUG}/versions/1$"))
    expect(page.locator("main")).to_contain_text("Pegawai mencatat jam pelatihan di SIASN.")

    page.goto(f"/policies/{SLUG}/versions")
    page.get_by_role("link", name="Terbitkan versi 1").click()
    no_serious_axe(page, "version-publish-confirm-desktop")
    page.get_by_role("button", name="Ya, terbitkan versi 1").click()
    page.goto(f"/policies/{SLUG}/versions")
    expect(page.locator("#version-1")).to_contain_text("diterbitkan")
    expect(page.get_by_role("link", name="Ubah versi 1")).to_have_count(0)

    page.get_by_role("link", name="Tulis draf").click()
    page.get_by_label("Apa yang berubah").fill("Draf berikutnya")
    page.get_by_role("button", name="Simpan sebagai versi baru").click()
    expect(page).to_have_url(re.compile(f"/policies/{SLUG}/versions/2$"))
    page.goto(f"/policies/{SLUG}/versions")
    page.get_by_role("link", name="Buang versi 2").click()
    expect(page.get_by_text("tidak dapat dikembalikan")).to_be_visible()
    no_serious_axe(page, "version-discard-confirm-desktop")
    page.get_by_role("button", name="Ya, buang versi 2").click()
    expect(page.get_by_text("Versi 2 telah dibuang.")).to_be_visible()
    expect(page.locator("#version-2")).to_have_count(0)
    expect(page.locator("#version-1")).to_be_visible()
