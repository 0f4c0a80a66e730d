"""Accounts in a real browser: sign up, the verification email by a real SMTP server, a throttled login."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from flows.delivery import deliver_due_emails
from policies.accounts.models import Role
from policies.core.settings import Settings
from service.app import create_app
from tests.browser.signup import Mailbox
from tests.service.conftest import SLUG, UNIT, auth, make_token, open_consultation

pytestmark = pytest.mark.browser
DRAFT = f"/policies/{SLUG}/versions/1"


@pytest.fixture
def clause(settings: Settings, server: str) -> str:
    """Open the catalogue policy's consultation through the API; return the first clause's key."""
    token = make_token(
        settings.database_url, email="rina@bkpsdm.test", name="Rina Perancang", role=Role.DRAFTER, unit=UNIT
    )
    with TestClient(create_app(settings)) as client:
        open_consultation(client, token)
        return str(
            client.get(f"/api/v1/policies/{SLUG}/versions/1", headers=auth(token)).json()["clauses"][0]["key"]
        )


def test_a_new_user_verifies_the_emailed_link_on_the_pages_and_then_comments(
    page: Page, clause: str, mailbox: tuple[Mailbox, Settings]
) -> None:
    handler, mail = mailbox
    page.goto("/register")
    page.get_by_label("Nama lengkap").fill("Sari Dewi")
    page.get_by_label("Email").fill("sari@warga.test")
    page.get_by_label("Kata sandi (minimal 8 karakter)").fill("rahasia-sari-1")
    page.get_by_role("button", name="Buat akun").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Periksa email Anda")
    # Signed in before verifying: commenting is refused, saying what to do.
    page.get_by_role("link", name="Masuk").first.click()
    page.get_by_label("Email").fill("sari@warga.test")
    page.get_by_label("Kata sandi").fill("rahasia-sari-1")
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"{DRAFT}/clauses/{clause}")
    page.get_by_label("Setuju", exact=True).check()
    page.get_by_label("Masukan Anda").fill("Mohon target 20 JP dirinci per jabatan.")
    page.get_by_role("button", name="Kirim masukan").click()
    expect(page.locator("#form-error")).to_contain_text("Verifikasi alamat email Anda")
    expect(page.get_by_label("Masukan Anda")).to_have_value("Mohon target 20 JP dirinci per jabatan.")

    assert deliver_due_emails(settings=mail).sent == 1
    page.goto(handler.link_to("sari@warga.test"))
    page.get_by_role("button", name="Verifikasi email saya").click()
    expect(page.get_by_role("status")).to_contain_text("sudah terverifikasi")
    page.get_by_role("link", name="Ke daftar kebijakan").click()
    page.goto(f"{DRAFT}/clauses/{clause}")
    page.get_by_label("Setuju", exact=True).check()
    page.get_by_label("Masukan Anda").fill("Mohon target 20 JP dirinci per jabatan.")
    page.get_by_role("button", name="Kirim masukan").click()
    expect(page.locator("li.comment").first).to_contain_text("Mohon target 20 JP dirinci per jabatan.")


def test_a_throttled_login_says_how_long_to_wait(page: Page, settings: Settings, server: str) -> None:
    make_token(settings.database_url, email="budi@asn.test", name="Budi Santoso", role=Role.STAKEHOLDER)
    page.goto("/login")
    for _ in range(5):
        page.get_by_label("Email").fill("budi@asn.test")
        page.get_by_label("Kata sandi").fill("salah-sekali")
        page.get_by_role("button", name="Masuk").click()
        expect(page.get_by_role("alert")).to_contain_text("Email atau kata sandi salah")
    page.get_by_label("Kata sandi").fill("salah-sekali")
    page.get_by_role("button", name="Masuk").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Terlalu banyak percobaan masuk yang gagal untuk email ini")
    expect(alert).to_contain_text(re.compile(r"coba lagi dalam \d+ detik"))
    expect(page.get_by_label("Email")).to_have_value("budi@asn.test")
