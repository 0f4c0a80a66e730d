"""The draft and both reports in a real browser, on a desktop and a 390 px phone: the legal text keeps
its shape, the reports are pages of the site, no chart label is clipped, no number breaks."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import Page

from policies.accounts.access import Actor
from policies.accounts.models import Account, Role
from policies.consultation.comments import create_comment, dispose, set_hidden
from policies.consultation.models import Outcome, Stance
from policies.consultation.windows import close_window, publish_report
from policies.core.db import unit_of_work
from policies.core.settings import Settings
from policies.drafting.queries import clauses_of, latest_version
from policies.evaluation import responses, rounds
from policies.evaluation.population import import_population_csv
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from tests.browser.conftest import SCREENSHOTS, axe_violations, screenshot, screenshots_wanted
from tests.conftest import DRAFTER, NOW
from tests.http import TLS
from tests.policies.evaluation.conftest import SECRET, answers, csv_of
from tests.service.conftest import ACCOUNTS, SLUG, UNIT, make_token, open_consultation

pytestmark = pytest.mark.browser
EVALUATED = "perwal-peningkatan-kualitas-asn-2026"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
MODERATOR = Actor(id=None, name="Maya Moderator", role=Role.MODERATOR)


def _consultation_reported(server: str, settings: Settings) -> str:
    """Open the consultation of the catalogue policy, answer its comments and publish the report."""
    db = settings.database_url
    with httpx.Client(verify=TLS, base_url=server, timeout=60) as client:
        open_consultation(client, make_token(db, **ACCOUNTS["drafter"]))  # type: ignore[arg-type]
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        version = latest_version(s, policy_id=policy.id)  # type: ignore[arg-type]
        key = next(c.key for c in clauses_of(s, version_id=version.id) if c.heading == "Pasal 2")  # type: ignore[arg-type]
        citizen = Actor(id=None, name="Warga Kota", role=Role.STAKEHOLDER)
        asked = create_comment(
            s, actor=citizen, slug=SLUG, clause_key=key, body="Mohon **rinci** huruf b.", stance=Stance.FOR
        )
        rude = create_comment(
            s, actor=citizen, slug=SLUG, clause_key=key, body="Kasar.", stance=Stance.AGAINST
        )
        dispose(
            s,
            actor=DRAFTER,
            slug=SLUG,
            comment_id=asked.id,  # type: ignore[arg-type]
            outcome=Outcome.PARTLY,
            reason="Dirinci pada **ayat (2)** huruf b.",
            next_clause_key=key,
        )
        set_hidden(s, actor=MODERATOR, slug=SLUG, comment_id=rude.id, hidden=True, reason="kasar")  # type: ignore[arg-type]
    with unit_of_work(db) as s:
        close_window(s, actor=DRAFTER, slug=SLUG)
        publish_report(s, actor=DRAFTER, slug=SLUG)
    return key


def _evaluation_reported(settings: Settings) -> int:
    """Close a survey round of the evaluated catalogue policy with enough answers for every chart."""
    db = settings.database_url
    with unit_of_work(db) as s:
        account = Account(
            email="eva@tangsel.go.id", name="Eva", password_hash="x", role=Role.EVALUATOR, unit=UNIT
        )
        s.add(account)
        s.flush()
        evaluator = Actor(id=account.id, name="Eva", role=Role.EVALUATOR, unit=UNIT)
        policy = get_policy(s, slug=EVALUATED)
        policy.stage = Stage.EVALUATION
        policy.stage_changed_at = NOW - timedelta(days=1)
        s.add(policy)
        s.flush()
        survey = rounds.open_round(
            s, actor=evaluator, slug=EVALUATED, opens_at=NOW, closes_at=NOW + timedelta(days=30), now=NOW
        )
        imported = import_population_csv(
            s, actor=evaluator, round_id=survey.id, secret=SECRET, csv_text=csv_of(12), now=NOW
        )  # type: ignore[arg-type]
        round_id, tokens = survey.id, [t.token for t in imported.issued]
    with unit_of_work(db) as s:
        for i, token in enumerate(tokens):
            sheet = answers([3, 4, 2, 3, 4, 3, 2, 4, 3 + i % 2])
            responses.submit_response(s, token=token, answers=sheet, now=NOW + timedelta(days=1))
    with unit_of_work(db) as s:
        rounds.close_round(s, actor=evaluator, round_id=round_id, now=NOW + timedelta(days=10))  # type: ignore[arg-type]
    return round_id  # type: ignore[return-value]


# Each item of the ayat list of a clause starts on its own line, under the one before, at the same left.
ITEMS_ON_THEIR_OWN_LINES = """(key) => {
  const items = [...document.getElementById(key).querySelectorAll('ol.legal-ayat > li')];
  const boxes = items.map(li => li.getBoundingClientRect());
  const huruf = [...document.getElementById(key).querySelectorAll('ol.legal-huruf > li')]
    .map(li => li.getBoundingClientRect());
  const below = (list) => list.every((b, i) => i === 0 || b.top >= list[i - 1].bottom - 0.5);
  const aligned = (list) => list.every(b => Math.abs(b.left - list[0].left) < 0.5);
  return {ayat: boxes.length, huruf: huruf.length, below: below(boxes) && below(huruf),
          aligned: aligned(boxes) && aligned(huruf), indented: huruf[0].left > boxes[0].left};
}"""

# Every chart label's box inside its SVG's viewBox (a clipped "Penanganan Pengaduan" starts left of 0).
CLIPPED_LABELS = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('.report svg')) {
    const vb = svg.viewBox.baseVal;
    for (const text of svg.querySelectorAll('text')) {
      const b = text.getBBox();
      if (b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5
          || b.y + b.height > vb.y + vb.height + 0.5) out.push(text.textContent);
    }
  }
  return out;
}"""

# A numeric cell's text lies on one line: every box of its characters shares one top.
BROKEN_NUMBERS = """() => {
  const out = [];
  for (const cell of document.querySelectorAll('td.num')) {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (tops.size > 1) out.push(cell.textContent);
  }
  return out;
}"""

LANDMARKS = "() => [!!document.querySelector('header.site nav'), document.querySelectorAll('main').length]"


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_draft_and_both_reports_read_well(
    page: Page, server: str, settings: Settings, width: str
) -> None:
    key = _consultation_reported(server, settings)
    round_id = _evaluation_reported(settings)
    w, h = WIDTHS[width]
    page.set_viewport_size({"width": w, "height": h})

    page.goto(f"/policies/{SLUG}/versions/1")
    shape = page.evaluate(ITEMS_ON_THEIR_OWN_LINES, key)
    assert shape == {"ayat": 2, "huruf": 4, "below": True, "aligned": True, "indented": True}
    pasal = page.locator(f"#{key}")
    assert "Pasal 2" in pasal.locator("h3, h2").first.inner_text()
    assert "c-" not in pasal.inner_text() and "**" not in page.locator("main").inner_text()
    assert axe_violations(page) == []
    screenshot(page, f"legal-text-draft-{width}")
    if screenshots_wanted():
        pasal.screenshot(path=str(SCREENSHOTS / f"legal-text-pasal-2-{width}.png"))

    page.goto(f"/policies/{SLUG}/report")
    assert page.evaluate(LANDMARKS) == [True, 1]
    text = page.locator("main").inner_text()
    assert "menjadi Pasal 2 pada versi berikutnya" in text and "**" not in text and f"({key})" not in text
    assert "Setuju" in text and "Mendukung" not in text  # the comment form's stance words
    assert page.evaluate(BROKEN_NUMBERS) == []
    assert axe_violations(page, impacts=("moderate", "serious", "critical")) == []
    screenshot(page, f"legal-text-consultation-report-{width}")

    page.goto(f"/evaluation/rounds/{round_id}/report")
    assert page.evaluate(LANDMARKS) == [True, 1]
    assert page.locator(".report svg text.label").count() >= 10  # IKM and the nine unsur
    labels = page.evaluate(
        "() => [...document.querySelectorAll('.report svg text.label')]"
        ".map(t => [...t.querySelectorAll('tspan')].map(s => s.textContent).join(' '))"
    )
    assert "Penanganan Pengaduan, Saran dan Masukan" in labels  # whole, on two lines
    assert page.evaluate(CLIPPED_LABELS) == []
    assert page.locator("td.num").count() > 10 and page.evaluate(BROKEN_NUMBERS) == []
    assert axe_violations(page, impacts=("moderate", "serious", "critical")) == []
    screenshot(page, f"legal-text-evaluation-report-{width}")
    if screenshots_wanted():
        chart = page.locator(".report svg").nth(1)
        chart.screenshot(path=str(SCREENSHOTS / f"legal-text-ikm-chart-{width}.png"))
