"""Receipts and suppression over HTTP: each answer gets a receipt its holder can confirm, and a group of
4 is hidden while 5 is shown in the results, the breakdown CSV and the raw-response CSV."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from policies.accounts.models import IdempotencyRecord, Role
from policies.core.db import unit_of_work
from policies.evaluation.models import SurveyReceipt
from policies.evaluation.receipts import receipt_hash
from policies.tables import metadata
from tests.service.conftest import SLUG, UNIT, auth, make_token, problem_of
from tests.service.test_evaluation_api import in_evaluation, mailed_tokens, sheet  # noqa: F401

# Ten ASN: Kesehatan 5 (shown), Pendidikan 4 (hidden), Sosial 1 (hidden; with Pendidikan, "Lainnya" 5).
UNITS = ["Dinas Kesehatan"] * 5 + ["Dinas Pendidikan"] * 4 + ["Dinas Sosial"]
POPULATION = "nip,nama,unit,email\n" + "".join(
    f"19850101201001{i:04d},ASN {i},{unit},asn{i}@tangsel.go.id\n" for i, unit in enumerate(UNITS)
)


@pytest.fixture
def evaluator_token(db: str) -> str:
    return make_token(db, email="eva@siklus.test", name="Eva Evaluator", role=Role.EVALUATOR, unit=UNIT)


def _answered_round(client: TestClient, token: str) -> tuple[int, list[str]]:
    """Open a round of ten, let each answer from their own unit; return the round and the receipts."""
    rid = client.post(f"/api/v1/policies/{SLUG}/rounds", headers=auth(token), json={}).json()["id"]
    up = client.post(
        f"/api/v1/rounds/{rid}/population",
        headers=auth(token),
        files={"file": ("asn.csv", POPULATION.encode(), "text/csv")},
    )
    assert up.status_code == 201, up.text
    tokens = mailed_tokens(client)
    receipts = []
    for unit, survey_token in zip(UNITS, tokens, strict=True):
        questions = client.get("/api/v1/survey", headers={"X-Survey-Token": survey_token}).json()["questions"]
        answers = sheet(questions, 4 if unit == "Dinas Kesehatan" else 2) | {"unit": unit}
        sent = client.post(
            "/api/v1/survey/responses",
            # A client's retry key must not leave a stored, timed copy of the answer behind.
            headers={"X-Survey-Token": survey_token, "Idempotency-Key": f"k-{survey_token[:6]}"},
            json={"answers": answers},
        )
        assert sent.status_code == 201, sent.text
        assert set(sent.json()) == {"round_id", "receipt"}
        receipts.append(sent.json()["receipt"])
    return rid, receipts


@pytest.mark.usefixtures("in_evaluation")
def test_a_receipt_confirms_an_answer_was_counted_and_nothing_more(
    client: TestClient, evaluator_token: str
) -> None:
    rid, receipts = _answered_round(client, evaluator_token)
    assert len(set(receipts)) == 10
    mine = receipts[3]
    for typed in (mine, mine.replace("-", "").lower(), f"  {mine.replace('-', ' ')} "):
        got = client.post("/api/v1/survey/receipts/check", json={"receipt": typed})
        assert got.status_code == 200, got.text
        assert got.json() == {
            "counted": True,
            "round_id": rid,
            "round_number": 1,
            "policy_slug": SLUG,
            "policy_title": got.json()["policy_title"],
            "round_closed": False,
        }
    missing = problem_of(
        client.post("/api/v1/survey/receipts/check", json={"receipt": "AAAA-BBBB-CCCC-DDDD"}),
        404,
        "not-found",
    )
    assert "Tidak ada jawaban tercatat" in missing["detail"]
    settings = client.app.state.settings  # type: ignore[attr-defined]
    with unit_of_work(settings.database_url) as s:
        # Only hashes are kept, and no idempotency record holds an answer or a receipt.
        assert s.exec(select(func.count()).select_from(SurveyReceipt)).one() == 10
        assert s.exec(select(SurveyReceipt).where(SurveyReceipt.receipt_hash == receipt_hash(mine))).one()
        assert s.exec(select(func.count()).select_from(IdempotencyRecord)).one() == 0
        for table in metadata.tables.values():
            for row in s.connection().execute(select(table)).mappings():
                assert not any(mine in str(v) or mine.replace("-", "") in str(v) for v in row.values())
    closed = client.post(f"/api/v1/rounds/{rid}/close", headers=auth(evaluator_token))
    assert closed.status_code == 200
    # Closing stores the rows again in random order: the receipt still checks.
    again = client.post("/api/v1/survey/receipts/check", json={"receipt": mine})
    assert again.status_code == 200 and again.json()["round_closed"] is True


@pytest.mark.usefixtures("in_evaluation")
def test_four_hidden_five_shown_through_the_api_and_its_exports(
    client: TestClient, evaluator_token: str, stakeholder_token: str
) -> None:
    rid, _ = _answered_round(client, evaluator_token)
    problem_of(client.get(f"/api/v1/rounds/{rid}/breakdowns.csv"), 409, "conflict")
    problem_of(
        client.get(f"/api/v1/rounds/{rid}/responses.csv", headers=auth(evaluator_token)), 409, "conflict"
    )
    assert client.post(f"/api/v1/rounds/{rid}/close", headers=auth(evaluator_token)).status_code == 200

    results = client.get(f"/api/v1/rounds/{rid}/results").json()
    assert list(results["by_unit"]) == ["Dinas Kesehatan"]
    assert results["by_unit"]["Dinas Kesehatan"]["respondents"] == 5
    [units] = [b for b in results["breakdowns"] if b["dimension"] == "unit"]
    assert {g["label"]: (g["respondents"], g["ikm"], g["status"]) for g in units["groups"]} == {
        "Dinas Kesehatan": (5, "100.00", "shown"),
        "Dinas Pendidikan": (None, None, "suppressed"),
        "Dinas Sosial": (None, None, "suppressed"),
        "Lainnya": (5, "50.00", "other"),
    }

    table = client.get(f"/api/v1/rounds/{rid}/breakdowns.csv")
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    rows = [r for r in csv.DictReader(io.StringIO(table.text)) if r["dimension"] == "unit"]
    assert [(r["group"], r["respondents"], r["ikm"]) for r in rows] == [
        ("Dinas Kesehatan", "5", "100.00"),
        ("Dinas Pendidikan", "< 5", ""),
        ("Dinas Sosial", "< 5", ""),
        ("Lainnya", "5", "50.00"),
    ]

    problem_of(client.get(f"/api/v1/rounds/{rid}/responses.csv"), 401, "unauthenticated")
    problem_of(
        client.get(f"/api/v1/rounds/{rid}/responses.csv", headers=auth(stakeholder_token)), 403, "forbidden"
    )
    raw = client.get(f"/api/v1/rounds/{rid}/responses.csv", headers=auth(evaluator_token))
    assert raw.status_code == 200
    sheets = list(csv.DictReader(io.StringIO(raw.text)))
    assert sorted(r["unit"] for r in sheets) == ["Dinas Kesehatan"] * 5 + ["Lainnya"] * 5
    assert "Dinas Pendidikan" not in raw.text and "Dinas Sosial" not in raw.text
