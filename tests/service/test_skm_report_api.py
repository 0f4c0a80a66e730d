"""The SKM report cycle over HTTP: sample adequacy on the round (warn, or refuse by the kind's rule), the
report as .docx and .xlsx with a group of 4 hidden and 5 shown, and publishing for the public."""

from __future__ import annotations

from io import BytesIO

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from policies.accounts.models import Role
from policies.core.db import unit_of_work
from policies.lifecycle.queries import get_kind, get_policy
from tests.service.conftest import SLUG, UNIT, auth, make_token, problem_of
from tests.service.test_evaluation_api import in_evaluation, mailed_tokens, sheet  # noqa: F401
from tests.service.test_survey_receipt_api import POPULATION, UNITS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def evaluator(db: str) -> str:
    return make_token(db, email="eva@siklus.test", name="Eva Evaluator", role=Role.EVALUATOR, unit=UNIT)


def _round(client: TestClient, token: str, *, answered: int) -> tuple[int, list[str]]:
    """Open a round of ten (Kesehatan 5, Pendidikan 4, Sosial 1); the first `answered` answer."""
    rid = client.post(f"/api/v1/policies/{SLUG}/rounds", headers=auth(token), json={}).json()["id"]
    up = client.post(
        f"/api/v1/rounds/{rid}/population",
        headers=auth(token),
        files={"file": ("asn.csv", POPULATION.encode(), "text/csv")},
    )
    assert up.status_code == 201, up.text
    tokens = mailed_tokens(client)
    for unit, survey_token in list(zip(UNITS, tokens, strict=True))[:answered]:
        _answer(client, survey_token, unit)
    return rid, tokens


def _answer(client: TestClient, survey_token: str, unit: str) -> None:
    questions = client.get("/api/v1/survey", headers={"X-Survey-Token": survey_token}).json()["questions"]
    answers = sheet(questions, 4 if unit == "Dinas Kesehatan" else 2) | {"unit": unit}
    sent = client.post(
        "/api/v1/survey/responses", headers={"X-Survey-Token": survey_token}, json={"answers": answers}
    )
    assert sent.status_code == 201, sent.text


@pytest.mark.usefixtures("in_evaluation")
def test_a_round_below_its_minimum_warns_then_closes_and_its_report_downloads_hide_small_groups(
    client: TestClient, evaluator: str
) -> None:
    rid, _tokens = _round(client, evaluator, answered=10)
    # The downloads are nobody's while the round runs.
    problem_of(client.get(f"/api/v1/rounds/{rid}/report.docx"), 409, "conflict")
    problem_of(client.get(f"/api/v1/rounds/{rid}/report.xlsx"), 409, "conflict")
    shown = client.get(f"/api/v1/rounds/{rid}").json()
    # N = 10: Krejcie–Morgan 10; all ten answered: adequate, and the margin of error is 0.
    assert (shown["target_sample"], shown["shortfall"], shown["sample_adequate"]) == (10, 0, True)
    assert (shown["margin_of_error"], shown["sample_rule"], shown["sample_warning"]) == ("0.00", "warn", "")
    closed = client.post(f"/api/v1/rounds/{rid}/close", headers=auth(evaluator))
    assert closed.status_code == 200, closed.text

    docx = client.get(f"/api/v1/rounds/{rid}/report.docx")
    assert docx.status_code == 200 and docx.headers["content-type"] == DOCX
    assert docx.headers["content-disposition"] == f'attachment; filename="laporan-skm-putaran-{rid}.docx"'
    rows = [[c.text for c in r.cells] for t in Document(BytesIO(docx.content)).tables for r in t.rows]
    # Kesehatan 5 sheets of 4s: 100,00 A, shown; Pendidikan 4 hidden; with Sosial's 1, "Lainnya" 5 of 2s.
    assert ["Dinas Kesehatan", "5", "100,00", "A"] in rows
    assert ["Dinas Pendidikan", "< 5 (disembunyikan)", "—", ""] in rows
    assert ["Lainnya", "5", "50,00", "D"] in rows
    assert not any(r[0] == "Dinas Pendidikan" and "4" in r[1] for r in rows)

    xlsx = client.get(f"/api/v1/rounds/{rid}/report.xlsx?lang=en")
    assert xlsx.status_code == 200 and xlsx.headers["content-type"] == XLSX
    by_unit = load_workbook(BytesIO(xlsx.content))["By unit"]
    units = [list(r) for r in by_unit.iter_rows(values_only=True) if r[0] == "Work unit"]
    assert ["Work unit", "Dinas Kesehatan", 5, 100.0, "A", "shown"] in units
    assert [
        "Work unit",
        "Dinas Pendidikan",
        "< 5 (hidden)",
        None,
        None,
        "hidden (below the minimum)",
    ] in units
    assert ["Work unit", "Other", 5, 50.0, "D", "merged “Other”"] in units


@pytest.mark.usefixtures("in_evaluation")
def test_closing_below_the_minimum_warns_by_default_and_states_the_shortfall(
    client: TestClient, evaluator: str
) -> None:
    rid, _tokens = _round(client, evaluator, answered=9)
    shown = client.get(f"/api/v1/rounds/{rid}").json()
    # e = 1,96 x sqrt(0,25 / 9) x sqrt(1 / 9) = 1,96 x 0,16667 x 0,33333 = 0,10889 -> 10,89 points.
    assert (shown["shortfall"], shown["sample_adequate"], shown["margin_of_error"]) == (1, False, "10.89")
    assert "kurang 1 jawaban" in shown["sample_warning"] and "1 more needed" in shown["sample_warning_en"]
    closed = client.post(f"/api/v1/rounds/{rid}/close", headers=auth(evaluator))
    assert closed.status_code == 200, closed.text
    assert closed.json()["closed_at"] and closed.json()["shortfall"] == 1
    report = client.get(f"/api/v1/rounds/{rid}/report.html").text
    assert "± 10,89 %" in report and "kurang 1 jawaban" in report


@pytest.mark.usefixtures("in_evaluation")
def test_the_kinds_refuse_rule_refuses_a_close_by_hand_below_the_minimum_with_the_shortfall(
    client: TestClient, db: str, evaluator: str
) -> None:
    with unit_of_work(db) as s:
        kind = get_kind(s, kind_id=get_policy(s, slug=SLUG).kind_id)
        kind.rules = {**kind.rules, "evaluation_refuse_below_sample": True}
        s.add(kind)
    rid, tokens = _round(client, evaluator, answered=9)
    assert client.get(f"/api/v1/rounds/{rid}").json()["sample_rule"] == "refuse"
    body = problem_of(client.post(f"/api/v1/rounds/{rid}/close", headers=auth(evaluator)), 409, "conflict")
    assert (body["population"], body["responses"], body["minimum_sample"], body["shortfall"]) == (
        10,
        9,
        10,
        1,
    )
    assert "kurang 1 jawaban" in body["detail"] and "menolak penutupan" in body["detail"]
    assert client.get(f"/api/v1/rounds/{rid}").json()["closed_at"] is None
    english = client.post(f"/api/v1/rounds/{rid}/close", headers=auth(evaluator) | {"Accept-Language": "en"})
    assert "1 more needed" in problem_of(english, 409, "conflict")["detail"]
    _answer(client, tokens[-1], UNITS[-1])
    assert client.post(f"/api/v1/rounds/{rid}/close", headers=auth(evaluator)).status_code == 200


@pytest.mark.usefixtures("in_evaluation")
def test_only_an_evaluator_publishes_a_closed_round_once(client: TestClient, db: str, evaluator: str) -> None:
    drafter = make_token(db, email="rina@siklus.test", name="Rina Perancang", role=Role.DRAFTER, unit=UNIT)
    rid, _tokens = _round(client, evaluator, answered=10)
    running = problem_of(
        client.post(f"/api/v1/rounds/{rid}/publish", headers=auth(evaluator)), 409, "conflict"
    )
    assert "masih berjalan" in running["detail"]
    client.post(f"/api/v1/rounds/{rid}/close", headers=auth(evaluator))
    problem_of(client.post(f"/api/v1/rounds/{rid}/publish", headers=auth(drafter)), 403, "forbidden")
    problem_of(client.post(f"/api/v1/rounds/{rid}/publish"), 401, "unauthenticated")
    assert client.get(f"/api/v1/rounds/{rid}").json()["results_public_at"] is None
    first = client.post(f"/api/v1/rounds/{rid}/publish", headers=auth(evaluator))
    assert first.status_code == 200 and first.json()["results_public_at"]
    again = client.post(f"/api/v1/rounds/{rid}/publish", headers=auth(evaluator))
    assert again.json()["results_public_at"] == first.json()["results_public_at"]
