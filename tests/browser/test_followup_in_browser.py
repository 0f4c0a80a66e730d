"""A drafter records a follow-up plan on a closed round's weak unsur and marks it done, in the pages only;
the evaluator reads it and the trend chart, which fits a phone's width."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import unit_of_work, utcnow
from policies.core.settings import Settings
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from tests.browser.conftest import axe_violations
from tests.browser.test_pages_in_browser import log_in
from tests.policies.evaluation.conftest import SLUG
from tests.policies.evaluation.followup_setup import WEAK_U8, closed_round, sheets
from tests.service.conftest import UNIT, make_token

pytestmark = pytest.mark.browser
DRAFTER, EVALUATOR = "rina@bkpsdm.test", "eva@siklus.test"


def _closed_weak_round(settings: Settings) -> int:
    """The policy is in evaluation with a closed round whose u8 scored 2,00 (set up, not the subject)."""
    db = settings.database_url
    make_token(db, email=DRAFTER, name="Rina Perancang", role=Role.DRAFTER, unit=UNIT)
    make_token(db, email=EVALUATOR, name="Eva Evaluator", role=Role.EVALUATOR, unit=UNIT)
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        policy.stage = Stage.EVALUATION
        s.add(policy)
    actor = Actor(id=None, name="Eva Evaluator", role=Role.EVALUATOR, unit=UNIT)
    start = utcnow() - timedelta(days=40)
    return closed_round(db, actor, opens_at=start, sheets=sheets(WEAK_U8, units={"Dinas Kesehatan": 6}))


def test_the_drafter_plans_and_completes_a_follow_up_and_the_evaluator_reads_the_trend(
    page: Page, server: str, settings: Settings
) -> None:
    round_id = _closed_weak_round(settings)
    log_in(page, DRAFTER)
    page.goto(f"/policies/{SLUG}")
    page.get_by_role("link", name="Putaran survei", exact=True).click()
    weak = page.locator(f"#weak-{round_id}-unsur-u8")
    expect(weak).to_contain_text("NRR 2,00, mutu D")
    weak.get_by_label(re.compile("Rencana tindak lanjut untuk U8")).fill("Buka kanal pengaduan daring.")
    weak.get_by_label("Unit penanggung jawab").fill("Sekretariat BKPSDM")
    weak.get_by_label("Tenggat").fill((utcnow() + timedelta(days=30)).date().isoformat())
    weak.get_by_role("button", name="Catat rencana").click()
    plan = page.locator(f"#weak-{round_id}-unsur-u8 .plans li")
    expect(plan).to_contain_text("Direncanakan")
    expect(plan).to_contain_text("Buka kanal pengaduan daring.")

    plan.get_by_label("Kemajuan").select_option("done")
    plan.get_by_label(re.compile("Yang telah dilakukan")).fill("Kanal dibuka; 9 pengaduan dijawab.")
    plan.get_by_role("button", name="Simpan kemajuan").click()
    expect(page.locator(f"#weak-{round_id}-unsur-u8 .plans li")).to_contain_text(
        "Kanal dibuka; 9 pengaduan dijawab."
    )
    expect(page.locator(f"#weak-{round_id}-unsur-u8 .status-done")).to_have_text("Selesai")
    page.get_by_role("button", name=re.compile("Keluar")).click()

    # The evaluator reads the plan and the trends on a phone: the chart is drawn at the screen's width.
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, EVALUATOR)
    page.goto(f"/policies/{SLUG}/evaluation/rounds#trends")
    expect(page.locator(f"#followup-{round_id}")).to_contain_text("Kanal dibuka; 9 pengaduan dijawab.")
    chart = page.get_by_role("img", name="IKM dari putaran ke putaran")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and 250 < box["width"] <= 360
    # The evaluator's page has every form too (a new plan, progress): checked once, here.
    assert axe_violations(page) == [], page.url
