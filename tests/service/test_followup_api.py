"""The follow-up and trends API: plans on a weak unsur of a closed round, role-checked, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import unit_of_work, utcnow
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from tests.policies.evaluation.conftest import SLUG
from tests.policies.evaluation.followup_setup import BETTER_U8, WEAK_U8, closed_round, sheets
from tests.service.conftest import UNIT, auth, problem_of

EVALUATOR = Actor(id=None, name="Eva Evaluator", role=Role.EVALUATOR, unit=UNIT)


@pytest.fixture
def weak_round(db: str, client: TestClient) -> int:
    """A closed round of the evaluated policy in which u8 scored 2,00 (mutu D), closed before today."""
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        policy.stage = Stage.EVALUATION
        s.add(policy)
    start = utcnow() - timedelta(days=40)
    return closed_round(db, EVALUATOR, opens_at=start, sheets=sheets(WEAK_U8, units={"Dinas Kesehatan": 6}))


def _plan(**extra: object) -> dict[str, object]:
    due = (utcnow() + timedelta(days=30)).date().isoformat()
    return {
        "subject": "unsur",
        "code": "u8",
        "action": "Buka kanal pengaduan.",
        "owner_unit": "BKPSDM",
        "due_on": due,
    } | extra


def test_the_drafter_records_and_completes_a_plan_and_anyone_reads_it(
    client: TestClient, weak_round: int, drafter_token: str
) -> None:
    made = client.post(f"/api/v1/rounds/{weak_round}/followup", headers=auth(drafter_token), json=_plan())
    assert made.status_code == 201, made.text
    item = made.json()
    assert (item["status"], item["baseline"], item["category"], item["code"]) == (
        "planned",
        "2.00",
        "D",
        "u8",
    )
    moved = client.patch(
        f"/api/v1/followup/{item['id']}", headers=auth(drafter_token), json={"status": "in_progress"}
    )
    assert moved.status_code == 200 and moved.json()["status"] == "in_progress"
    bare = client.patch(
        f"/api/v1/followup/{item['id']}", headers=auth(drafter_token), json={"status": "done"}
    )
    assert "apa yang telah dilakukan" in problem_of(bare, 422, "invalid-input")["detail"]
    done = client.patch(
        f"/api/v1/followup/{item['id']}",
        headers=auth(drafter_token),
        json={"status": "done", "done_note": "Kanal dibuka; 9 pengaduan dijawab."},
    )
    assert done.status_code == 200 and done.json()["done_note"] == "Kanal dibuka; 9 pengaduan dijawab."
    again = client.patch(
        f"/api/v1/followup/{item['id']}", headers=auth(drafter_token), json={"action": "Lain."}
    )
    problem_of(again, 409, "conflict")
    # Published with the round's report: no account needed to read it.
    section = client.get(f"/api/v1/rounds/{weak_round}/followup").json()
    [u8] = [w for w in section["weak"] if w["code"] == "u8"]
    assert [i["status"] for i in u8["items"]] == ["done"] and section["outcomes"] == []


def test_refusals_name_the_rule_in_both_languages(
    client: TestClient,
    weak_round: int,
    drafter_token: str,
    other_drafter_token: str,
    stakeholder_token: str,
) -> None:
    url = f"/api/v1/rounds/{weak_round}/followup"
    strong = problem_of(
        client.post(url, headers=auth(drafter_token), json=_plan(code="u1")), 422, "invalid-input"
    )
    assert "bukan unsur bermutu C atau D" in strong["detail"]
    past = (utcnow() - timedelta(days=2)).date().isoformat()
    late = problem_of(
        client.post(url, headers=auth(drafter_token), json=_plan(due_on=past)), 422, "invalid-input"
    )
    assert "sudah lewat" in late["detail"]
    english = client.post(
        url, headers=auth(drafter_token) | {"Accept-Language": "en"}, json=_plan(due_on=past)
    )
    assert "has passed" in problem_of(english, 422, "invalid-input")["detail"]
    problem_of(client.post(url, headers=auth(other_drafter_token), json=_plan()), 403, "forbidden")
    problem_of(client.post(url, headers=auth(stakeholder_token), json=_plan()), 403, "forbidden")
    problem_of(client.post(url, json=_plan()), 401, "unauthenticated")
    problem_of(
        client.post("/api/v1/rounds/999999/followup", headers=auth(drafter_token), json=_plan()),
        404,
        "not-found",
    )
    problem_of(
        client.patch("/api/v1/followup/999999", headers=auth(drafter_token), json={}), 404, "not-found"
    )


def test_trends_list_each_round_and_unsur(client: TestClient, weak_round: int, db: str) -> None:
    closed_round(
        db,
        EVALUATOR,
        opens_at=utcnow() - timedelta(days=20),
        sheets=sheets(BETTER_U8, units={"Dinas Kesehatan": 6}),
    )
    body = client.get(f"/api/v1/policies/{SLUG}/trends").json()
    assert [(r["number"], r["ikm"]) for r in body["rounds"]] == [(1, "94.44"), (2, "97.22")]
    assert next(u for u in body["unsur"] if u["code"] == "u8")["nrr"] == ["2.00", "3.00"]
    assert body["units"] == [{"unit": "Dinas Kesehatan", "ikm": ["94.44", "97.22"], "categories": ["A", "A"]}]
    assert body["min_group_size"] == 5
    problem_of(client.get("/api/v1/policies/tidak-ada/trends"), 404, "not-found")
