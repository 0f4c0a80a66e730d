"""A drafter runs the public consultation from the pages alone: from the workshop stage to the report."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Locator, Page, expect
from sqlmodel import select

from policies.accounts.models import Role
from policies.consultation.models import ConsultationWindow
from policies.core.db import unit_of_work, utcnow
from policies.core.i18n import format_datetime
from policies.core.settings import Settings
from service.app import create_app
from tests.browser.conftest import axe_violations, screenshot
from tests.service.conftest import PASSWORD, SLUG, UNIT, auth, make_token

pytestmark = pytest.mark.browser
DRAFTER = "rina@bkpsdm.test"
COCKPIT = f"/policies/{SLUG}/cockpit"


@pytest.fixture
def workshops_held(settings: Settings, server: str) -> Iterator[None]:
    """Setup through the API: the catalogue policy in the workshop stage with its two workshops' minutes."""
    token = make_token(
        settings.database_url, email=DRAFTER, name="Rina Perancang", role=Role.DRAFTER, unit=UNIT
    )
    headers = auth(token)
    with TestClient(create_app(settings)) as client:
        moved = client.post(
            f"/api/v1/policies/{SLUG}/advance", headers=headers, json={"to_stage": "workshop"}
        )
        assert moved.is_success, moved.text
        for n in (1, 2):
            made = client.post(
                f"/api/v1/policies/{SLUG}/workshops",
                headers=headers,
                json={"title": f"Lokakarya {n}", "starts_at": utcnow().isoformat(), "location": "Aula"},
            )
            assert made.status_code == 201, made.text
            done = client.post(
                f"/api/v1/policies/{SLUG}/workshops/{made.json()['id']}/minutes",
                headers=headers,
                json={"minutes": f"Notula lokakarya {n}."},
            )
            assert done.is_success, done.text
    yield


def _no_serious_violation(page: Page, name: str) -> None:
    """Check the page with axe at desktop and 390 px phone width, with a screenshot of each."""
    for label, width in (("desktop", 1280), ("phone", 390)):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"{name}-{label}")
        assert axe_violations(page) == [], f"{name}-{label}"
    page.set_viewport_size({"width": 1280, "height": 900})


def _gate(page: Page, gate: str) -> Locator:
    return page.locator(f'li[data-gate="{gate}"]').first


def test_a_drafter_runs_the_consultation_from_the_pages(
    page: Page, workshops_held: None, settings: Settings
) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(DRAFTER)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("button", name=re.compile("Keluar"))).to_be_visible()

    # The cockpit: each unmet gate leads to where it is satisfied.
    page.goto(COCKPIT)
    _no_serious_violation(page, "cockpit-gate-links")
    _gate(page, "version_published").get_by_role("link", name="Terbitkan versi").click()
    expect(page).to_have_url(re.compile(f"{COCKPIT}#versions$"))
    page.get_by_role("button", name="Terbitkan versi 1").click()
    # Publishing freezes the text: the page asks first.
    expect(page.get_by_role("heading", level=1)).to_have_text("Terbitkan versi 1?")
    _no_serious_violation(page, "publish-version-confirm")
    page.get_by_role("button", name="Ya, terbitkan versi 1").click()
    expect(page.locator("#versions")).to_contain_text(re.compile(r"diterbitkan \d+ \w+ 20\d\d"))

    _gate(page, "window_long_enough").get_by_role("link", name="Ke jendela konsultasi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jendela konsultasi")
    # The kind's minimum is filled in, and a shorter window is refused beside its field.
    expect(page.get_by_label("Lama dalam hari (minimal 21)")).to_have_value("21")
    page.get_by_label("Lama dalam hari (minimal 21)").fill("10")
    page.get_by_role("button", name="Buka jendela").click()
    expect(page.locator("#days-error")).to_contain_text("minimal 21 hari")
    expect(page.get_by_label("Lama dalam hari (minimal 21)")).to_have_value("10")
    page.get_by_label("Lama dalam hari (minimal 21)").fill("21")
    page.get_by_role("button", name="Buka jendela").click()
    expect(page.locator("#current")).to_contain_text("Terbuka untuk masukan")
    _no_serious_violation(page, "consultation-windows")

    page.get_by_role("link", name="Kokpit").click()
    page.get_by_role("button", name="Pindah ke Konsultasi publik").click()
    expect(page.locator("#history tbody tr").first).to_contain_text("Konsultasi publik")

    # Extend the running window by three days from the page.
    _gate(page, "window_closed").get_by_role("link", name="Ke jendela konsultasi").click()
    with unit_of_work(settings.database_url) as s:
        planned = s.exec(select(ConsultationWindow.closes_at)).one()
    field = page.get_by_label("Tanggal dan jam penutupan baru (WIB)")
    later = datetime.fromisoformat(field.input_value()) - timedelta(days=4)  # the default is a week later
    field.fill(later.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Perpanjang").click()
    with unit_of_work(settings.database_url) as s:
        extended = s.exec(select(ConsultationWindow.closes_at)).one()
    assert timedelta(days=3) - timedelta(minutes=1) < extended - planned <= timedelta(days=3)
    expect(page.locator("#current")).to_contain_text(format_datetime(extended))

    # Close it early with a reason: the record shows when it actually closed, and why.
    page.get_by_label("Alasan menutup lebih awal (ditampilkan bersama jendelanya)").fill(
        "Masukan sudah cukup; rancangan perlu dikaji ulang."
    )
    page.get_by_role("button", name="Tutup sekarang").click()
    row = page.locator("#windows tbody tr").first
    expect(row).to_contain_text("Ditutup lebih awal: Masukan sudah cukup; rancangan perlu dikaji ulang.")
    expect(row).to_contain_text("lebih awal; rencana penutupan " + format_datetime(extended))
    expect(page.locator("#current")).to_have_count(0)
    _no_serious_violation(page, "consultation-closed-early")

    # The report: previewed as a draft, then published after its confirmation.
    page.get_by_role("link", name="Kokpit").click()
    _gate(page, "report_published").get_by_role("link", name="Ke laporan konsultasi").click()
    expect(page.locator("ul.gates li.pass")).to_have_count(2)
    _no_serious_violation(page, "consultation-report-staff")
    page.get_by_role("link", name="Pratinjau laporan (draf)").click()
    expect(page.locator(".draft")).to_be_visible()
    page.go_back()
    page.get_by_role("button", name="Terbitkan laporan…").click()
    expect(page.get_by_text("Tindakan ini tidak dapat dibatalkan.")).to_be_visible()
    _no_serious_violation(page, "consultation-report-confirm")
    page.get_by_role("button", name="Ya, terbitkan laporan").click()
    expect(page).to_have_url(re.compile(f"/policies/{SLUG}/report$"))
    expect(page.locator(".draft")).to_have_count(0)
    page.goto(COCKPIT)
    expect(_gate(page, "report_published")).to_have_class("pass")
    with unit_of_work(settings.database_url) as s:
        window = s.exec(select(ConsultationWindow)).one()
        assert window.report_published_at is not None
        assert window.close_reason == "Masukan sudah cukup; rancangan perlu dikaji ulang."


def test_a_drafter_withdraws_a_policy_after_confirming(page: Page, settings: Settings, server: str) -> None:
    make_token(settings.database_url, email=DRAFTER, name="Rina Perancang", role=Role.DRAFTER, unit=UNIT)
    page.goto("/login")
    page.get_by_label("Email").fill(DRAFTER)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("button", name=re.compile("Keluar"))).to_be_visible()
    page.goto(COCKPIT)
    page.get_by_label("Alasan (wajib untuk pencabutan)").fill("Digantikan peraturan yang lebih baru.")
    page.get_by_role("button", name="Pindah ke Dicabut").click()
    # Withdrawing is for good: the page asks first, with the reason, and nothing changed yet.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cabut ")
    expect(page.get_by_text("Alasan: Digantikan peraturan yang lebih baru.")).to_be_visible()
    _no_serious_violation(page, "withdraw-confirm")
    page.get_by_role("link", name="Batal, kembali").click()
    expect(page.get_by_role("button", name="Pindah ke Dicabut")).to_be_visible()
    page.get_by_label("Alasan (wajib untuk pencabutan)").fill("Digantikan peraturan yang lebih baru.")
    page.get_by_role("button", name="Pindah ke Dicabut").click()
    page.get_by_role("button", name="Ya, cabut kebijakan").click()
    latest = page.locator("#history tbody tr").first
    expect(latest).to_contain_text("Dicabut")
    expect(latest).to_contain_text("Digantikan peraturan yang lebih baru.")
