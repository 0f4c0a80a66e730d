"""Anonymity in the pages: a respondent answers, keeps the receipt and confirms it was counted; an
evaluator reading the closed round sees a unit of four hidden ("< 5 (disembunyikan)"), one of five
shown."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import select

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import unit_of_work, utcnow
from policies.core.secret_key import ensure_secret_key
from policies.core.settings import Settings
from policies.evaluation import responses, rounds
from policies.evaluation.population import import_population_csv
from policies.evaluation.rounds import open_round
from policies.lifecycle.models import Policy, Stage
from tests.browser.conftest import open_tab, screenshot
from tests.browser.test_pages_in_browser import log_in
from tests.browser.test_survey_in_browser import _answer_every_question
from tests.service.conftest import SLUG, UNIT, make_token

pytestmark = pytest.mark.browser
EVALUATOR = "eva@siklus.test"
# Kesehatan 5 (shown), Pendidikan 4 (hidden), Sosial 1 (hidden); the last is answered in the browser.
UNITS = ["Dinas Kesehatan"] * 5 + ["Dinas Pendidikan"] * 4 + ["Dinas Sosial"]


def _round_of_ten(settings: Settings) -> tuple[int, str]:
    """Open a round of ten ASN, nine of whom have answered (set up); return it and the tenth's token."""
    make_token(settings.database_url, email=EVALUATOR, name="Eva Evaluator", role=Role.EVALUATOR, unit=UNIT)
    evaluator = Actor(id=None, name="Eva Evaluator", role=Role.EVALUATOR, unit=UNIT)
    now = utcnow()
    with unit_of_work(settings.database_url) as s:
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        policy.stage = Stage.EVALUATION
        s.add(policy)
        s.flush()
        survey = open_round(
            s,
            actor=evaluator,
            slug=SLUG,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=30),
        )
        csv_text = "nip,nama,unit\n" + "".join(
            f"19870315201001{i:04d},ASN {i},{unit}\n" for i, unit in enumerate(UNITS)
        )
        issued = import_population_csv(
            s,
            actor=evaluator,
            round_id=survey.id,  # type: ignore[arg-type]
            csv_text=csv_text,
            secret=ensure_secret_key(settings),
        ).issued
        questions = survey.questions
    for person, unit in zip(issued[:-1], UNITS, strict=False):
        sheet: dict[str, object] = {"unit": unit, "golongan": "III", "years_of_service": 8}
        for q in questions:
            if q["type"] == "scale":
                sheet[q["code"]] = 3
            elif q["type"] == "single" and q["group"] != "profile":
                sheet[q["code"]] = q["options"][0]
        with unit_of_work(settings.database_url) as s:
            responses.submit_response(s, token=person.token, answers=sheet)
    return survey.id, issued[-1].token  # type: ignore[return-value]


def test_a_respondent_keeps_a_receipt_and_an_evaluator_sees_a_small_unit_hidden(
    browser: Browser, server: str, settings: Settings
) -> None:
    round_id, token = _round_of_ten(settings)

    respondent, page = open_tab(browser, server)
    page.goto(f"/survei?token={token}")
    expect(page).to_have_url(f"{server}/survei")
    _answer_every_question(page)
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih")
    expect(page.get_by_role("heading", name="Tanda terima Anda")).to_be_visible()
    receipt = page.locator("#receipt-code").inner_text()
    assert len(receipt) == 19 and receipt.count("-") == 3
    screenshot(page, "survey-receipt")
    page.get_by_role("link", name="Periksa tanda terima saya").click()
    expect(page).to_have_url(f"{server}/survei/tanda-terima")
    page.get_by_label("Kode tanda terima").fill(receipt.replace("-", " ").lower())
    page.get_by_role("button", name="Periksa", exact=True).click()
    expect(page.locator("#receipt-result")).to_contain_text("Terhitung")
    expect(page.locator("#receipt-result")).to_contain_text("putaran 1")
    assert receipt.replace("-", "") not in page.url
    screenshot(page, "survey-receipt-checked")
    respondent.close()

    with unit_of_work(settings.database_url) as s:
        rounds.close_round(s, actor=Actor(id=None, name="Sistem", role=Role.ADMIN), round_id=round_id)

    staff, page = open_tab(browser, server)
    log_in(page, EVALUATOR)
    page.goto(f"/policies/{SLUG}")
    page.get_by_role("link", name="Survei putaran 1").click()
    expect(page).to_have_url(f"{server}/evaluation/rounds/{round_id}/report")
    units = page.get_by_role("region", name="Unit kerja", exact=True)
    expect(units.get_by_role("row", name="Dinas Pendidikan")).to_contain_text("< 5 (disembunyikan)")
    expect(units.get_by_role("row", name="Dinas Sosial")).to_contain_text("< 5 (disembunyikan)")
    expect(units.get_by_role("row", name="Dinas Kesehatan")).to_have_text(
        re.compile(r"Dinas Kesehatan\s*5\s*75,00\s*C")
    )
    # Pendidikan's four 3s and the browser's one sheet of 4s: (4 x 3 + 4) / 5 = 3,2 -> 80,00 B.
    expect(units.get_by_role("row", name="Lainnya")).to_have_text(re.compile(r"Lainnya\s*5\s*80,00\s*B"))
    expect(page.locator("main")).to_contain_text("Kelompok dengan kurang dari 5 responden disembunyikan")
    screenshot(page, "evaluation-breakdown-suppressed")
    staff.close()
