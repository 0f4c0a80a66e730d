"""Offline voices and "not me" in a real browser, through the pages only.

The officer records an oral input with a scan and finds it in the register with its attribution;
a reader reports that a comment in their name was not theirs and confirms through the emailed
link (a real SMTP server); the stakeholder sends a comment on behalf of signatories (the count
public); the moderator reviews the report, which the thread then shows, and opens the names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, expect

from flows.delivery import deliver_due_emails
from policies.accounts.models import Role
from policies.core.settings import Settings
from service.app import create_app
from tests.browser.signup import Mailbox
from tests.browser.test_pages_in_browser import DRAFTER, log_in
from tests.service.conftest import ACCOUNTS, SLUG, UNIT, auth, make_token, open_consultation

pytestmark = pytest.mark.browser
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LINK = re.compile(r"http\S+/bukan-saya\?token=\S+")


@pytest.fixture
def consultation(settings: Settings, server: str) -> Iterator[tuple[str, int]]:
    """Open the consultation through the API and let Budi comment; yield the clause key and the comment id."""
    token = make_token(
        settings.database_url, email=DRAFTER, name="Rina Perancang", role=Role.DRAFTER, unit=UNIT
    )
    budi = make_token(settings.database_url, **ACCOUNTS["stakeholder"])
    make_token(settings.database_url, **ACCOUNTS["moderator"])
    with TestClient(create_app(settings)) as client:
        open_consultation(client, token)
        key = client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"][0]["key"]
        made = client.post(
            f"/api/v1/policies/{SLUG}/comments",
            headers=auth(budi),
            json={"clause_key": key, "body": "Setuju penuh."},
        )
        assert made.status_code == 201, made.text
    yield key, made.json()["id"]


def test_an_oral_input_with_a_scan_and_a_reviewed_not_me_report(
    page: Page,
    browser: Browser,
    server: str,
    consultation: tuple[str, int],
    mailbox: tuple[Mailbox, Settings],
) -> None:
    key, budi_comment = consultation
    handler, mail = mailbox
    thread = f"/policies/{SLUG}/versions/1/clauses/{key}"
    # The officer, from the cockpit.
    log_in(page, DRAFTER)
    page.goto(f"/policies/{SLUG}/cockpit")
    page.get_by_role("link", name="Masukan luring dan lisan").click()
    page.get_by_label("Pasal", exact=True).select_option(key)
    page.get_by_label("Lisan (lokakarya, sosialisasi, rapat dengar pendapat, kunjungan)").check()
    page.get_by_label("Disampaikan oleh (orang atau organisasi)").fill("Ibu Sari (Dharma Wanita)")
    page.get_by_label("Kesempatan (mis. sosialisasi di Kecamatan Serpong, surat nomor 12/2026)").fill(
        "sosialisasi di Kecamatan Serpong"
    )
    page.get_by_label("Tanggal disampaikan").fill("2026-01-05")
    page.get_by_label("Isi masukan, sebagaimana disampaikan").fill(
        "Cuti melahirkan jangan memotong tunjangan."
    )
    page.get_by_label("Pindaian (PDF, PNG atau JPEG; opsional)").set_input_files(
        files=[{"name": "notulen.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Catat masukan ini").click()
    expect(page.locator("#recorded-notice")).to_be_visible()
    expect(page.locator("ol.thread li").first).to_contain_text(
        "Disampaikan lisan oleh Ibu Sari (Dharma Wanita) pada sosialisasi di Kecamatan Serpong, "
        "5 Januari 2026"
    )
    # The register: the clause's thread shows the input with its attribution, and the scan opens.
    page.goto(thread)
    oral = page.locator("li.comment", has_text="Cuti melahirkan jangan memotong tunjangan.")
    expect(oral.locator("p.attribution")).to_contain_text("Disampaikan lisan oleh Ibu Sari (Dharma Wanita)")
    scan_href = oral.get_by_role("link", name=re.compile("Buka pindaian")).get_attribute("href")
    assert scan_href is not None
    got = page.request.get(scan_href)
    assert got.status == 200 and got.body() == PNG
    # A reader without an account says Budi's comment was not his; the link goes to Budi's address.
    reader = browser.new_context(base_url=server, locale="id-ID")
    tab = reader.new_page()
    tab.goto(thread)
    tab.locator(f"#comment-{budi_comment}").get_by_role("link", name=re.compile("Ini bukan saya")).click()
    tab.get_by_label("Alamat email").fill(ACCOUNTS["stakeholder"]["email"])
    tab.get_by_role("button", name="Kirim: ini bukan saya").click()
    expect(tab.locator("#notme-notice")).to_be_visible()
    assert deliver_due_emails(settings=mail).sent >= 1  # with the consultation's own notices
    # Budi also hears that the consultation opened: the confirmation is the message with the link.
    bodies = [
        m.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
        for m in handler.messages
        if m["To"] == ACCOUNTS["stakeholder"]["email"]
    ]
    [link] = [found for found in map(LINK.search, bodies) if found]
    tab.goto(link.group(0))
    tab.get_by_role("button", name="Konfirmasi: bukan saya yang mengirim").click()
    expect(tab.locator("#confirmed-notice")).to_be_visible()
    # Budi, signed in, sends one comment on behalf of his union's signatories.
    tab.context.clear_cookies()
    log_in(tab, ACCOUNTS["stakeholder"]["email"])
    tab.goto(thread)
    tab.get_by_role("link", name="Mengirim untuk organisasi, atas nama para penanda tangannya?").click()
    tab.get_by_label("Organisasi").fill("KORPRI Ranting Serpong")
    tab.get_by_label("Masukan Anda").fill("Kami mohon masa transisi dua tahun.")
    tab.get_by_label("Penanda tangan, satu per baris (nama, dan NIP atau email bila ada)").fill(
        "Ani\nBudi\nAni"
    )
    tab.get_by_role("button", name="Kirim masukan").click()
    expect(tab.locator("p.behalf")).to_contain_text(
        "Dikirim oleh KORPRI Ranting Serpong atas nama 2 penanda tangan."
    )
    expect(tab.get_by_role("link", name=re.compile("Lihat penanda tangan"))).to_have_count(0)
    reader.close()
    # The moderator reviews it from the moderation pages.
    page.get_by_role("button", name=re.compile("Keluar")).click()
    log_in(page, ACCOUNTS["moderator"]["email"])
    page.goto("/moderation")
    page.get_by_role("link", name="Laporan masukan yang bukan dikirim oleh pemilik namanya").click()
    report = page.locator("article.comment", has_text="Setuju penuh.")
    report.get_by_label("Dikabulkan: bukan kirimannya, tetap disembunyikan").check()
    report.get_by_label("Alasan (ditampilkan bersama masukan)").fill("Akun dipakai orang lain.")
    report.get_by_role("button", name="Catat peninjauan").click()
    expect(page.locator("ul li", has_text="Akun dipakai orang lain.")).to_contain_text("dikabulkan")
    page.goto(thread)
    hidden = page.locator(f"#comment-{budi_comment}")
    expect(hidden).to_contain_text("Akun dipakai orang lain.")
    expect(hidden.locator("p.review-note")).to_contain_text("moderator mengabulkan laporan itu")
    # Only a moderator opens the names behind the count.
    page.get_by_role("link", name=re.compile("Lihat penanda tangan")).click()
    expect(page.locator("main ol li")).to_have_text(["Ani", "Budi"])
