"""The evaluation API: rounds, populations, tokens, responses, results, indicators, the report."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from policies.accounts.models import Role
from policies.core.db import unit_of_work
from policies.core.secret_key import ensure_secret_key
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from policies.outbox.message_text import render_email
from policies.outbox.models import Channel, Reminder
from tests.service.conftest import SLUG, UNIT, auth, make_token, problem_of

LINK = re.compile(r"https?://\S+/survei\?token=\S+")
POPULATION = "nip,nama,unit,email\n" + "".join(
    f"19850101201001{i:04d},ASN {i},Dinas {'Kesehatan' if i % 2 else 'Pendidikan'},asn{i}@tangsel.go.id\n"
    for i in range(6)
)


@pytest.fixture
def evaluator_token(db: str) -> str:
    return make_token(db, email="eva@siklus.test", name="Eva Evaluator", role=Role.EVALUATOR, unit=UNIT)


@pytest.fixture
def in_evaluation(db: str, client: TestClient) -> str:
    # The walk into evaluation is tested by the lifecycle and end-to-end tests; here it is set up.
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        policy.stage = Stage.EVALUATION
        s.add(policy)
    return SLUG


def sheet(questions: list[dict[str, Any]], score: int) -> dict[str, Any]:
    """Answer every question validly: scales with `score`, choices with their first option."""
    out: dict[str, Any] = {}
    for q in questions:
        if q["type"] == "scale":
            out[q["code"]] = score
        elif q["type"] == "single":
            out[q["code"]] = q["options"][0]
        elif q["type"] == "multi":
            out[q["code"]] = q["options"][:1]
        elif q["type"] == "number":
            out[q["code"]] = 10
        else:
            out[q["code"]] = "Dinas Kesehatan" if q["code"] == "unit" else "Perbanyak pelatihan daring <b>"
    return out


def mailed_tokens(client: TestClient, template: str = "survey_invitation") -> list[str]:
    """Return the survey tokens of the links the outbox emails to respondents (in the order queued)."""
    settings = client.app.state.settings  # type: ignore[attr-defined]
    with unit_of_work(settings.database_url) as s:
        mails = s.exec(
            select(Reminder)
            .where(Reminder.template == template, Reminder.channel == Channel.EMAIL)
            .order_by(col(Reminder.id))
        ).all()
        bodies = [
            render_email(m, base_url=settings.base_url, secret=ensure_secret_key(settings))[1] for m in mails
        ]
    return [parse_qs(urlparse(LINK.search(b).group(0)).query)["token"][0] for b in bodies]  # type: ignore[union-attr]


def open_with_population(client: TestClient, token: str) -> tuple[int, list[str]]:
    """Open a round and upload six ASN; return the round and the tokens their invitations carry."""
    made = client.post(f"/api/v1/policies/{SLUG}/rounds", headers=auth(token), json={})
    assert made.status_code == 201, made.text
    rid = made.json()["id"]
    up = client.post(
        f"/api/v1/rounds/{rid}/population",
        headers=auth(token),
        files={"file": ("asn.csv", POPULATION.encode(), "text/csv")},
    )
    assert up.status_code == 201, up.text
    body = up.json()
    assert (body["added"], body["population"], body["invited"], body["target_sample"]) == (6, 6, 6, 6)
    # The links go to the respondents only: the evaluator's answer holds no token, no link.
    assert "token" not in up.text and "survei?" not in up.text and body["unreachable"] == []
    return rid, mailed_tokens(client)


def test_template_is_public_and_has_the_nine_unsur(client: TestClient) -> None:
    got = client.get(f"/api/v1/policies/{SLUG}/survey-template")
    assert got.status_code == 200
    questions = got.json()
    assert [q["code"] for q in questions if q["group"] == "unsur"] == [f"u{i}" for i in range(1, 10)]
    assert {q["code"] for q in questions if q["group"] == "profile"} == {
        "unit",
        "golongan",
        "years_of_service",
    }


def test_round_roles_and_stage(
    client: TestClient,
    in_evaluation: str,
    evaluator_token: str,
    stakeholder_token: str,
    other_drafter_token: str,
    drafter_token: str,
) -> None:
    problem_of(client.post(f"/api/v1/policies/{SLUG}/rounds", json={}), 401, "unauthenticated")
    problem_of(
        client.post(f"/api/v1/policies/{SLUG}/rounds", headers=auth(stakeholder_token), json={}),
        403,
        "forbidden",
    )
    problem_of(
        client.post(f"/api/v1/policies/{SLUG}/rounds", headers=auth(other_drafter_token), json={}),
        403,
        "forbidden",
    )
    first = client.post(f"/api/v1/policies/{SLUG}/rounds", headers=auth(drafter_token), json={})
    again = client.post(f"/api/v1/policies/{SLUG}/rounds", headers=auth(evaluator_token), json={})
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    other = "perwal-peningkatan-kualitas-asn-2026"  # still drafting
    body = problem_of(
        client.post(f"/api/v1/policies/{other}/rounds", headers=auth(evaluator_token), json={}),
        409,
        "conflict",
    )
    assert "tahap evaluasi" in body["detail"]
    listed = client.get(f"/api/v1/policies/{SLUG}/rounds", params={"limit": 1})
    assert [r["number"] for r in listed.json()["items"]] == [1] and listed.json()["next"]
    assert client.get(f"/api/v1/policies/{SLUG}/rounds", params={"after": listed.json()["next"]}).json() == {
        "items": [],
        "next": None,
    }
    problem_of(client.get(f"/api/v1/policies/{SLUG}/rounds", params={"after": "rusak"}), 422, "invalid-input")


def test_token_survey_flow_results_and_report(
    client: TestClient, in_evaluation: str, evaluator_token: str, stakeholder_token: str
) -> None:
    rid, tokens = open_with_population(client, evaluator_token)
    problem_of(client.get("/api/v1/survey"), 401, "unauthenticated")
    problem_of(client.get("/api/v1/survey", headers={"X-Survey-Token": "salah"}), 401, "unauthenticated")
    form = client.get("/api/v1/survey", headers={"X-Survey-Token": tokens[0]}).json()
    assert form["answered"] is False and form["round_id"] == rid
    questions = form["questions"]

    bad = sheet(questions, 3) | {"u2": 7}
    del bad["u5"]
    body = problem_of(
        client.post("/api/v1/survey/responses", json={"token": tokens[0], "answers": bad}),
        422,
        "invalid-input",
    )
    assert body["questions"] == ["u2", "u5"] and body["errors"][0]["field"] == "u2"
    assert client.get(f"/api/v1/rounds/{rid}").json()["responses"] == 0  # nothing half-saved

    for i, token in enumerate(tokens[:4]):
        if i % 2:
            sent = client.post(
                "/api/v1/survey/responses", json={"token": token, "answers": sheet(questions, 4)}
            )
        else:
            sent = client.post(
                "/api/v1/survey/responses",
                headers={"X-Survey-Token": token},
                json={"answers": sheet(questions, 3)},
            )
        assert sent.status_code == 201, sent.text
    problem_of(
        client.post("/api/v1/survey/responses", json={"token": tokens[0], "answers": sheet(questions, 3)}),
        409,
        "conflict",
    )

    # While the round runs its results and report are nobody's, its own evaluator's included: counts only.
    for headers in ({}, auth(evaluator_token)):
        for path in ("results", "report.html", "report.md"):
            body = problem_of(client.get(f"/api/v1/rounds/{rid}/{path}", headers=headers), 409, "conflict")
            assert "6 diundang, 4 sudah menjawab" in body["detail"]
    counts = client.get(f"/api/v1/rounds/{rid}").json()
    assert (counts["population"], counts["invited"], counts["responses"]) == (6, 6, 4)

    people = client.get(f"/api/v1/rounds/{rid}/respondents", headers=auth(evaluator_token)).json()
    # Who answered (or how often they were reminded, which stops once they answer) is never shown.
    assert set(people["items"][0]) == {"id", "nip", "name", "unit", "email"}
    problem_of(
        client.get(f"/api/v1/rounds/{rid}/respondents", headers=auth(stakeholder_token)), 403, "forbidden"
    )
    lost = people["items"][5]["id"]
    problem_of(
        client.post(f"/api/v1/respondents/{lost}/token", headers=auth(evaluator_token), json={}),
        422,
        "validation-error",
    )
    new = client.post(
        f"/api/v1/respondents/{lost}/token", headers=auth(evaluator_token), json={"reason": "Email terhapus."}
    )
    assert new.status_code == 201 and "token" not in new.json() and tokens[5] not in new.text
    assert (new.json()["reason"], new.json()["issued_by_name"], new.json()["reissue"]) == (
        "Email terhapus.",
        "Eva Evaluator",
        True,
    )
    [reissued] = mailed_tokens(client, "survey_link_reissued")
    problem_of(client.get("/api/v1/survey", headers={"X-Survey-Token": tokens[5]}), 401, "unauthenticated")
    assert client.get("/api/v1/survey", headers={"X-Survey-Token": reissued}).is_success
    record = client.get(f"/api/v1/respondents/{lost}/link-issues", headers=auth(evaluator_token)).json()
    assert [(r["reissue"], r["reason"]) for r in record] == [
        (False, "Populasi diunggah (CSV) / population uploaded (CSV)"),
        (True, "Email terhapus."),
    ]

    closed = client.post(f"/api/v1/rounds/{rid}/close", headers=auth(evaluator_token))
    assert closed.status_code == 200 and closed.json()["report_published_at"]
    results = client.get(f"/api/v1/rounds/{rid}/results").json()  # public once published
    assert results["ikm"]["ikm"] == "87.50" and results["target_sample"] == 6
    html = client.get(f"/api/v1/rounds/{rid}/report.html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "IKM 87,50" in html.text and "<svg" in html.text and "&lt;b&gt;" in html.text
    md = client.get(f"/api/v1/rounds/{rid}/report.md", params={"lang": "en"})
    assert md.headers["content-type"].startswith("text/markdown") and "IKM 87.50" in md.text
    problem_of(
        client.post("/api/v1/survey/responses", json={"token": tokens[4], "answers": sheet(questions, 3)}),
        409,
        "conflict",
    )


def test_indicators_measurements_and_recommendations(
    client: TestClient, in_evaluation: str, evaluator_token: str, stakeholder_token: str
) -> None:
    rid, tokens = open_with_population(client, evaluator_token)
    inds = client.get(f"/api/v1/policies/{SLUG}/indicators").json()["items"]
    manual = next(i for i in inds if i["source"] == "manual")
    made = client.post(
        f"/api/v1/indicators/{manual['id']}/measurements",
        headers=auth(evaluator_token),
        json={
            "value": manual["target"] - 5 if manual["direction"] == "up" else manual["target"] + 5,
            "round_id": rid,
        },
    )
    assert made.status_code == 201, made.text
    problem_of(
        client.post(
            f"/api/v1/indicators/{manual['id']}/measurements",
            headers=auth(stakeholder_token),
            json={"value": 1},
        ),
        403,
        "forbidden",
    )
    imported = client.post(
        f"/api/v1/policies/{SLUG}/measurements/import",
        params={"round_id": rid},
        headers={**auth(evaluator_token), "Content-Type": "text/csv"},
        content=f"code,value\n{manual['code']},1\n".encode(),
    )
    assert imported.status_code == 201 and imported.json()[0]["value"] == 1
    body = problem_of(
        client.post(
            f"/api/v1/policies/{SLUG}/measurements/import",
            headers=auth(evaluator_token),
            content=b"code,value\nnope,1\n",
        ),
        422,
        "invalid-input",
    )
    assert "nope" in body["detail"]
    created = client.post(
        f"/api/v1/policies/{SLUG}/indicators",
        headers=auth(evaluator_token),
        json={"code": "jp_daring", "name": "JP daring", "unit": "JP", "target": 10},
    )
    assert created.status_code == 201
    patched = client.patch(
        f"/api/v1/indicators/{created.json()['id']}", headers=auth(evaluator_token), json={"target": 12}
    )
    assert patched.json()["target"] == 12
    assert (
        client.delete(f"/api/v1/indicators/{created.json()['id']}", headers=auth(evaluator_token)).status_code
        == 204
    )
    problem_of(
        client.post(
            f"/api/v1/policies/{SLUG}/indicators",
            headers=auth(evaluator_token),
            json={"code": "x", "name": "x", "unit": "x", "target": 1, "direction": "sideways"},
        ),
        422,
        "validation-error",
    )

    questions = client.get("/api/v1/survey", headers={"X-Survey-Token": tokens[0]}).json()["questions"]
    client.post("/api/v1/survey/responses", json={"token": tokens[0], "answers": sheet(questions, 2)})
    client.post(f"/api/v1/rounds/{rid}/close", headers=auth(evaluator_token))
    recs = client.get(f"/api/v1/policies/{SLUG}/recommendations").json()["items"]
    assert len(recs) == 1 and recs[0]["round_id"] == rid
    codes = {r["code"] for r in recs[0]["reasons"]}
    assert manual["code"] in codes and "u1" in codes  # 2 x 25 = 50,00: every unsur is D
    again = client.get(f"/api/v1/policies/{SLUG}/indicators").json()["items"]
    ikm = next(i for i in again if i["source"] == "ikm")
    assert ikm["latest"] == 50.0 and ikm["meets_target"] is False and len(ikm["trend"]) == 1


def test_awkward_input_is_a_problem_never_a_500(
    client: TestClient, in_evaluation: str, evaluator_token: str
) -> None:
    headers = auth(evaluator_token)
    problem_of(
        client.post(
            f"/api/v1/policies/{SLUG}/rounds", headers=headers, json={"closes_at": "2030-01-01T00:00:00"}
        ),
        422,
        "validation-error",
    )
    rid, tokens = open_with_population(client, evaluator_token)
    questions = client.get("/api/v1/survey", headers={"X-Survey-Token": tokens[0]}).json()["questions"]
    long_unit = sheet(questions, 3) | {"unit": "x" * 201, "golongan": {"not": "an option"}}
    body = problem_of(
        client.post("/api/v1/survey/responses", json={"token": tokens[0], "answers": long_unit}),
        422,
        "invalid-input",
    )
    # The population names its units, so the unit is a choice of them.
    assert body["questions"] == ["unit", "golongan"]
    assert "pilih salah satu dari Dinas Kesehatan, Dinas Pendidikan" in body["detail"]
    huge = "nip,nama\n198501012010010001," + "a" * 200_000 + "\n"
    problem_of(
        client.post(
            f"/api/v1/rounds/{rid}/population",
            headers={**headers, "Content-Type": "text/csv"},
            content=huge.encode(),
        ),
        422,
        "invalid-input",
    )
    problem_of(
        client.post(f"/api/v1/rounds/{rid}/population", headers=headers, content=b"\xff\xfe\x00"),
        422,
        "invalid-input",
    )
    ind = client.get(f"/api/v1/policies/{SLUG}/indicators").json()["items"][0]
    problem_of(
        client.patch(f"/api/v1/indicators/{ind['id']}", headers=headers, json={"target": None}),
        422,
        "invalid-input",
    )
    problem_of(client.get("/api/v1/rounds/999999"), 404, "not-found")
    problem_of(
        client.get(f"/api/v1/rounds/{rid}/report.html", params={"lang": "fr"}), 422, "validation-error"
    )


def test_round_reminders_are_configurable_within_bounds(
    client: TestClient, in_evaluation: str, evaluator_token: str
) -> None:
    headers = auth(evaluator_token)
    for wrong in (
        {"reminder_max": 11},
        {"reminder_max": -1},
        {"reminder_interval_days": 0},
        {"reminder_interval_days": 61},
    ):
        body = problem_of(
            client.post(f"/api/v1/policies/{SLUG}/rounds", headers=headers, json=wrong),
            422,
            "validation-error",
        )
        assert body["errors"][0]["field"] == next(iter(wrong))
    made = client.post(
        f"/api/v1/policies/{SLUG}/rounds",
        headers=headers,
        json={"reminder_max": 5, "reminder_interval_days": 3},
    )
    assert made.status_code == 201
    assert (made.json()["reminder_max"], made.json()["reminder_interval_days"]) == (5, 3)
    closed = client.post(f"/api/v1/rounds/{made.json()['id']}/close", headers=headers)
    assert closed.status_code == 200
    # Left out, they come from the kind's catalogue rules (3 reminders, 7 days apart for this kind).
    default = client.post(f"/api/v1/policies/{SLUG}/rounds", headers=headers, json={}).json()
    assert (default["number"], default["reminder_max"], default["reminder_interval_days"]) == (2, 3, 7)


def test_lists_are_keyset_pages_and_staff_details_stay_with_staff(
    client: TestClient, in_evaluation: str, evaluator_token: str, stakeholder_token: str
) -> None:
    rid, _ = open_with_population(client, evaluator_token)
    first = client.get(f"/api/v1/policies/{SLUG}/indicators", params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = client.get(f"/api/v1/policies/{SLUG}/indicators", params={"cursor": first["next_cursor"]}).json()
    codes = [i["code"] for i in first["items"] + rest["items"]]
    assert codes == sorted(codes) and rest["next_cursor"] is None
    manual = next(i for i in first["items"] + rest["items"] if i["source"] == "manual")
    for day, value in ((3, 11), (1, 12), (2, 13)):
        sent = client.post(
            f"/api/v1/indicators/{manual['id']}/measurements",
            headers=auth(evaluator_token),
            json={"value": value, "measured_on": f"2026-08-0{day}", "note": "SIASN"},
        )
        assert sent.status_code == 201 and sent.json()["entered_by_id"]
    client.post(
        f"/api/v1/indicators/{manual['id']}/measurements",
        headers=auth(evaluator_token),
        json={"value": 14, "round_id": rid, "note": "putaran berjalan"},
    )
    url = f"/api/v1/indicators/{manual['id']}/measurements"
    staff = client.get(url, headers=auth(evaluator_token)).json()
    assert [m["value"] for m in staff["items"]] == [12, 13, 11, 14] and staff["next_cursor"] is None
    assert {m["note"] for m in staff["items"]} == {"SIASN", "putaran berjalan"}
    # The public and a stakeholder: no author, no notes, nothing of the round still open.
    for headers in ({}, auth(stakeholder_token)):
        page = client.get(url, headers=headers, params={"limit": 2}).json()
        assert [m["value"] for m in page["items"]] == [12, 13] and page["next_cursor"]
        assert {(m["entered_by_id"], m["note"]) for m in page["items"]} == {(None, "")}
        more = client.get(url, headers=headers, params={"cursor": page["next_cursor"]}).json()
        assert [m["value"] for m in more["items"]] == [11] and more["next_cursor"] is None
    body = problem_of(client.get(url, params={"cursor": first["next_cursor"]}), 422, "invalid-input")
    assert "next_cursor" in body["detail"]
    recs = client.get(f"/api/v1/policies/{SLUG}/recommendations").json()
    assert recs == {"items": [], "next_cursor": None}


def test_revision_notes_are_a_public_read_with_sources_and_links(
    db: str, client: TestClient, in_evaluation: str, evaluator_token: str
) -> None:
    rid, tokens = open_with_population(client, evaluator_token)
    questions = client.get("/api/v1/survey", headers={"X-Survey-Token": tokens[0]}).json()["questions"]
    client.post("/api/v1/survey/responses", json={"token": tokens[0], "answers": sheet(questions, 2)})
    assert client.post(f"/api/v1/rounds/{rid}/close", headers=auth(evaluator_token)).status_code == 200
    recs = client.get(f"/api/v1/policies/{SLUG}/recommendations", params={"limit": 1}).json()
    [rec] = recs["items"]
    assert rec["summary_en"].startswith("Survey round 1 recommends revision")
    assert all(r["text_en"] for r in rec["reasons"])
    # The drafter advances to revision (its gates are tested elsewhere); the stage's entry work attaches.
    from policies.evaluation.recommend import attach_recommendations

    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        policy.stage, policy.cycle = Stage.REVISION, 2
        s.add(policy)
        s.flush()
        assert attach_recommendations(s, slug=SLUG) == len(rec["reasons"])
    notes = client.get(f"/api/v1/policies/{SLUG}/revision-notes", params={"cycle": 2}).json()
    assert notes["policy_slug"] == SLUG and notes["cycle"] == 2
    assert len(notes["items"]) == len(rec["reasons"])
    unsur = next(n for n in notes["items"] if n["link"].get("unsur_code") == "u1")
    assert unsur["source"] == "recommendation" and unsur["link"]["round_id"] == rid
    assert unsur["link"]["round_number"] == 1 and unsur["detail_en"].startswith("Survey round 1 (closed")
    assert client.get(f"/api/v1/policies/{SLUG}/revision-notes", params={"cycle": 1}).json()["items"] == []
    problem_of(client.get("/api/v1/policies/tidak-ada/revision-notes"), 404, "not-found")
    problem_of(
        client.get(f"/api/v1/policies/{SLUG}/revision-notes", params={"cycle": 0}), 422, "validation-error"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/rounds/{id}",
        "/api/v1/rounds/{id}/results",
        "/api/v1/rounds/{id}/report.html",
        "/api/v1/rounds/{id}/report.md",
        "/api/v1/indicators/{id}/measurements",
    ],
)
def test_ids_beyond_the_database_integer_are_a_problem_not_a_500(client: TestClient, path: str) -> None:
    problem_of(client.get(path.format(id=2**63)), 422, "validation-error")
    problem_of(client.get(path.format(id=2**31 - 1)), 404, "not-found")
    problem_of(client.get(path.format(id=0)), 422, "validation-error")


def test_a_multipart_upload_without_a_file_is_a_problem(
    client: TestClient, in_evaluation: str, evaluator_token: str
) -> None:
    rid, _ = open_with_population(client, evaluator_token)
    body = problem_of(
        client.post(
            f"/api/v1/rounds/{rid}/population",
            headers=auth(evaluator_token),
            files={"other": ("asn.csv", POPULATION.encode(), "text/csv")},
        ),
        422,
        "invalid-input",
    )
    assert "'file'" in body["detail"]
    english = client.post(
        f"/api/v1/policies/{SLUG}/measurements/import",
        headers={
            **auth(evaluator_token),
            "Accept-Language": "en",
            "Content-Type": "multipart/form-data; boundary=x",
        },
        content=b"--x\r\nbroken",
    )
    assert problem_of(english, 422, "invalid-input")["detail"] == "Send the CSV file in the field 'file'."
