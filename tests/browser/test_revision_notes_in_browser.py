"""A drafter in revision writes a revision note of their own on the cockpit, in the pages only: a blank
note comes back with the error summary, a good one is listed beside the attached notes."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from policies.core.db import unit_of_work
from policies.core.settings import Settings
from policies.lifecycle.models import Policy, Stage
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_pages_in_browser import log_in
from tests.service.conftest import ACCOUNTS, SLUG, make_token

pytestmark = pytest.mark.browser


def _in_revision(settings: Settings) -> None:
    """The policy has reached revision, cycle 2 (set up: the walk to it has its own tests)."""
    with unit_of_work(settings.database_url) as s:
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        policy.stage, policy.cycle = Stage.REVISION, 2
        s.add(policy)


def test_a_drafter_writes_a_revision_note_on_the_cockpit(page: Page, server: str, settings: Settings) -> None:
    make_token(settings.database_url, **ACCOUNTS["drafter"])
    _in_revision(settings)
    log_in(page, ACCOUNTS["drafter"]["email"])
    page.goto(f"/policies/{SLUG}/cockpit")
    notes = page.locator("#revision-notes")
    expect(notes).to_contain_text("Belum ada catatan revisi")
    notes.get_by_role("button", name="Tambahkan catatan").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Tulis catatan revisinya.")
    summary.get_by_role("link", name="Tulis catatan revisinya.").click()
    expect(page.get_by_label("Catatan Anda", exact=True)).to_be_focused()
    assert axe_violations(page) == [], page.url
    page.get_by_label("Catatan Anda", exact=True).fill("Selaraskan jam kerja dengan PP 94/2021.")
    options = page.get_by_label("Pada pasal (opsional)").locator("option")
    chosen = options.nth(1).inner_text()
    page.get_by_label("Pada pasal (opsional)").select_option(label=chosen)
    notes.get_by_role("button", name="Tambahkan catatan").click()
    listed = page.locator("ol.revision-notes li")
    expect(listed).to_have_count(1)
    expect(listed.first).to_contain_text("Catatan perancang sendiri")
    expect(listed.first).to_contain_text("Selaraskan jam kerja dengan PP 94/2021.")
    expect(listed.first).to_contain_text(chosen)
    screenshot(page, "cockpit-own-revision-note")
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(page) == [], page.url
