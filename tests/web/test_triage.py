"""Answering comments on the pages: filters, refusals that keep what was typed, who may triage, reports."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from policies.accounts.access import Actor, can_answer, can_moderate
from policies.accounts.models import Role
from policies.consultation.comments import dispose
from policies.consultation.models import Campaign, ConsultationWindow, Outcome, Stance
from policies.consultation.windows import publish_report
from policies.core.db import unit_of_work, utcnow
from policies.evaluation.rounds import close_round, open_round
from policies.lifecycle.models import Policy, Stage
from tests.service.conftest import open_consultation
from tests.web.conftest import DRAFTER, SLUG, UNIT, clause_keys, comment, post_form, sign_in, use_english

TRIAGE = f"/policies/{SLUG}/triage"
REPORT = f"/policies/{SLUG}/report"
CAMPAIGN = "Kami menolak kewajiban 20 JP tanpa anggaran pelatihan yang memadai dari pemerintah daerah."


def _register(web: TestClient, drafter: str, db: str) -> dict[str, object]:
    """Open the consultation with comments on two clauses, two stances and one campaign group."""
    open_consultation(web, drafter)
    first, second = clause_keys(db)[:2]
    made = {
        "for": comment(db, key=first, body="Perjelas target JP.", stance=Stance.FOR),
        "against": comment(db, key=second, body="Masa transisi terlalu singkat.", stance=Stance.AGAINST),
        "group": [
            comment(db, key=second, body=CAMPAIGN, stance=Stance.AGAINST, name=f"W{n}") for n in range(3)
        ],
    }
    with unit_of_work(db) as s:
        made["campaign"] = s.exec(select(Campaign.id)).one()
    made["keys"] = (first, second)
    return made


def _redirected(web: TestClient, path: str, form: dict[str, str]) -> str:
    """Send a triage form without following the answer; it must be a 303: return where it points."""
    sent = post_form(web, path, form, page=TRIAGE, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    return sent.headers["location"]


def _ids(page) -> list[int]:  # type: ignore[no-untyped-def]
    return [c.id for c in page.context["page"].items]


def test_triage_filters_by_answer_clause_stance_and_campaign(web: TestClient, drafter: str, db: str) -> None:
    made = _register(web, drafter, db)
    first, second = made["keys"]  # type: ignore[misc]
    sign_in(web, drafter)
    everything = web.get(TRIAGE)
    assert everything.template.name == "web/triage.html"  # type: ignore[attr-defined]
    assert len(_ids(everything)) == 5 and "5 masukan masih menunggu tindak lanjut." in everything.text
    assert _ids(web.get(f"{TRIAGE}?clause={first}")) == [made["for"]]
    assert _ids(web.get(f"{TRIAGE}?stance=for")) == [made["for"]]
    assert _ids(web.get(f"{TRIAGE}?stance=against&clause={second}")) == [made["against"], *made["group"]]  # type: ignore[misc]
    grouped = web.get(f"{TRIAGE}?campaign={made['campaign']}")
    assert _ids(grouped) == made["group"] and grouped.context["chosen"]["campaign"] == str(made["campaign"])  # type: ignore[attr-defined]
    assert f'<option value="{made["campaign"]}" selected>' in grouped.text
    with unit_of_work(db) as s:
        dispose(s, actor=DRAFTER, slug=SLUG, comment_id=made["for"], outcome=Outcome.NOTED, reason="Dicatat.")  # type: ignore[arg-type]
    assert made["for"] not in _ids(web.get(f"{TRIAGE}?undisposed=1"))
    assert f"Kelompok #{made['campaign']}: 3 masukan" in everything.text


def test_a_refused_answer_keeps_the_choice_the_reason_and_the_filters(
    web: TestClient, drafter: str, db: str
) -> None:
    made = _register(web, drafter, db)
    sign_in(web, drafter)
    target = made["against"]
    listed = web.get(f"{TRIAGE}?stance=against")
    assert f'action="/policies/{SLUG}/triage/comment/{target}?stance=against"' in listed.text
    no_reason = post_form(
        web, f"{TRIAGE}/comment/{target}?stance=against", {"outcome": "partly", "reason": "  "}, page=TRIAGE
    )
    assert no_reason.status_code == 422 and no_reason.template.name == "web/triage.html"  # type: ignore[attr-defined]
    assert no_reason.context["chosen"]["stance"] == "against"  # type: ignore[attr-defined]
    assert made["for"] not in _ids(no_reason)  # the list is still filtered
    form = no_reason.text.split(f'id="comment-{target}"', 1)[1].split("</article>", 1)[0]
    assert 'value="partly" required checked' in form and "Alasan tindak lanjut wajib diisi" in form
    assert f'aria-describedby="comment-{target}-error"' in form
    no_outcome = post_form(
        web, f"{TRIAGE}/comment/{target}?stance=against", {"reason": "Sudah diatur di Pasal 9."}, page=TRIAGE
    )
    form = no_outcome.text.split(f'id="comment-{target}"', 1)[1].split("</article>", 1)[0]
    assert ">Sudah diatur di Pasal 9.</textarea>" in form and "Pilih tindak lanjut" in form
    other = no_outcome.text.split(f'id="comment-{made["group"][0]}"', 1)[1].split("</article>", 1)[0]  # type: ignore[index]
    assert "Sudah diatur di Pasal 9." not in other
    use_english(web)
    english = post_form(web, f"{TRIAGE}/comment/{target}", {"reason": "x"}, page=TRIAGE)
    assert "Choose an answer: accepted, partly accepted, not accepted or noted." in english.text
    answered = _redirected(
        web,
        f"{TRIAGE}/comment/{target}?stance=against&undisposed=1",
        {"outcome": "partly", "reason": "Ditambahkan pada ayat (2)."},
    )
    assert answered == f"{TRIAGE}?stance=against&undisposed=1#comment-{target}"


def test_a_refused_moderation_shows_beside_its_form(
    web: TestClient, drafter: str, moderator: str, db: str
) -> None:
    made = _register(web, drafter, db)
    sign_in(web, moderator)
    page = web.get(TRIAGE)
    assert page.context["can_moderate"] is True and page.context["can_answer"] is False  # type: ignore[attr-defined]
    refused = post_form(
        web, f"{TRIAGE}/moderate/{made['for']}?clause=x", {"hidden": "1", "reason": ""}, page=TRIAGE
    )
    assert refused.status_code == 422 and refused.context["chosen"]["clause"] == "x"  # type: ignore[attr-defined]
    assert refused.context["failed"] == f"moderate-{made['for']}"  # type: ignore[attr-defined]
    hidden = _redirected(web, f"{TRIAGE}/moderate/{made['for']}", {"hidden": "1", "reason": "Spam"})
    assert hidden == f"{TRIAGE}#comment-{made['for']}"
    answer = post_form(
        web, f"{TRIAGE}/comment/{made['for']}", {"outcome": "noted", "reason": "x"}, page=TRIAGE
    )
    assert answer.status_code == 403  # a moderator hides, the drafters answer


def test_triage_checks_the_drafters_unit(
    web: TestClient, drafter: str, other_drafter: str, stakeholder: str, admin: str
) -> None:
    sign_in(web, other_drafter)
    foreign = web.get(TRIAGE)
    assert foreign.status_code == 403 and "Hanya perancang dari BKPSDM Kota Tangerang Selatan" in foreign.text
    sign_in(web, stakeholder)
    assert web.get(TRIAGE).status_code == 403
    sign_in(web, admin)
    admin_page = web.get(TRIAGE)
    assert admin_page.status_code == 200 and admin_page.context["can_answer"] is True  # type: ignore[attr-defined]


def test_consultation_report_is_published_before_everyone_reads_it(
    web: TestClient, drafter: str, stakeholder: str, db: str
) -> None:
    made = _register(web, drafter, db)
    anonymous = web.get(REPORT)
    assert anonymous.status_code == 404 and anonymous.template.name == "web/error.html"  # type: ignore[attr-defined]
    assert "belum diterbitkan" in anonymous.text
    sign_in(web, stakeholder)
    assert web.get(REPORT).status_code == 404
    sign_in(web, drafter)
    preview = web.get(REPORT)
    assert preview.status_code == 200 and 'class="draft" role="note">DRAF' in preview.text
    with unit_of_work(db) as s:
        window = s.exec(select(ConsultationWindow)).one()
        window.closes_at = utcnow() - timedelta(minutes=1)
        for cid in [made["for"], made["against"], *made["group"]]:  # type: ignore[misc]
            dispose(s, actor=DRAFTER, slug=SLUG, comment_id=cid, outcome=Outcome.NOTED, reason="Dicatat.")
        publish_report(s, actor=DRAFTER, slug=SLUG)
    web.cookies.delete("siklus_session")
    public = web.get(REPORT)
    assert public.status_code == 200 and public.headers["content-type"].startswith("text/html")
    assert 'class="draft"' not in public.text and '<html lang="id">' in public.text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in public.text
    assert '<link rel="stylesheet" href="/static/print.css" media="print">' in public.text
    assert "Laporan konsultasi publik" in public.text and "Perjelas target JP." in public.text
    use_english(web)
    english = web.get(REPORT)
    assert '<html lang="en">' in english.text and "Public consultation report" in english.text
    assert "Answer: Noted" in english.text and "Stance: Against" in english.text


def test_consultation_report_reads_a_page_at_a_time_or_whole(
    web: TestClient, drafter: str, stakeholder: str, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policies.consultation import report

    made = _register(web, drafter, db)
    monkeypatch.setattr(report, "PAGE_COMMENTS", 2)
    sign_in(web, drafter)
    first = web.get(REPORT)
    assert first.status_code == 200 and "Daftar pasal" in first.text and 'rel="next"' in first.text
    assert first.text.count('class="comment"') == 2
    last = web.get(f"{REPORT}?page=2")
    assert last.status_code == 200 and 'rel="prev"' in last.text
    whole = web.get(f"{REPORT}?full=1")
    total = len([made["for"], made["against"], *made["group"]])  # type: ignore[misc]
    assert "Daftar pasal" not in whole.text and whole.text.count('class="comment"') == total
    pages = -(-total // 2)
    beyond = web.get(f"{REPORT}?page={pages + 1}")
    assert beyond.status_code == 404 and f"halaman {pages + 1} tidak ada" in beyond.text
    assert web.get(f"{REPORT}?page=0").status_code == 422


def test_evaluation_report_in_the_visitors_language_readable_on_a_phone(
    web: TestClient, drafter: str
) -> None:
    evaluator = Actor(id=None, name="Eva", role=Role.EVALUATOR, unit=UNIT)
    now = utcnow()
    with unit_of_work(web.app.state.settings.database_url) as s:  # type: ignore[attr-defined]
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        policy.stage = Stage.EVALUATION
        s.add(policy)
        s.flush()
        round_id = open_round(
            s, actor=evaluator, slug=SLUG, opens_at=now, closes_at=now + timedelta(days=30)
        ).id
    # While the round runs its report is nobody's: every visitor, its own drafter too, sees totals only.
    for who in (None, drafter):
        if who:
            sign_in(web, who)
        running = web.get(f"/evaluation/rounds/{round_id}/report", follow_redirects=False)
        assert running.status_code == 200 and running.template.name == "web/evaluation_round.html"  # type: ignore[attr-defined]
        assert "IKM" not in running.text and "diterbitkan ketika putaran ditutup" in running.text
    assert "Survei putaran 1" in web.get(f"/policies/{SLUG}").text
    with unit_of_work(web.app.state.settings.database_url) as s:  # type: ignore[attr-defined]
        close_round(s, actor=evaluator, round_id=round_id)  # type: ignore[arg-type]
    use_english(web)
    report = web.get(f"/evaluation/rounds/{round_id}/report")
    assert report.status_code == 200 and '<html lang="en">' in report.text and "print.css" in report.text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in report.text
    # A page of the site: its header, navigation and main landmark around the report.
    assert '<main id="main"' in report.text and 'href="/static/siklus.css"' in report.text
    # Category C text is dark enough for WCAG AA on white (the old #c77d00 was 3.3:1).
    assert re.search(r"\.report \.cat-C \{ color: #9a6200; \}", web.get("/static/siklus.css").text)


@pytest.mark.parametrize("role", list(Role))
def test_the_triage_forms_follow_the_domains_answer_and_moderate_rules(role: Role) -> None:
    actor = Actor(id=1, name="Uji", role=role)
    assert can_answer(actor) is (role in (Role.DRAFTER, Role.ADMIN))
    assert can_moderate(actor) is (role in (Role.MODERATOR, Role.ADMIN))
    assert not can_answer(None) and not can_moderate(None)


@pytest.mark.parametrize("raw", ["²", "9" * 5000, str(2**40), "-1"])
def test_a_campaign_filter_that_is_no_id_lists_every_comment(
    web: TestClient, drafter: str, db: str, raw: str
) -> None:
    """A superscript digit, 5,000 digits or a number past the column's range is no group: no 500."""
    _register(web, drafter, db)
    sign_in(web, drafter)
    everything = web.get(TRIAGE)
    odd = web.get(TRIAGE, params={"campaign": raw})
    assert odd.status_code == 200, odd.text[:300]
    assert _ids(odd) == _ids(everything)
