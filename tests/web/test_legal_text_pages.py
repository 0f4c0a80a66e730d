"""The legal text keeps its shape on every page, and no page shows an internal id, raw Markdown or
one of Prefect's words; closed things show when they closed; a hidden comment reads as hidden."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.accounts.access import Actor
from policies.accounts.models import Account, Role
from policies.consultation.comments import create_comment, dispose, set_hidden
from policies.consultation.models import Outcome, Stance
from policies.consultation.report_labels import LABELS
from policies.consultation.windows import close_window
from policies.core.db import unit_of_work, utcnow
from policies.core.i18n import format_date
from policies.drafting.models import RevisionNote
from policies.drafting.queries import clauses_of, latest_version
from policies.drafting.versions import create_version
from policies.evaluation.rounds import close_round, open_round
from policies.lifecycle.models import Policy, Stage, StageEvent
from policies.lifecycle.queries import get_policy
from policies.lifecycle.stagework import record_dispatch
from service.web.i18n import translations
from tests.service.conftest import auth, open_consultation
from tests.web.conftest import DRAFT, DRAFTER, SLUG, UNIT, comment, sign_in, use_english

MODERATOR = Actor(id=None, name="Maya Moderator", role=Role.MODERATOR)
INTERNAL_ID = re.compile(r"\bc-[0-9a-f]{8}\b")


class _Visible(HTMLParser):
    """The words a person sees: text outside tags, scripts and styles (attributes left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible(html: str) -> str:
    """Return a page's visible text."""
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def assert_readable(html: str) -> None:
    """No internal clause id and no Markdown mark reaches the reader."""
    text = visible(html)
    assert INTERNAL_ID.findall(text) == []
    assert "**" not in text


def _article(html: str, key: str) -> str:
    start = html.index(f'id="{key}"')
    return html[start : html.index("</article>", start)]


def _pasal_2(db: str) -> str:
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        version = latest_version(s, policy_id=policy.id)  # type: ignore[arg-type]
        return next(c.key for c in clauses_of(s, version_id=version.id) if c.heading == "Pasal 2")  # type: ignore[arg-type]


# Each element carries its eId, so a link or a comment can point at one ayat or huruf.
AYAT_AND_HURUF = [
    '<li id="bab_1__pasal_2__ayat_1"><span class="marker">(1)</span> Kebijakan Kepegawaian dimaksudkan',
    '<li id="bab_1__pasal_2__ayat_2"><span class="marker">(2)</span> Kebijakan Kepegawaian bertujuan untuk:'
    '<ol class="legal legal-huruf">'
    '<li id="bab_1__pasal_2__ayat_2__huruf_a"><span class="marker">a.</span> menciptakan lingkungan kerja',
    '<li id="bab_1__pasal_2__ayat_2__huruf_b"><span class="marker">b.</span> menjaga kesejahteraan',
    '<li id="bab_1__pasal_2__ayat_2__huruf_d"><span class="marker">d.</span> memastikan setiap Pegawai ASN',
]


def test_draft_thread_triage_and_report_show_ayat_and_huruf_on_their_own_lines_and_no_ids(
    web: TestClient, drafter: str, db: str
) -> None:
    open_consultation(web, drafter)
    key = _pasal_2(db)
    asked = comment(db, key=key, body="Mohon **tebal** dan _miring_ dijelaskan.")
    rude = comment(db, key=key, body="Kata-kata kasar.")
    with unit_of_work(db) as s:
        dispose(
            s,
            actor=DRAFTER,
            slug=SLUG,
            comment_id=asked,
            outcome=Outcome.ACCEPTED,
            reason="Dirinci pada **ayat (2)**.",
            next_clause_key=key,
        )
        set_hidden(s, actor=MODERATOR, slug=SLUG, comment_id=rude, hidden=True, reason="kasar")
    draft = web.get(DRAFT)
    pasal = _article(draft.text, key)
    assert all(line in pasal for line in AYAT_AND_HURUF)
    menimbang = draft.text[draft.text.index(">Menimbang<") :]
    assert (
        '<ol class="legal legal-huruf"><li id="menimbang__point_a"><span class="marker">a.</span> bahwa'
        in menimbang
    )
    mengingat = draft.text[draft.text.index(">Mengingat<") :]
    assert (
        '<ol class="legal legal-angka"><li id="mengingat__point_1">'
        '<span class="marker">1.</span> Pasal 18 ayat (6)' in mengingat
    )
    thread = web.get(f"{DRAFT}/clauses/{key}")
    assert all(line in thread.text for line in AYAT_AND_HURUF)
    assert "<strong>tebal</strong>" in thread.text and "<strong>ayat (2)</strong>" in thread.text
    sign_in(web, drafter)
    triage = web.get(f"/policies/{SLUG}/triage")
    assert '<h3 class="small">Pasal 2 · Warga' in triage.text
    assert "<strong>ayat (2)</strong>" in triage.text  # the answer's reason, rendered
    report = web.get(f"/policies/{SLUG}/report")
    assert f'<h2 id="{key}">Pasal 2</h2>' in report.text
    assert "menjadi Pasal 2 pada versi berikutnya" in visible(report.text)
    assert "<strong>tebal</strong>" in report.text and "<strong>ayat (2)</strong>" in report.text
    for page in (draft, thread, triage, report):
        assert page.status_code == 200
        assert_readable(page.text)


def test_the_diff_keeps_lines_and_shows_words_not_markdown(web: TestClient, drafter: str, db: str) -> None:
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        body = latest_version(s, policy_id=policy.id).body  # type: ignore[arg-type]
        edited = body.replace(
            "(2) Kebijakan Kepegawaian bertujuan untuk:",
            "(2) Kebijakan Kepegawaian **terutama** bertujuan untuk:",
        ).replace(
            "(2) Peraturan Wali Kota ini berlaku bagi seluruh Pegawai ASN di lingkungan Pemerintah Daerah.",
            "(2) Peraturan Wali Kota ini berlaku bagi seluruh Pegawai ASN di lingkungan Pemerintah Daerah.\n"
            "(3) Ayat baru tentang **pendanaan**.",
        )
        assert edited.count("**") == 4
        create_version(s, actor=DRAFTER, slug=SLUG, body=edited)
    sign_in(web, drafter)
    diff = web.get(f"/policies/{SLUG}/versions/2/diff")
    assert diff.status_code == 200
    assert_readable(diff.text)
    assert "<ins>terutama</ins>" in diff.text
    # The added ayat is a row of its own, under its label, its words inserted.
    assert re.search(
        r'<li class="el-change el-added" id="diff-bab_1__pasal_3__ayat_3">\s*'
        r'<span class="el-label">Pasal 3 ayat \(3\)</span>.*?<ins>Ayat baru tentang pendanaan\.</ins>',
        diff.text,
        re.S,
    )
    # Unchanged clauses are the legal text, lists and all.
    assert '<ol class="legal legal-huruf"><li><span class="marker">a.</span> bahwa' in diff.text


def test_run_states_in_the_pages_language_with_the_link_to_the_run(
    web: TestClient, drafter: str, db: str
) -> None:
    run_id = str(uuid.uuid4())
    moved = web.post(f"/api/v1/policies/{SLUG}/advance", headers=auth(drafter), json={"to_stage": "workshop"})
    assert moved.is_success, moved.text
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        event = s.exec(select(StageEvent).where(StageEvent.policy_id == policy.id)).all()[-1]
        record_dispatch(
            s, event_id=event.id, flow_run_id=run_id, run_state="Completed", run_state_at=utcnow()
        )  # type: ignore[arg-type]
    sign_in(web, drafter)
    cockpit = web.get(f"/policies/{SLUG}/cockpit")
    link = re.search(rf'<a href="[^"]*/runs/flow-run/{run_id}">([^<]*)<', cockpit.text)
    assert link and link.group(1) == "Selesai"
    assert ">Completed<" not in cockpit.text
    use_english(web)
    english = web.get(f"/policies/{SLUG}/cockpit")
    link = re.search(rf'<a href="[^"]*/runs/flow-run/{run_id}">([^<]*)<', english.text)
    assert link and link.group(1) == "Completed"


def test_closed_consultations_and_rounds_show_when_they_closed(
    web: TestClient, drafter: str, db: str
) -> None:
    window = open_consultation(web, drafter)
    planned = format_date(datetime.fromisoformat(str(window["closes_at"])), locale="id")
    with unit_of_work(db) as s:
        closed = close_window(s, actor=DRAFTER, slug=SLUG).closed_at
    ended = format_date(closed, locale="id")  # type: ignore[arg-type]
    assert planned != ended
    page = web.get(f"/policies/{SLUG}")
    section = visible(page.text[page.text.index('id="consultation-heading"') :].split("</section>")[0])
    assert ended in section and planned not in section and "Ditutup." in section
    evaluator = Actor(id=None, name="Eva", role=Role.EVALUATOR, unit=UNIT)
    now = utcnow()
    with unit_of_work(db) as s:
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        policy.stage = Stage.EVALUATION
        s.add(policy)
        s.flush()
        survey = open_round(s, actor=evaluator, slug=SLUG, opens_at=now, closes_at=now + timedelta(days=30))
        round_id, round_planned = survey.id, format_date(survey.closes_at, locale="id")
        close_round(s, actor=evaluator, round_id=round_id)  # type: ignore[arg-type]
    page = web.get(f"/policies/{SLUG}")
    item = visible(page.text[page.text.index('id="evaluation-heading"') :].split("</section>")[0])
    assert ended in item and round_planned not in item
    report = web.get(f"/evaluation/rounds/{round_id}/report")
    period = visible(report.text[report.text.index("Periode") :].split("</p>")[0])
    assert round_planned not in period and "Ditutup" in period


def test_a_hidden_comment_reads_as_hidden_with_the_reason_on_every_page(
    web: TestClient, drafter: str, stakeholder: str, db: str
) -> None:
    open_consultation(web, drafter)
    key = _pasal_2(db)
    with unit_of_work(db) as s:
        budi = s.exec(select(Account).where(Account.email == "budi@asn.test")).one()
        mine = create_comment(
            s,
            actor=Actor(id=budi.id, name=budi.name, role=Role.STAKEHOLDER),
            slug=SLUG,
            clause_key=key,
            body="Teks yang disembunyikan.",
            stance=Stance.AGAINST,
        ).id
        set_hidden(s, actor=MODERATOR, slug=SLUG, comment_id=mine, hidden=True, reason="menyerang pribadi")  # type: ignore[arg-type]
    pages = {"thread": f"{DRAFT}/clauses/{key}", "mine": "/me/comments"}
    sign_in(web, stakeholder)
    for name, path in pages.items():
        text = visible(web.get(path).text)
        assert "Disembunyikan oleh moderator: menyerang pribadi" in text, name
        assert "Belum dijawab" not in text, name
    sign_in(web, drafter)
    triage = visible(web.get(f"/policies/{SLUG}/triage").text)
    assert "Disembunyikan oleh moderator: menyerang pribadi" in triage
    report = visible(web.get(f"/policies/{SLUG}/report").text)
    assert "disembunyikan oleh moderator" in report and "menyerang pribadi" in report
    assert "Tindak lanjut: belum ada." not in report


def test_the_cockpits_revision_notes_name_the_clause_by_its_label(
    web: TestClient, drafter: str, db: str
) -> None:
    key = _pasal_2(db)
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        s.add(
            RevisionNote(
                policy_id=policy.id,  # type: ignore[arg-type]
                cycle=1,
                source="comment",
                source_id=1,
                clause_key=key,
                summary="Rinci tujuan huruf b.",
            )
        )
    sign_in(web, drafter)
    page = web.get(f"/policies/{SLUG}/cockpit")
    section = page.text.split('id="revision-notes"', 1)[1].split("</section>", 1)[0]
    assert "Dari masukan konsultasi publik</strong> · Pasal 2</p>" in section
    assert_readable(page.text)


def test_the_reports_stance_words_are_the_comment_forms_words() -> None:
    for locale in ("id", "en"):
        words = translations(locale).gettext
        form = {"for": words("For"), "neutral": words("Neutral"), "against": words("Against")}
        assert LABELS[locale]["stances"] == form
