"""The receipt in the pages (shown once after answering, checked on a public page) and a report page
hiding a group of 4 while showing a group of 5."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
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
from tests.web.conftest import SLUG, post_form
from tests.web.test_survey import _token, open_link

RECEIPT = re.compile(r'<code id="receipt-code">([A-Z2-9]{4}(?:-[A-Z2-9]{4}){3})</code>')
ADMIN = Actor(id=None, name="Eva", role=Role.ADMIN)


def _answers(questions: list[dict]) -> dict[str, str]:
    out = {"golongan": "III", "years_of_service": "12"}
    for q in questions:
        if q["type"] == "scale":
            out[q["code"]] = "4"
        elif q["type"] == "single" and q["code"] != "golongan":
            out[q["code"]] = q["options"][0]
    return out


def test_the_receipt_is_shown_once_and_confirms_the_answer_was_counted(
    web: TestClient, settings: Settings
) -> None:
    token, questions = _token(settings)
    open_link(web, token)
    done = post_form(web, "/survei", _answers(questions), page="/survei", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/survei/terima-kasih"
    thanks = web.get("/survei/terima-kasih")
    [code] = RECEIPT.findall(thanks.text)
    assert "hanya ditampilkan sekali" in thanks.text and 'href="/survei/tanda-terima"' in thanks.text
    assert thanks.headers["referrer-policy"] == "no-referrer"
    # Shown once: the cookie that carried it is gone.
    assert RECEIPT.findall(web.get("/survei/terima-kasih").text) == []
    page = web.get("/survei/tanda-terima")
    assert page.status_code == 200 and page.template.name == "web/survey_receipt.html"  # type: ignore[attr-defined]
    checked = post_form(web, "/survei/tanda-terima", {"receipt": code.lower()}, page="/survei/tanda-terima")
    assert checked.status_code == 200 and "Terhitung" in checked.text and "putaran 1" in checked.text
    wrong = post_form(web, "/survei/tanda-terima", {"receipt": "AAAA-BBBB"}, page="/survei/tanda-terima")
    assert wrong.status_code == 404 and "Tidak ada jawaban tercatat" in wrong.text
    # The code is answered, never put in an address (which an access log would keep).
    assert code not in str(checked.url) and code not in str(checked.history)


def test_the_report_page_hides_a_group_of_four_and_shows_a_group_of_five(
    web: TestClient, settings: Settings
) -> None:
    secret = ensure_secret_key(settings)
    now = utcnow()
    units = ["Dinas Kesehatan"] * 5 + ["Dinas Pendidikan"] * 4 + ["Dinas Sosial"]
    with unit_of_work(settings.database_url) as s:
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        policy.stage = Stage.EVALUATION
        s.add(policy)
        s.flush()
        survey = open_round(
            s, actor=ADMIN, slug=SLUG, opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=5)
        )
        csv_text = "nip,nama,unit\n" + "".join(
            f"19870315201001{i:04d},ASN {i},{u}\n" for i, u in enumerate(units)
        )
        issued = import_population_csv(
            s, actor=ADMIN, round_id=survey.id, csv_text=csv_text, secret=secret
        ).issued  # type: ignore[arg-type]
        questions = survey.questions
    for person, unit in zip(issued, units, strict=True):
        sheet: dict[str, object] = {k: (int(v) if v.isdigit() else v) for k, v in _answers(questions).items()}
        with unit_of_work(settings.database_url) as s:
            responses.submit_response(s, token=person.token, answers=sheet | {"unit": unit})
    with unit_of_work(settings.database_url) as s:
        rounds.close_round(s, actor=ADMIN, round_id=survey.id)  # type: ignore[arg-type]
    page = web.get(f"/evaluation/rounds/{survey.id}/report")
    assert page.status_code == 200
    text = page.text
    assert '<td>Dinas Kesehatan</td><td class="num">5</td><td class="num">100,00</td>' in text
    assert '<td>Dinas Pendidikan</td><td class="num suppressed">&lt; 5 (disembunyikan)</td>' in text
    assert '<td>Dinas Sosial</td><td class="num suppressed">&lt; 5 (disembunyikan)</td>' in text
    assert "Kelompok dengan kurang dari 5 responden disembunyikan" in text
