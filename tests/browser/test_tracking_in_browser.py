"""Tracking in chromium, using only the pages: a citizen comments and gets a number, a visitor looks it
up without an account, the drafter sees it due on the board, an admin records a regional holiday."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from policies.accounts.models import Role
from policies.core.settings import Settings
from service.app import create_app
from tests.browser.conftest import axe_violations
from tests.browser.test_pages_in_browser import DRAFT, DRAFTER, log_in
from tests.service.conftest import SLUG, UNIT, make_token, open_consultation

pytestmark = pytest.mark.browser


@pytest.fixture
def pasal(settings: Settings, server: str) -> Iterator[str]:
    """Open the catalogue policy's consultation; yield the key of its first "Pasal"."""
    token = make_token(
        settings.database_url, email=DRAFTER, name="Rina Perancang", role=Role.DRAFTER, unit=UNIT
    )
    with TestClient(create_app(settings)) as client:
        open_consultation(client, token)
        clauses = client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"]
    yield next(c["key"] for c in clauses if c["heading"].startswith("Pasal"))


def test_a_comment_is_tracked_from_its_receipt_to_the_board(
    page: Page, pasal: str, settings: Settings
) -> None:
    make_token(settings.database_url, email="budi@asn.test", name="Budi Santoso", role=Role.STAKEHOLDER)
    make_token(settings.database_url, email="ani@siklus.test", name="Ani Admin", role=Role.ADMIN)
    log_in(page, "budi@asn.test")
    page.goto(f"{DRAFT}/clauses/{pasal}")
    page.get_by_label("Setuju", exact=True).check()
    page.get_by_label("Masukan Anda").fill("Mohon jam pelatihan dirinci per jabatan.")
    page.get_by_role("button", name="Kirim masukan").click()
    receipt = page.locator("#receipt")
    expect(receipt).to_contain_text("Nomor pelacakan Anda: SKL-")
    expect(receipt).to_contain_text("Jawaban paling lambat")
    number = re.search(r"SKL-[2-9A-Z]{4}-[2-9A-Z]{4}", receipt.inner_text()).group(0)  # type: ignore[union-attr]
    page.get_by_role("button", name=re.compile("Keluar")).click()

    # A visitor, signed in nowhere, with only the number.
    page.get_by_role("link", name="Pelacakan").click()
    page.get_by_label("Nomor pelacakan").fill(number.lower())
    page.get_by_role("button", name="Lacak").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Masukan {number}")
    expect(page.locator("#track-state")).to_contain_text("Menunggu jawaban, paling lambat")
    expect(page.locator(".text")).to_contain_text("Mohon jam pelatihan dirinci per jabatan.")
    assert axe_violations(page) == []

    log_in(page, DRAFTER)
    page.get_by_role("link", name="Papan").click()
    row = page.locator("#clocks-owed tr").filter(has_text=number)
    expect(row).to_contain_text("Belum jatuh tempo")
    expect(page.locator("#clocks-units")).to_contain_text(UNIT)
    page.get_by_role("button", name=re.compile("Keluar")).click()

    log_in(page, "ani@siklus.test")
    page.get_by_role("link", name="Kalender hari kerja").click()
    page.get_by_label("Tanggal").fill("2026-10-02")
    page.get_by_label("Nama").fill("Hari Jadi Kota Tangerang Selatan")
    page.get_by_label("Jenis").select_option("regional")
    page.get_by_label("Dasar hukum").fill("Perwal 7/2026")
    page.get_by_role("button", name="Catat").click()
    expect(page.locator("table").first).to_contain_text("Hari Jadi Kota Tangerang Selatan")
