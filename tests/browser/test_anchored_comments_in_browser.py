"""A stakeholder comments on an ayat and on a selected passage; the drafter publishes the next version;
the comments show on it, still relevant or moved, all from the pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect
from sqlmodel import select

from policies.consultation import comments
from policies.consultation import windows as consultation
from policies.consultation.models import Comment, Outcome
from policies.core.db import unit_of_work, utcnow
from policies.core.settings import Settings
from policies.drafting import versions as drafts
from policies.drafting.models import TextElement
from policies.evaluation.models import SurveyRound
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from service.app import create_app
from tests import lifecycle_walk as walk
from tests.browser.conftest import screenshot
from tests.conftest import DRAFTER
from tests.service.conftest import ACCOUNTS, PASSWORD, SLUG, make_token, open_consultation

pytestmark = pytest.mark.browser


def _log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("button", name=re.compile("Keluar"))).to_be_visible()


def _two_ayat(db: str) -> tuple[TextElement, TextElement]:
    """Return two ayat of one Pasal of version 1, each with a sentence long enough to quote from."""
    with unit_of_work(db) as s:
        version = drafts.get_version(s, policy_id=get_policy(s, slug=SLUG).id, number=1)  # type: ignore[arg-type]
        rows = s.exec(
            select(TextElement).where(TextElement.version_id == version.id, TextElement.kind == "ayat")
        ).all()
        s.expunge_all()
    by_clause: dict[str, list[TextElement]] = {}
    for e in rows:
        if len(e.text) > 60:
            by_clause.setdefault(e.clause_key, []).append(e)
    first, second = next(v for v in by_clause.values() if len(v) >= 2)[:2]
    return first, second


def _to_revision(db: str) -> None:
    """Close the consultation, answer its comments, adopt and evaluate: cycle 2's revision begins."""
    now = utcnow()
    with unit_of_work(db) as s:
        consultation.close_window(s, actor=DRAFTER, slug=SLUG, reason="Uji jangkar.", now=now)
        for cid in s.exec(select(Comment.id)).all():
            comments.dispose(
                s, actor=DRAFTER, slug=SLUG, comment_id=cid, outcome=Outcome.NOTED, reason="Dicatat.", now=now
            )
        consultation.publish_report(s, actor=DRAFTER, slug=SLUG, now=now)
        walk.adopt(s, actor=DRAFTER, number=1)
    walk.advance(db, Stage.SOCIALIZATION, actor=DRAFTER, now=now)
    walk.prepare_evaluation(db, actor=DRAFTER, c=walk.Clock(start=now))
    walk.advance(db, Stage.EVALUATION, actor=DRAFTER, now=now)
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        s.add(
            SurveyRound(
                policy_id=policy.id,  # type: ignore[arg-type]
                cycle=1,
                number=1,
                opens_at=now,
                closes_at=now,
                closed_at=now,
                report_published_at=now,
            )
        )
    walk.advance(db, Stage.REVISION, actor=DRAFTER, now=now)


def test_comments_on_an_ayat_and_a_passage_follow_the_text_into_the_next_version(
    page: Page, server: str, settings: Settings
) -> None:
    db = settings.database_url
    drafter = make_token(db, **ACCOUNTS["drafter"])
    make_token(db, **ACCOUNTS["stakeholder"])
    with TestClient(create_app(settings)) as client:
        open_consultation(client, drafter)
    ayat, other = _two_ayat(db)
    thread = f"/policies/{SLUG}/versions/1/clauses/{ayat.clause_key}"

    # The stakeholder picks an ayat beside the text, then comments on it.
    _log_in(page, ACCOUNTS["stakeholder"]["email"])
    page.goto(thread)
    page.locator(f"[id='{ayat.eid}'] input[name='element_key']").check()
    page.locator("#body").fill("Ayat ini perlu contoh penerapan.")
    page.locator("#comment-send button[type='submit']").click()
    mine = page.locator("li.comment", has_text="Ayat ini perlu contoh penerapan.")
    expect(mine.locator(".anchor-line")).to_contain_text(f"pada {ayat.label}")
    expect(mine.locator(f".anchor-line a[href='#{ayat.eid}']")).to_be_visible()

    # Then selects words in the other ayat (as a mouse or a finger would) and comments on them.
    quote = other.text[4:40]
    page.evaluate(
        """([key, start, end]) => {
            const part = document.querySelector(`.el-text[data-element-key='${key}']`);
            const range = document.createRange();
            range.setStart(part.firstChild, start);
            range.setEnd(part.firstChild, end);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            part.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
        }""",
        [other.key, 4, 40],
    )
    expect(page.locator("#anchor-preview")).to_be_visible()
    expect(page.locator("#anchor-quote")).to_have_text(quote)
    expect(page.locator(f"[id='{other.eid}'] input[name='element_key']")).to_be_checked()
    screenshot(page, "anchored-comment-quote-selected")
    page.locator("#body").fill("Kata-kata yang dikutip ini kabur.")
    page.locator("#comment-send button[type='submit']").click()
    quoted = page.locator("li.comment", has_text="Kata-kata yang dikutip ini kabur.")
    expect(quoted.locator(".anchor-line")).to_contain_text(f"pada {other.label}")
    expect(quoted.locator(".anchor-line q")).to_have_text(quote)
    page.get_by_role("button", name=re.compile("Keluar")).click()

    # The consultation ends; in revision the drafter rewrites around the quote and publishes version 2.
    _to_revision(db)
    _log_in(page, ACCOUNTS["drafter"]["email"])
    page.goto(f"/policies/{SLUG}/edit")
    text = page.get_by_label("Teks (Markdown)")
    body = text.input_value()
    assert other.text in body
    text.fill(body.replace(other.text, "Selain itu, " + other.text[0].lower() + other.text[1:]))
    page.get_by_label("Apa yang berubah").fill("Ayat diperjelas")
    page.get_by_role("button", name="Simpan sebagai versi baru").click()
    expect(page).to_have_url(re.compile(f"/policies/{SLUG}/versions/2$"))
    page.goto(f"/policies/{SLUG}/versions")
    page.get_by_role("link", name="Terbitkan versi 2").click()
    page.get_by_role("button", name="Ya, terbitkan versi 2").click()
    expect(page.locator("#versions")).not_to_contain_text("Terbitkan versi 2")

    # Version 2's clause page carries both comments, and says what became of them.
    page.goto(f"/policies/{SLUG}/versions/2/clauses/{ayat.clause_key}")
    carried = page.locator("section.carried")
    expect(carried.get_by_role("heading", level=2)).to_contain_text("Masukan pada versi sebelumnya (2)")
    on_ayat = carried.locator("li", has_text="Ayat ini perlu contoh penerapan.")
    expect(on_ayat.locator(".anchor-status")).to_contain_text("Masih relevan")
    on_quote = carried.locator("li", has_text="Kata-kata yang dikutip ini kabur.")
    expect(on_quote.locator(".anchor-status")).to_contain_text("Masih relevan")
    expect(on_quote.locator(".anchor-status")).to_contain_text("diubah")
    expect(on_quote.locator(".anchor-status a")).to_have_attribute("href", re.compile(f"#{other.eid}$"))
    screenshot(page, "anchored-comments-on-version-2")
