"""The SKM report cycle in the pages: the rounds page shows the sample against its minimum and the
margin of error, closing below it warns (or is refused by the kind's rule), a closed round offers its
downloads and the evaluator's publish action, and anyone reads the published results (small groups
hidden)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import unit_of_work, utcnow
from policies.core.secret_key import ensure_secret_key
from policies.core.settings import Settings
from policies.evaluation import responses
from policies.evaluation.models import SurveyRound
from policies.evaluation.population import import_population_csv
from policies.evaluation.rounds import open_round
from policies.lifecycle.queries import get_kind, get_policy
from tests.service.conftest import UNIT, make_token
from tests.web.conftest import SLUG, sign_in
from tests.web.test_evaluation_rounds_pages import ROUNDS, eva, send  # noqa: F401

UNITS = ["Dinas Kesehatan"] * 5 + ["Dinas Pendidikan"] * 4 + ["Dinas Sosial"]
EVALUATOR = Actor(id=None, name="Eva", role=Role.EVALUATOR, unit=UNIT)


def _round(settings: Settings, *, answered: int) -> int:
    """Open a round of ten (Kesehatan 5, Pendidikan 4, Sosial 1) of which the first `answered` answered."""
    now = utcnow()
    with unit_of_work(settings.database_url) as s:
        survey = open_round(
            s,
            actor=EVALUATOR,
            slug=SLUG,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=5),
        )
        csv_text = "nip,nama,unit\n" + "".join(
            f"19870315201001{i:04d},ASN {i},{u}\n" for i, u in enumerate(UNITS)
        )
        issued = import_population_csv(
            s, actor=EVALUATOR, round_id=survey.id, csv_text=csv_text, secret=ensure_secret_key(settings)
        ).issued  # type: ignore[arg-type]
        questions = survey.questions
    for person, unit in list(zip(issued, UNITS, strict=True))[:answered]:
        sheet: dict[str, object] = {"unit": unit, "golongan": "III", "years_of_service": 8}
        for q in questions:
            if q["type"] == "scale":
                sheet[q["code"]] = 4 if unit == "Dinas Kesehatan" else 2
            elif q["type"] == "single" and q["group"] != "profile":
                sheet[q["code"]] = q["options"][0]
        with unit_of_work(settings.database_url) as s:
            responses.submit_response(s, token=person.token, answers=sheet)
    return survey.id  # type: ignore[return-value]


def _closed(settings: Settings, round_id: int) -> bool:
    with unit_of_work(settings.database_url) as s:
        return s.get(SurveyRound, round_id).closed_at is not None  # type: ignore[union-attr]


@pytest.mark.usefixtures("eva")
def test_the_rounds_page_shows_the_shortfall_and_closing_warns_then_offers_downloads_and_publishing(
    web: TestClient, settings: Settings
) -> None:
    rid = _round(settings, answered=9)
    page = web.get(ROUNDS)
    assert '<dd id="count-target">10</dd>' in page.text and '<dd id="count-shortfall">1</dd>' in page.text
    assert '<dd id="margin-of-error">± 10,89 poin persen</dd>' in page.text
    assert "di bawah sampel minimum (kurang 1 jawaban); putaran tetap dapat ditutup" in page.text
    asked = send(web, f"{ROUNDS}/close", {"round_id": str(rid)})
    assert asked.status_code == 200 and not _closed(settings, rid)
    assert (
        "Di bawah sampel minimum: masih kurang 1 jawaban untuk mencapai sampel minimum Krejcie–Morgan 10"
        in (asked.text)
    )
    done = send(web, f"{ROUNDS}/close", {"round_id": str(rid), "confirm": "1"}, follow_redirects=False)
    assert done.status_code == 303 and _closed(settings, rid)
    page = web.get(ROUNDS)
    assert f'href="/api/v1/rounds/{rid}/report.docx?lang=id" download>Word (.docx)</a>' in page.text
    assert f'href="/api/v1/rounds/{rid}/report.xlsx?lang=id" download>' in page.text
    assert "Publikasikan hasil" in page.text
    report = web.get(f"/evaluation/rounds/{rid}/report")
    assert report.status_code == 200 and f"/api/v1/rounds/{rid}/report.docx" in report.text
    assert (
        "B. Rencana tindak lanjut" in report.text
        and "C. Perbandingan dengan survei sebelumnya" in report.text
    )
    # The report's own heading titles the plans: no second "Rencana tindak lanjut" under it.
    assert re.findall(r"<h\d[^>]*>[^<]*Rencana tindak lanjut</h\d>", report.text) == [
        '<h3 id="tindak-lanjut">B. Rencana tindak lanjut</h3>'
    ]


@pytest.mark.usefixtures("eva")
def test_the_kinds_refuse_rule_shows_the_refusal_on_the_rounds_page(
    web: TestClient, settings: Settings, db: str
) -> None:
    with unit_of_work(db) as s:
        kind = get_kind(s, kind_id=get_policy(s, slug=SLUG).kind_id)
        kind.rules = {**kind.rules, "evaluation_refuse_below_sample": True}
        s.add(kind)
    rid = _round(settings, answered=9)
    assert (
        "tidak mengizinkan penutupan di bawah sampel minimum: masih kurang 1 jawaban" in web.get(ROUNDS).text
    )
    refused = send(web, f"{ROUNDS}/close", {"round_id": str(rid)})
    assert refused.status_code == 409 and 'id="problem"' in refused.text
    assert "kurang 1 jawaban" in refused.text and "menolak penutupan" in refused.text
    assert not _closed(settings, rid)


@pytest.mark.usefixtures("eva")
def test_the_publication_page_is_public_once_an_evaluator_publishes_and_hides_small_groups(
    web: TestClient, settings: Settings, db: str
) -> None:
    rid = _round(settings, answered=10)
    send(web, f"{ROUNDS}/close", {"round_id": str(rid), "confirm": "1"})
    public = f"/publikasi/skm/{rid}"
    anonymous = TestClient(web.app, base_url=str(web.base_url))
    assert anonymous.get(public, headers={"Accept": "text/html"}).status_code == 404
    # A drafter of the unit reads the round but does not publish it.
    drafter = TestClient(web.app, base_url=str(web.base_url))
    sign_in(drafter, make_token(db, email="rina@siklus.test", name="Rina", role=Role.DRAFTER, unit=UNIT))
    assert "Publikasikan hasil" not in drafter.get(ROUNDS).text
    assert send(drafter, f"{ROUNDS}/publish", {"round_id": str(rid)}).status_code == 403
    published = send(web, f"{ROUNDS}/publish", {"round_id": str(rid)}, follow_redirects=False)
    assert published.status_code == 303
    assert f'<a href="/publikasi/skm/{rid}">halaman hasil untuk umum</a>' in web.get(ROUNDS).text
    # A visitor finds it from the policy's own page, next to the round's report.
    assert (
        f'· <a href="/publikasi/skm/{rid}">halaman hasil untuk umum</a></li>'
        in anonymous.get(f"/policies/{SLUG}").text
    )
    page = anonymous.get(public)
    assert page.status_code == 200
    text = page.text
    # Kesehatan 5 of 4s and the others 2s: 5 x 100 + 5 x 50 over 10 -> IKM 75,00, C.
    assert "<strong>IKM 75,00</strong> — mutu pelayanan C (Kurang Baik)" in text
    assert (
        '<tr><td>Persyaratan</td><td class="num">3,00</td><td class="num">75,00</td><td>C</td></tr>' in text
    )
    assert '<dd id="public-responses">10</dd>' in text and '<dd id="public-margin">± 0,00 %</dd>' in text
    assert (
        '<tr><td>Dinas Kesehatan</td><td class="num">5</td><td class="num">100,00</td><td>A</td></tr>' in text
    )
    assert '<tr><td>Dinas Pendidikan</td><td class="num">&lt; 5 (disembunyikan)</td>' in text
    assert re.findall(r"<h\d[^>]*>[^<]*Rencana tindak lanjut</h\d>", text) == [
        '<h2 id="followup-heading">Rencana tindak lanjut</h2>'
    ]
    assert '<th scope="col">IKM (putaran terakhir tahun itu)</th>' in text
    assert f'href="/api/v1/rounds/{rid}/report.docx?lang=id"' in text
