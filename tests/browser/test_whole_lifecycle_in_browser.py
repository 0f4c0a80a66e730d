"""The whole lifecycle in the pages (issue 22): a drafter, a moderator, an evaluator and several
stakeholders take the catalogue policy from drafting to the second cycle's consultation, and a visitor
then reads the first cycle's report at its address.

Only the pages are used once the accounts exist: no API call, no database write. Emails (the survey
invitations) go out through the real aiosmtpd mailbox, as the sweeps' delivery step sends them. The
stage flows (Prefect) do not run: no gate depends on their work; where a flow would have prepared
something (the evaluation's survey round, the revision's draft), the person does it in the pages.
Every page of the walk is checked with axe at desktop and at 390 px, with a screenshot of each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from flows.delivery import deliver_due_emails
from policies.accounts.models import Role
from policies.core.settings import Settings
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.signup import Mailbox
from tests.browser.test_pages_in_browser import log_in
from tests.browser.test_survey_in_browser import LINK, _answer_every_question
from tests.drafts import with_new_pasal
from tests.service.conftest import SLUG, UNIT, make_token

pytestmark = pytest.mark.browser
COCKPIT = f"/policies/{SLUG}/cockpit"
WIB = ZoneInfo("Asia/Jakarta")
WAIT = 60_000  # a loaded machine renders slowly: generous waits, always on a condition
DRAFTER = "rina@bkpsdm.test"
MODERATOR = "maya@siklus.test"
EVALUATOR = "eva@siklus.test"
STAKEHOLDERS = {"budi@asn.test": "Budi Santoso", "sari@asn.test": "Sari Dewi", "ani@asn.test": "Ani Guru"}
ADDED_CLAUSE = "Pegawai mencatat jam pelatihan di SIASN paling lambat akhir bulan."
REVISED_CLAUSE = "Jam pelatihan daring dihitung penuh sebagai jam pelajaran."
SPAM = "Beli obat murah di toko kami, hubungi nomor ini."
HIDE_REASON = "Iklan, bukan masukan tentang kebijakan."
CLOSE_REASON = "Masukan sudah cukup untuk menyusun laporan."
POPULATION = (
    "nip,nama,unit,email\n"
    "198703152010011002,Budi Santoso,Dinas Pendidikan,budi.resp@asn.test\n"
    "198905202012012003,Sari Dewi,Dinas Kesehatan,sari.resp@asn.test\n"
)


class Walk:
    """The walk's record: each page checked with axe at both widths gets a numbered screenshot."""

    def __init__(self) -> None:
        self.step = 0

    def check(self, page: Page, name: str, *, report: bool = False) -> None:
        """Screenshot the page at desktop and 390 px: axe finds nothing serious (on reports: moderate)."""
        self.step += 1
        impacts = ("moderate", "serious", "critical") if report else ("serious", "critical")
        before = page.viewport_size or {"width": 1280, "height": 900}
        for label, width in (("desktop", 1280), ("mobile", 390)):
            page.set_viewport_size({"width": width, "height": 900})
            screenshot(page, f"walk-{self.step:02d}-{name}-{label}")
            found = axe_violations(page, impacts=impacts)
            assert found == [], f"{name} at {label}: {found}"
        page.set_viewport_size(before)


@pytest.fixture
def patient() -> Iterator[None]:
    """Give every expectation a loaded machine's patience, for this test only."""
    expect.set_options(timeout=WAIT)
    yield
    expect.set_options(timeout=5_000)


def _tab(browser: Browser, server: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900}, locale="id-ID")
    tab = context.new_page()
    tab.set_default_timeout(WAIT)
    return context, tab


def _work_link(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Kerjakan kebijakan ini").get_by_role("link", name=name)


def _gate(page: Page, gate: str) -> Locator:
    return page.locator(f'li[data-gate="{gate}"]').first


def _advance(page: Page, walk: Walk, stage: str, name: str) -> None:
    """On the cockpit, every gate of the move has passed; move, and the history says so."""
    page.goto(COCKPIT)
    step = page.locator("article.step").filter(has=page.get_by_role("heading", name=re.compile(f"^{stage}")))
    expect(step.locator("li.fail")).to_have_count(0)
    walk.check(page, f"cockpit-before-{name}")
    page.get_by_role("button", name=f"Pindah ke {stage}").click()
    expect(page.locator("main")).to_contain_text(f"Tahap: {stage}")
    expect(page.locator("#history tbody tr").first).to_contain_text(stage)


def _draft_and_workshops(page: Page, walk: Walk) -> None:
    """Drafting: edit version 1; workshops: two held in the past, with their minutes; version 1 published."""
    log_in(page, DRAFTER)
    page.goto(COCKPIT)
    expect(_gate(page, "draft_exists")).to_have_class("pass")
    walk.check(page, "cockpit-drafting")
    _work_link(page, "Ubah draf").click()
    text = page.get_by_label("Teks (Markdown)")
    text.fill(with_new_pasal(text.input_value(), ADDED_CLAUSE))
    page.get_by_label("Apa yang berubah").fill("Tambah pasal pencatatan jam pelatihan")
    walk.check(page, "edit-draft")
    page.get_by_role("button", name="Simpan versi 1").click()
    expect(page).to_have_url(re.compile(f"/policies/{SLUG}/versions/1$"))
    expect(page.locator("main")).to_contain_text(ADDED_CLAUSE)
    walk.check(page, "draft-version-1")
    _advance(page, walk, "Lokakarya", "workshop")

    _gate(page, "workshops_held").get_by_role("link", name="Ke halaman lokakarya").click()
    now = datetime.now(WIB)
    for n, days_ago in ((1, 9), (2, 2)):
        page.get_by_label("Judul").fill(f"Lokakarya {n}: rancangan Perwal kepegawaian")
        page.get_by_label("Tanggal dan jam (WIB)").fill(
            (now - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M")
        )
        page.get_by_label("Tempat").fill("Aula BKPSDM")
        page.get_by_role("button", name="Jadwalkan", exact=True).click()
        held = page.locator("section.workshop").filter(has_text=f"Lokakarya {n}:")
        expect(held).to_be_visible()
        held.get_by_label("Notula").fill(f"Notula lokakarya {n}: peserta sepakat menambah pasal pencatatan.")
        held.get_by_role("button", name="Simpan notula").click()
        expect(
            page.locator("section.workshop").filter(has_text=f"Lokakarya {n}:").locator(".minutes")
        ).to_contain_text(f"Notula lokakarya {n}")
    walk.check(page, "workshops")

    page.goto(COCKPIT)
    expect(_gate(page, "workshops_held")).to_have_class("pass")
    _gate(page, "version_published").get_by_role("link", name="Terbitkan versi").click()
    page.get_by_role("button", name="Terbitkan versi 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terbitkan versi 1?")
    walk.check(page, "publish-version-1-confirm")
    page.get_by_role("button", name="Ya, terbitkan versi 1").click()
    expect(page.locator("#versions")).to_contain_text(re.compile(r"diterbitkan \d+ \w+ 20\d\d"))


def _open_window(page: Page, walk: Walk, name: str) -> None:
    """From the cockpit's unmet gate to an open window of the kind's minimum length."""
    page.goto(COCKPIT)
    _gate(page, "window_long_enough").get_by_role("link", name="Ke jendela konsultasi").click()
    expect(page.get_by_label("Lama dalam hari (minimal 21)")).to_have_value("21")
    page.get_by_role("button", name="Buka jendela").click()
    expect(page.locator("#current")).to_contain_text("Terbuka untuk masukan")
    walk.check(page, name)


def _comment(browser: Browser, server: str, walk: Walk, email: str, stance: str, body: str) -> None:
    """A stakeholder goes from the policy page to a sent comment on the added pasal, with a stance."""
    context, tab = _tab(browser, server)
    try:
        log_in(tab, email)
        tab.goto(f"/policies/{SLUG}")
        tab.locator("#take-part").get_by_role("link", name="Baca dan beri masukan").click()
        clause = tab.locator("article.clause").filter(has_text=ADDED_CLAUSE)
        if email == "budi@asn.test":
            walk.check(tab, "draft-in-consultation")
        clause.get_by_role("link", name="Beri masukan").click()
        tab.get_by_label(stance, exact=True).check()
        tab.get_by_label("Masukan Anda").fill(body)
        if email == "budi@asn.test":
            walk.check(tab, "clause-comment-form")
        tab.get_by_role("button", name="Kirim masukan").click()
        expect(tab.locator("li.comment.just-sent")).to_contain_text(body)
        expect(tab.locator("li.comment.just-sent")).to_contain_text(stance)
    finally:
        context.close()


def _consultation(page: Page, browser: Browser, server: str, walk: Walk) -> None:
    """Comments with stances, one hidden by the moderator, all answered, closed early, the report out."""
    _open_window(page, walk, "consultation-window-open")
    _advance(page, walk, "Konsultasi publik", "consultation")
    _comment(browser, server, walk, "budi@asn.test", "Setuju", "Batas akhir bulan sudah tepat.")
    _comment(browser, server, walk, "sari@asn.test", "Tidak setuju", "Mohon batasnya akhir triwulan.")
    _comment(browser, server, walk, "ani@asn.test", "Netral", SPAM)

    context, mod = _tab(browser, server)
    try:
        log_in(mod, MODERATOR)
        mod.goto("/moderation")
        spam = mod.locator("article.comment").filter(has_text=SPAM)
        walk.check(mod, "moderation")
        spam.get_by_label("Alasan menyembunyikan").fill(HIDE_REASON)
        spam.get_by_role("button", name=re.compile("^Sembunyikan")).click()
        mod.goto("/moderation?tab=hidden")
        expect(mod.locator("article.comment").filter(has_text=HIDE_REASON)).to_have_count(1)
        walk.check(mod, "moderation-hidden")
    finally:
        context.close()

    page.goto(COCKPIT)
    _gate(page, "window_closed").get_by_role("link", name="Ke jendela konsultasi").click()
    page.get_by_label("Alasan menutup lebih awal (ditampilkan bersama jendelanya)").fill(CLOSE_REASON)
    page.get_by_role("button", name="Tutup sekarang").click()
    expect(page.locator("#windows tbody tr").first).to_contain_text(f"Ditutup lebih awal: {CLOSE_REASON}")
    walk.check(page, "consultation-closed-early")

    page.goto(COCKPIT)
    _gate(page, "every_comment_answered").get_by_role("link", name="Jawab masukannya").click()
    walk.check(page, "triage")
    for body, outcome in (("Batas akhir bulan", "Diterima"), ("akhir triwulan", "Tidak diterima")):
        item = page.locator("article.comment").filter(has_text=body)
        item.get_by_label(outcome, exact=True).check()
        item.get_by_label("Alasan untuk pemberi masukan").fill(
            f"{outcome}: dibahas dalam rapat tim perancang."
        )
        item.get_by_role("button", name="Kirim tindak lanjut").click()
        expect(page.locator("article.comment").filter(has_text=body).locator("form.answer")).to_have_count(0)
    walk.check(page, "triage-answered")
    page.goto(COCKPIT)
    expect(_gate(page, "every_comment_answered")).to_have_class("pass")

    _gate(page, "report_published").get_by_role("link", name="Ke laporan konsultasi").click()
    walk.check(page, "consultation-report-staff")
    page.get_by_role("button", name="Terbitkan laporan…").click()
    expect(page.get_by_text("Tindakan ini tidak dapat dibatalkan.")).to_be_visible()
    walk.check(page, "consultation-report-confirm")
    page.get_by_role("button", name="Ya, terbitkan laporan").click()
    expect(page).to_have_url(re.compile(f"/policies/{SLUG}/report$"))
    expect(page.locator("body")).to_contain_text("Mohon batasnya akhir triwulan.")
    expect(page.locator("body")).to_contain_text(HIDE_REASON)
    expect(page.locator("body")).not_to_contain_text(SPAM)
    walk.check(page, "consultation-report-published", report=True)


def _adoption_and_socialization(page: Page, browser: Browser, server: str, walk: Walk) -> None:
    """Adoption recorded after its confirmation; a session with its attendance; a stakeholder acknowledges."""
    page.goto(COCKPIT)
    _gate(page, "adoption_recorded").get_by_role("link", name="Catat penetapan").click()
    page.get_by_label("Jenis produk hukum").fill("Peraturan Wali Kota")
    page.get_by_label("Nomor produk hukum").fill("45 Tahun 2026")
    page.get_by_label("Tanggal penetapan").fill(datetime.now(WIB).date().isoformat())
    page.get_by_label("Penanda tangan").fill("Wali Kota Tangerang Selatan")
    walk.check(page, "adoption")
    page.get_by_role("button", name="Periksa penetapan").click()
    expect(page.get_by_role("heading", name="Periksa penetapan sebelum dicatat")).to_be_visible()
    walk.check(page, "adoption-confirm")
    page.get_by_role("button", name="Ya, catat penetapan").click()
    expect(page.locator("#adopted")).to_contain_text("45 Tahun 2026")
    _advance(page, walk, "Sosialisasi", "socialization")

    _gate(page, "socialization_held").get_by_role("link", name="Ke halaman sosialisasi").click()
    page.get_by_label("Judul").fill("Sosialisasi Perwal di Kecamatan Serpong")
    page.get_by_label("Tanggal sesi").fill(datetime.now(WIB).date().isoformat())
    page.get_by_label("Tempat").fill("Aula Kecamatan Serpong")
    page.get_by_label("Unit sasaran (satu per baris)").fill("Dinas Pendidikan\nRSUD")
    # The kind's target is 80 % of 8.500 ASN: the session's headcount reaches it.
    page.get_by_label("Jumlah peserta (termasuk yang tidak tercatat namanya)").fill("6800")
    page.get_by_role("button", name="Jadwalkan sesi ini").click()
    session = page.locator("article.session").first
    expect(session).to_contain_text("Sosialisasi Perwal di Kecamatan Serpong")
    session.get_by_label("Nama").fill("Sari Dewi")
    session.get_by_label("NIP").fill("198905202012012003")
    session.get_by_label("Unit").fill("Dinas Kesehatan")
    session.get_by_role("button", name="Tambahkan ke daftar hadir").click()
    expect(page.locator("article.session").first.locator("ul.attendance")).to_contain_text("Sari Dewi")

    context, reader = _tab(browser, server)
    try:
        log_in(reader, "budi@asn.test")
        reader.goto(f"/policies/{SLUG}")
        walk.check(reader, "policy-page-socialization")
        reader.get_by_role("button", name="Saya telah membaca kebijakan ini").click()
        expect(reader.get_by_text("Anda telah mengonfirmasi membaca kebijakan ini.")).to_be_visible()
    finally:
        context.close()
    page.reload()
    expect(page.locator("#acknowledged")).to_have_text("1 dari 8.500")
    walk.check(page, "socialization")
    _advance(page, walk, "Evaluasi", "evaluation")


def _evaluation(browser: Browser, server: str, walk: Walk, mailbox: tuple[Mailbox, Settings]) -> None:
    """The evaluator opens a round, imports its population, respondents answer, it closes, results out."""
    context, ev = _tab(browser, server)
    try:
        log_in(ev, EVALUATOR)
        ev.goto(f"/policies/{SLUG}")
        ev.get_by_role("link", name="Putaran survei", exact=True).click()
        walk.check(ev, "evaluation-rounds")
        ev.get_by_role("button", name="Buka putaran").click()
        expect(ev.get_by_role("heading", name="Survei putaran 1 (sedang berjalan)")).to_be_visible()
        ev.get_by_label("Berkas CSV berkolom nip, nama, unit, email").set_input_files(
            {"name": "populasi.csv", "mimeType": "text/csv", "buffer": POPULATION.encode()}
        )
        ev.get_by_role("button", name="Pratinjau impor").click()
        expect(ev.locator("#preview-summary")).to_contain_text("2 orang akan ditambahkan")
        walk.check(ev, "population-preview")
        ev.get_by_role("button", name="Impor 2 orang").click()
        expect(ev.locator("#count-invited")).to_have_text("2")

        box, mail = mailbox
        deliver_due_emails(settings=mail)  # what the sweeps' delivery step does every few minutes
        for n, address in enumerate(("budi.resp@asn.test", "sari.resp@asn.test")):
            [invitation] = [m for m in box.messages if m["To"] == address]
            link = LINK.search(invitation.get_content())
            assert link, invitation.get_content()
            respondent, tab = _tab(browser, server)
            try:
                tab.goto(link.group(0))
                expect(tab.get_by_role("heading", level=1)).to_contain_text("Survei")
                if n == 0:
                    walk.check(tab, "survey-form")
                _answer_every_question(tab)
                tab.get_by_role("button", name="Kirim jawaban").click()
                expect(tab.get_by_role("heading", level=1)).to_have_text("Terima kasih")
                if n == 0:
                    walk.check(tab, "survey-thanks")
            finally:
                respondent.close()

        ev.reload()
        expect(ev.locator("#count-responded")).to_have_text("2")
        ev.get_by_role("button", name="Tutup putaran…").click()
        expect(ev.get_by_role("heading", name=re.compile("Tutup putaran survei 1 untuk"))).to_be_visible()
        walk.check(ev, "evaluation-round-close-confirm")
        ev.get_by_role("button", name="Ya, tutup putaran").click()
        closed = ev.locator("article", has=ev.get_by_role("heading", name="Survei putaran 1", exact=True))
        expect(closed).to_contain_text("2 jawaban dari 2")
        closed.get_by_label("Rekomendasi Anda (Bahasa Indonesia)").fill("Perluas pelatihan daring bagi guru.")
        closed.get_by_role("button", name="Catat rekomendasi").click()
        expect(ev.locator("ul.reasons")).to_contain_text("Perluas pelatihan daring bagi guru.")
        walk.check(ev, "evaluation-round-closed")
        ev.get_by_role("link", name="Hasil dan laporan putaran survei 1").click()
        expect(ev.locator("body")).to_contain_text("IKM")
        walk.check(ev, "evaluation-report", report=True)
    finally:
        context.close()


def _revision_and_second_consultation(page: Page, walk: Walk) -> None:
    """Revision starts cycle 2: a new version written and published, its consultation opened."""
    _advance(page, walk, "Revisi", "revision")
    expect(page.locator("main")).to_contain_text("siklus 2")
    walk.check(page, "cockpit-revision")
    _work_link(page, "Ubah draf").click()
    expect(page.get_by_text("Menyimpan membuat versi 2.")).to_be_visible()
    text = page.get_by_label("Teks (Markdown)")
    text.fill(with_new_pasal(text.input_value(), REVISED_CLAUSE))
    page.get_by_label("Apa yang berubah").fill("Hasil evaluasi: pelatihan daring dihitung")
    walk.check(page, "edit-draft-cycle-2")
    page.get_by_role("button", name="Simpan sebagai versi baru").click()
    expect(page).to_have_url(re.compile(f"/policies/{SLUG}/versions/2$"))
    page.goto(COCKPIT)
    _gate(page, "version_published").get_by_role("link", name="Terbitkan versi").click()
    page.get_by_role("button", name="Terbitkan versi 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terbitkan versi 2?")
    walk.check(page, "publish-version-2-confirm")
    page.get_by_role("button", name="Ya, terbitkan versi 2").click()
    expect(page.locator("#versions")).not_to_contain_text("Terbitkan versi 2")
    _open_window(page, walk, "consultation-window-cycle-2")
    _advance(page, walk, "Konsultasi publik", "consultation-cycle-2")


def _visitor_reads_the_first_report(browser: Browser, server: str, walk: Walk) -> None:
    """Signed out, from the policy page to the first cycle's report at its stable address."""
    context, visitor = _tab(browser, server)
    try:
        visitor.goto(f"/policies/{SLUG}")
        expect(visitor.locator("#take-part")).to_be_visible()  # the second cycle takes comments
        walk.check(visitor, "policy-page-cycle-2")
        visitor.get_by_role("link", name="Laporan konsultasi siklus 1").click()
        expect(visitor).to_have_url(re.compile(r"/report\?cycle=1$"))
        expect(visitor.get_by_role("heading", level=1)).to_contain_text("Laporan konsultasi publik")
        body = visitor.locator("body")
        expect(body).to_contain_text("Batas akhir bulan sudah tepat.")
        expect(body).to_contain_text("Diterima: dibahas dalam rapat tim perancang.")
        expect(body).to_contain_text(HIDE_REASON)
        expect(body).not_to_contain_text(SPAM)
        walk.check(visitor, "cycle-1-report", report=True)
    finally:
        context.close()


def test_the_whole_lifecycle_in_the_pages(
    page: Page,
    browser: Browser,
    server: str,
    settings: Settings,
    mailbox: tuple[Mailbox, Settings],
    patient: None,
) -> None:
    db = settings.database_url
    make_token(db, email=DRAFTER, name="Rina Perancang", role=Role.DRAFTER, unit=UNIT)
    make_token(db, email=MODERATOR, name="Maya Moderator", role=Role.MODERATOR)
    make_token(db, email=EVALUATOR, name="Eva Evaluator", role=Role.EVALUATOR, unit=UNIT)
    for email, name in STAKEHOLDERS.items():
        make_token(db, email=email, name=name, role=Role.STAKEHOLDER)
    page.set_default_timeout(WAIT)
    walk = Walk()

    _draft_and_workshops(page, walk)
    _consultation(page, browser, server, walk)
    _adoption_and_socialization(page, browser, server, walk)
    _evaluation(browser, server, walk, mailbox)
    _revision_and_second_consultation(page, walk)
    _visitor_reads_the_first_report(browser, server, walk)
