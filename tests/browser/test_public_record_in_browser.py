"""A visitor reads a past cycle's consultation record through the pages alone (issue 20).

The second cycle's consultation is open; from the policy page the visitor opens the first cycle's
report and its comments with their answers, and sees the first cycle's stages.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from policies.core.settings import Settings
from tests.browser.conftest import screenshot
from tests.second_cycle import (
    FIRST_ANSWER,
    FIRST_ANSWERED,
    FIRST_HIDDEN,
    HIDDEN_REASON,
    SECOND_COMMENT,
    SLUG,
    second_consultation,
)

pytestmark = pytest.mark.browser


def test_a_visitor_reads_the_first_cycles_report_and_comments_after_the_second_opened(
    page: Page, settings: Settings
) -> None:
    second_consultation(settings.database_url)
    page.goto(f"/policies/{SLUG}")
    # The first cycle's stages are still on the page, under their own cycle.
    earlier = page.locator("h3#cycle-1 + ol.timeline")
    expect(earlier.locator("li")).to_have_count(5)
    expect(earlier).to_contain_text("Konsultasi publik")
    screenshot(page, "public-record-policy-page")

    page.get_by_role("link", name="Laporan konsultasi siklus 1").click()
    expect(page).to_have_url(re.compile(r"/report\?cycle=1$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Laporan konsultasi publik")
    expect(page.locator("body")).to_contain_text(FIRST_ANSWERED)
    expect(page.locator("body")).to_contain_text(FIRST_ANSWER)
    expect(page.locator("body")).to_contain_text(
        "Tindak lanjut: disembunyikan oleh moderator — alasan moderator"
    )
    expect(page.locator("body")).to_contain_text(HIDDEN_REASON)
    expect(page.locator("body")).not_to_contain_text(FIRST_HIDDEN)
    expect(page.locator("body")).not_to_contain_text(SECOND_COMMENT)
    screenshot(page, "public-record-cycle-1-report")
    # The report's own link to the whole document stays on the first cycle.
    page.get_by_role("link", name=re.compile("Laporan lengkap")).click()
    expect(page).to_have_url(re.compile(r"cycle=1&full=1$"))
    expect(page.locator("body")).to_contain_text(FIRST_ANSWERED)

    page.goto(f"/policies/{SLUG}")
    page.get_by_role("link", name="siklus 1, versi 1").click()
    page.get_by_role("link", name=re.compile(r"^1 masukan")).first.click()
    thread = page.locator("ol.thread")
    expect(thread).to_contain_text(FIRST_ANSWERED)
    expect(thread).to_contain_text(FIRST_ANSWER)
    expect(thread).to_contain_text(HIDDEN_REASON)
    screenshot(page, "public-record-cycle-1-comments")
