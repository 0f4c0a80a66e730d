"""An admin's account work in a real browser: make a staff account, move a civil servant, deactivate one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from policies.accounts.models import Role, StakeholderGroup
from policies.core.settings import Settings
from tests.browser.conftest import axe_violations, open_tab
from tests.service.conftest import PASSWORD, make_token

pytestmark = pytest.mark.browser
ADMIN = "admin@siklus.test"
ASN = "sari.asn@siklus.test"
MODERATOR = "moderator.baru@siklus.test"


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login form."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


@pytest.fixture
def people(settings: Settings, server: str) -> None:
    """The one admin and a civil servant who registered: the rows a deployment starts from."""
    make_token(settings.database_url, email=ADMIN, name="Admin Siklus", role=Role.ADMIN)
    make_token(
        settings.database_url,
        email=ASN,
        name="Sari Dewi",
        role=Role.STAKEHOLDER,
        unit="Dinas Pendidikan",
        group=StakeholderGroup.ASN,
        nip="198905202012012003",
    )


def test_an_admin_makes_a_moderator_moves_a_civil_servant_and_deactivates_her(
    page: Page, browser: Browser, server: str, people: None
) -> None:
    log_in(page, ADMIN)
    page.get_by_role("link", name="Akun").click()
    expect(page.get_by_role("heading", name="Akun", exact=True)).to_be_visible()
    row = page.locator("tr", has_text=ASN)
    expect(row).to_contain_text("Dinas Pendidikan")
    assert axe_violations(page) == []

    # A staff account: a short password is refused with what was typed kept, then it is made.
    form = page.locator("form", has=page.get_by_role("button", name="Buat akun"))
    form.get_by_label("Nama").fill("Moderator Baru")
    form.get_by_label("Email").fill(MODERATOR)
    form.get_by_label("Kata sandi").fill("pendek")
    form.get_by_label("Peran", exact=True).select_option("moderator")
    form.get_by_role("button", name="Buat akun").click()
    expect(page.get_by_role("alert")).to_contain_text("Kata sandi")
    expect(page.get_by_label("Email")).to_have_value(MODERATOR)
    page.get_by_label("Kata sandi").fill("moderator-baru-2026")
    page.get_by_label("Peran", exact=True).select_option("moderator")
    page.get_by_role("button", name="Buat akun").click()
    expect(page.locator("tr", has_text=MODERATOR)).to_contain_text("Moderator")

    # The civil servant moves to a health centre as its head: unit and jabatan follow her.
    page.locator("tr", has_text=ASN).get_by_role("link", name=re.compile("Ubah")).click()
    expect(page.get_by_role("heading", name="Akun Sari Dewi")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Unit kerja").fill("")
    page.get_by_role("button", name="Simpan perubahan").click()
    expect(page.get_by_role("alert")).to_contain_text("ASN wajib mengisi unit kerja")
    page.get_by_label("Unit kerja").fill("Dinas Kesehatan")
    page.get_by_label("Jabatan").fill("Kepala Puskesmas")
    page.get_by_role("button", name="Simpan perubahan").click()
    moved = page.locator("tr", has_text=ASN)
    expect(moved).to_contain_text("Dinas Kesehatan")
    expect(moved).to_contain_text("Kepala Puskesmas")

    # The new moderator signs in with the password the admin gave.
    other, tab = open_tab(browser, server, timeout_ms=30_000)
    log_in(tab, MODERATOR, "moderator-baru-2026")
    expect(tab.get_by_role("link", name="Moderasi")).to_be_visible()

    # Deactivated, the civil servant can no longer sign in; the admin cannot deactivate themself.
    page.locator("tr", has_text=ASN).get_by_role("link", name=re.compile("Ubah")).click()
    page.get_by_label(re.compile("Boleh masuk")).uncheck()
    page.get_by_role("button", name="Simpan perubahan").click()
    expect(page.locator("tr", has_text=ASN)).to_contain_text("Dinonaktifkan")
    log_in(tab, ASN)
    expect(tab.get_by_role("alert")).to_contain_text("nonaktif")
    other.close()
    page.locator("tr", has_text=ADMIN).get_by_role("link", name=re.compile("Ubah")).click()
    page.get_by_label(re.compile("Boleh masuk")).uncheck()
    page.get_by_role("button", name="Simpan perubahan").click()
    expect(page.get_by_role("alert")).to_contain_text("akun Anda sendiri")
    expect(page.get_by_label(re.compile("Boleh masuk"))).not_to_be_checked()
