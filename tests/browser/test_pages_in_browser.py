"""Real-browser scenarios: chromium drives the pages served by uvicorn on the test database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation.comments import create_comment, dispose
from policies.consultation.models import Comment, Disposition, Outcome, Stance
from policies.core.db import unit_of_work
from policies.core.settings import Settings
from service.app import create_app
from tests.browser.conftest import axe_violations, open_tab, screenshot
from tests.browser.signup import Mailbox, register_and_verify
from tests.drafts import with_new_pasal
from tests.service.conftest import PASSWORD, SLUG, UNIT, make_token, open_consultation

pytestmark = pytest.mark.browser
DRAFT = f"/policies/{SLUG}/versions/1"
DRAFTER = "rina@bkpsdm.test"


@pytest.fixture
def consultation(settings: Settings, server: str) -> Iterator[str]:
    """Open the catalogue policy's consultation through the API; yield the first clause's key."""
    token = make_token(
        settings.database_url, email=DRAFTER, name="Rina Perancang", role=Role.DRAFTER, unit=UNIT
    )
    with TestClient(create_app(settings)) as client:
        open_consultation(client, token)
        first = client.get(f"/api/v1/policies/{SLUG}/versions/1").json()["clauses"][0]["key"]
    yield first


def log_in(page: Page, email: str) -> None:
    """Sign in through the login form."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("button", name=re.compile("Keluar"))).to_be_visible()


def drafter_actor(settings: Settings) -> Actor:
    """Return the drafter account as the domain's actor."""
    from policies.accounts.actions import actor_of, find_account

    with unit_of_work(settings.database_url) as s:
        account = find_account(s, email=DRAFTER)
        assert account is not None
        return actor_of(account)


def test_stakeholder_registers_comments_and_later_reads_the_answer(
    page: Page, consultation: str, settings: Settings, mailbox: tuple[Mailbox, Settings]
) -> None:
    register_and_verify(page, mailbox, name="Sari Dewi", address="sari@warga.test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kebijakan ASN, bersama Anda")
    page.get_by_role("link", name=re.compile("Kebijakan Kepegawaian|kepegawaian", re.I)).first.click()
    page.get_by_role("link", name="Versi 1", exact=True).click()
    clause = page.locator(f"article#{consultation}")
    clause.get_by_role("link", name="Beri masukan").click()  # the form is on the clause's page
    page.get_by_label("Setuju", exact=True).check()
    page.get_by_label("Masukan Anda").fill("Mohon target 20 JP dirinci per jabatan.")
    page.get_by_role("button", name="Kirim masukan").click()
    expect(page.locator("li.comment").first).to_contain_text("Mohon target 20 JP dirinci per jabatan.")
    expect(page.locator("li.comment").first).to_contain_text("Belum dijawab.")
    drafter = drafter_actor(settings)
    with unit_of_work(settings.database_url) as s:
        comment_id = s.exec(select(Comment.id)).one()
        dispose(
            s,
            actor=drafter,
            slug=SLUG,
            comment_id=comment_id,  # type: ignore[arg-type]
            outcome=Outcome.ACCEPTED,
            reason="Dirinci dalam lampiran pasal ini.",
        )
    page.get_by_role("link", name="Masukan saya").click()
    answer = page.locator(f"#comment-{comment_id}")
    expect(answer).to_contain_text("Tindak lanjut perancang: Diterima")
    expect(answer).to_contain_text("Dirinci dalam lampiran pasal ini.")
    screenshot(page, "my-comments-desktop")


def test_drafter_answers_a_campaign_group_and_sees_every_unmet_gate(
    page: Page, consultation: str, settings: Settings
) -> None:
    text = "Kami menolak kewajiban 20 JP tanpa anggaran pelatihan yang memadai dari pemerintah daerah."
    with unit_of_work(settings.database_url) as s:
        for n in range(3):
            create_comment(
                s,
                actor=Actor(id=None, name=f"Warga {n}", role=Role.STAKEHOLDER),
                slug=SLUG,
                clause_key=consultation,
                body=text,
                stance=Stance.AGAINST,
            )
    log_in(page, DRAFTER)
    page.goto(f"/policies/{SLUG}/triage")
    expect(page.get_by_text("3 masukan masih menunggu tindak lanjut.")).to_be_visible()
    group = page.locator("[id^=campaign-]").first
    group.get_by_label("Dicatat").check()
    group.get_by_label("Alasan untuk pemberi masukan").fill("Anggaran pelatihan diatur dalam RKPD 2027.")
    group.get_by_role("button", name="Kirim tindak lanjut").click()
    expect(page.get_by_text("0 masukan masih menunggu tindak lanjut.")).to_be_visible()
    with unit_of_work(settings.database_url) as s:
        assert len(s.exec(select(Disposition)).all()) == 3
    screenshot(page, "triage-desktop")
    page.goto(f"/policies/{SLUG}/cockpit")
    page.get_by_role("button", name="Pindah ke Sosialisasi").click()
    refusal = page.locator("#refusal")
    expect(refusal).to_contain_text("Tahap tidak berubah")
    reasons = refusal.locator("li")
    expect(reasons).to_have_count(3)
    expect(refusal).to_contain_text("Konsultasi publik masih terbuka")
    expect(refusal).to_contain_text("Laporan hasil konsultasi publik belum diterbitkan")
    expect(refusal).to_contain_text("Penetapan belum dicatat")
    expect(refusal).to_be_focused()
    screenshot(page, "cockpit-refusal-desktop")


def test_switching_language_persists(page: Page) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Policies of the civil service, with you")
    page.goto("/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk")


def test_keyboard_only_commenting(page: Page, consultation: str, settings: Settings) -> None:
    make_token(settings.database_url, email="budi@asn.test", name="Budi Santoso", role=Role.STAKEHOLDER)
    log_in(page, "budi@asn.test")
    page.goto(f"{DRAFT}/clauses/{consultation}")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Langsung ke isi")
    # Tab through the page until the stance group of the comment form has the focus.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "stance":
            break
    assert page.evaluate("document.activeElement.value") == "neutral"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused control must show where the focus is"
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.value") == "against"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "body"
    page.keyboard.type("Masa transisi satu tahun diperlukan.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Kirim masukan"
    page.keyboard.press("Enter")
    comment = page.locator("li.comment").first
    expect(comment).to_contain_text("Masa transisi satu tahun diperlukan.")
    expect(comment).to_contain_text("Tidak setuju")


def test_header_controls_show_a_focus_ring_that_stands_out_on_the_blue_header(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "(() => { const e = document.activeElement, s = getComputedStyle(e);"
        " return [e.textContent.trim(), s.outlineStyle, s.outlineColor, s.outlineWidth]; })()"
    )
    assert focused == ["Siklus", "solid", "rgb(255, 216, 77)", "3px"]
    screenshot(page, "header-focus-desktop")


def test_a_stakeholder_comments_and_switches_language_without_javascript(
    browser: Browser, server: str, consultation: str, settings: Settings
) -> None:
    make_token(settings.database_url, email="budi@asn.test", name="Budi Santoso", role=Role.STAKEHOLDER)
    context, tab = open_tab(browser, server, java_script_enabled=False)
    try:
        log_in(tab, "budi@asn.test")
        tab.goto(DRAFT)
        clause = tab.locator(f"article#{consultation}")
        clause.get_by_role("link", name="Beri masukan").click()  # a plain link to the clause's form
        tab.get_by_label("Tidak setuju", exact=True).check()
        tab.get_by_label("Masukan Anda").fill("Tanpa JavaScript pun masukan terkirim.")
        tab.get_by_role("button", name="Kirim masukan").click()
        expect(tab.locator("#sent-notice")).to_be_visible()
        expect(tab.locator("li.comment").first).to_contain_text("Tanpa JavaScript pun masukan terkirim.")
        empty = tab.locator("form.reply").first
        empty.get_by_role("button", name="Kirim balasan").click()  # no client-side check without JS
        expect(tab.locator(".reply .error").first).to_contain_text("Isi masukan tidak boleh kosong.")
        tab.get_by_role("button", name="English").click()
        expect(tab.get_by_role("heading", name="Comments (1)")).to_be_visible()
        screenshot(tab, "thread-no-js-desktop")
    finally:
        context.close()


def _second_policy_with_a_diff_a_survey_and_a_report(settings: Settings) -> tuple[str, int, str]:
    """Give another catalogue policy a version 2 and an evaluation round with one invitation."""
    from policies.core.db import utcnow
    from policies.core.secret_key import ensure_secret_key
    from policies.drafting.queries import latest_version
    from policies.drafting.versions import create_version
    from policies.evaluation.population import import_population_csv
    from policies.evaluation.rounds import open_round
    from policies.lifecycle.models import Policy, Stage

    slug = "perwal-pengelolaan-jabatan-asn-2026"
    drafter = drafter_actor(settings)
    now = utcnow()
    with unit_of_work(settings.database_url) as s:
        body = s.exec(select(Policy).where(Policy.slug == slug)).one()
        text = latest_version(s, policy_id=body.id).body  # type: ignore[arg-type, union-attr]
        create_version(s, actor=drafter, slug=slug, body=with_new_pasal(text, "Ketentuan baru."))
        body.stage = Stage.EVALUATION
        s.add(body)
        s.flush()
        survey = open_round(
            s, actor=drafter, slug=slug, opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=30)
        )
        issued = import_population_csv(
            s,
            actor=drafter,
            round_id=survey.id,  # type: ignore[arg-type]
            csv_text="nip,nama,unit\n198703152010011002,Budi,Dinas Pendidikan\n",
            secret=ensure_secret_key(settings),
        )
        return slug, survey.id or 0, issued.issued[0].token


# What sticks out past the screen's right edge (outside a box that scrolls), when the page is wider.
WIDER_THAN_SCREEN = """() => {
  if (document.documentElement.scrollWidth <= innerWidth) return [];
  return [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5 && !e.closest(".table-scroll"))
    .slice(-3)
    .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${(e.textContent || "").trim().slice(0, 40)}`);
}"""


@pytest.mark.markup
def test_pages_have_no_serious_accessibility_violation_at_desktop_and_phone_width(
    page: Page, consultation: str, settings: Settings
) -> None:
    make_token(settings.database_url, email="budi@asn.test", name="Budi Santoso", role=Role.STAKEHOLDER)
    make_token(settings.database_url, email="maya@siklus.test", name="Maya Moderator", role=Role.MODERATOR)
    make_token(settings.database_url, email="ani@siklus.test", name="Ani Admin", role=Role.ADMIN)
    with unit_of_work(settings.database_url) as s:
        create_comment(
            s,
            actor=Actor(id=None, name="Warga", role=Role.STAKEHOLDER),
            slug=SLUG,
            clause_key=consultation,
            body="Perjelas **kewajiban** unit kerja.",
            stance=Stance.FOR,
        )
    other, round_id, token = _second_policy_with_a_diff_a_survey_and_a_report(settings)
    found: dict[str, list[dict]] = {}

    def check(pages: dict[str, str], *, open_forms: bool = False) -> None:
        for name, path in pages.items():
            for label, width in (("desktop", 1280), ("phone", 390)):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(path)
                if open_forms:
                    for summary in page.locator("details.flag summary").all()[:3]:
                        summary.click()
                screenshot(page, f"{name}-{label}")
                problems = axe_violations(page)
                # Nothing makes the page wider than the screen: a wide table scrolls in its own box.
                wider = page.evaluate(WIDER_THAN_SCREEN)
                if wider:
                    problems = [*problems, {"id": "page-wider-than-screen", "nodes": wider}]
                if problems:
                    found[f"{name}-{label}"] = problems
        page.set_viewport_size({"width": 1280, "height": 900})

    check(
        {
            "home": "/",
            "policy": f"/policies/{SLUG}",
            "draft": DRAFT,
            "thread": f"{DRAFT}/clauses/{consultation}",
            "login": "/login",
            "register": "/register",
            "verify-email": "/verify-email?token=contoh",
            "error": "/policies/tidak-ada",
            "survey": f"/survei?token={token}",
        }
    )
    log_in(page, "budi@asn.test")
    check(
        {
            "draft-signed-in": DRAFT,
            "thread-signed-in": f"{DRAFT}/clauses/{consultation}",
            "my-comments": "/me/comments",
            "inbox": "/inbox",
        },
        open_forms=True,
    )
    page.context.clear_cookies()
    log_in(page, "maya@siklus.test")
    check(
        {
            "moderation": "/moderation",
            "moderation-flagged": "/moderation?tab=flagged",
            "moderation-hidden": "/moderation?tab=hidden",
        }
    )
    page.context.clear_cookies()
    log_in(page, DRAFTER)
    check(
        {
            "board": "/board",
            "cockpit": f"/policies/{SLUG}/cockpit",
            "versions": f"/policies/{SLUG}/versions",
            "triage": f"/policies/{SLUG}/triage",
            "workshops": f"/policies/{SLUG}/workshops",
            "edit": f"/policies/{SLUG}/edit",
            "diff": f"/policies/{other}/versions/2/diff",
            "consultation-report": f"/policies/{SLUG}/report",
            "evaluation-report": f"/evaluation/rounds/{round_id}/report",
        }
    )
    page.context.clear_cookies()
    log_in(page, "ani@siklus.test")
    check({"accounts": "/admin/accounts", "account": "/admin/accounts/1", "holidays": "/admin/holidays"})
    assert found == {}
