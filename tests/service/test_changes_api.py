"""From comment to change over HTTP: link, unlink, the reason a text stayed, a comment's trace, the
matriks perubahan, the gate's refusal of the advance; every refusal a problem+json a person can act on."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.policies.trace_setup import SLUG, Traced, consult_and_revise
from tests.service.conftest import auth, problem_of

COMMENTS = f"/api/v1/policies/{SLUG}/comments"


@pytest.fixture
def traced(client: TestClient, db: str) -> Traced:
    return consult_and_revise(db)


def _link(
    client: TestClient, token: str, comment_id: int, key: str, number: int = 2, *, unlink: bool = False
):  # type: ignore[no-untyped-def]
    path = f"{COMMENTS}/{comment_id}/changes" + ("/unlink" if unlink else "")
    return client.post(path, headers=auth(token), json={"version_number": number, "element_key": key})


def test_link_read_and_unlink_a_change(client: TestClient, drafter_token: str, traced: Traced) -> None:
    made = _link(client, drafter_token, traced.accepted, traced.huruf_b)
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["comment_id"], body["outcome"], body["clause_label"]) == (
        traced.accepted,
        "accepted",
        "Pasal 2",
    )
    [change] = body["changes"]
    assert change["version_number"] == 2 and change["key"] == traced.huruf_b and "huruf_b" in change["eid"]
    assert "meningkatkan kesejahteraan" in change["text"] and "menjaga kesejahteraan" in change["old_text"]
    # Anyone may read the trace of an answered comment.
    assert client.get(f"{COMMENTS}/{traced.accepted}/changes").json() == body
    gone = _link(client, drafter_token, traced.accepted, traced.huruf_b, unlink=True)
    assert gone.status_code == 200 and gone.json()["changes"] == []


def test_the_reason_a_text_stayed_and_the_matrix(
    client: TestClient, drafter_token: str, traced: Traced
) -> None:
    said = client.put(
        f"{COMMENTS}/{traced.partly}/unchanged-reason",
        headers=auth(drafter_token),
        json={"reason": "Rincian tunjangan diatur Perwal lain."},
    )
    assert (
        said.status_code == 200 and said.json()["unchanged_reason"] == "Rincian tunjangan diatur Perwal lain."
    )
    _link(client, drafter_token, traced.accepted, traced.huruf_b)
    rows = client.get(f"/api/v1/policies/{SLUG}/changes").json()
    assert [(r["comment_ids"], r["version_number"], r["unchanged"]) for r in rows] == [
        ([traced.accepted], 2, False),
        ([traced.partly], None, True),
    ]
    assert "tunjangan kinerja" in rows[0]["new_text"] and rows[1]["reasons"] == [
        "Rincian tunjangan diatur Perwal lain."
    ]
    assert client.get(f"/api/v1/policies/{SLUG}/changes?cycle=1").json() == rows


@pytest.mark.parametrize(
    ("which", "number", "key", "status", "code", "phrase"),
    [
        ("refused", 2, "huruf_b", 409, "conflict", "tidak diterima"),
        ("accepted", 1, "huruf_b", 422, "invalid-input", "bukan versi sesudah versi 1"),
        ("accepted", 2, "e-00000000", 422, "invalid-input", "tidak ada pada versi 2"),
        ("accepted", 7, "huruf_b", 404, "not-found", "Versi 7 tidak ditemukan"),
    ],
)
def test_a_refused_link_is_a_problem_naming_what_to_fix(
    client: TestClient,
    drafter_token: str,
    traced: Traced,
    which: str,
    number: int,
    key: str,
    status: int,
    code: str,
    phrase: str,
) -> None:
    sent = _link(
        client, drafter_token, getattr(traced, which), traced.huruf_b if key == "huruf_b" else key, number
    )
    assert phrase in problem_of(sent, status, code)["detail"]


def test_only_the_owning_unit_links(
    client: TestClient, stakeholder_token: str, other_drafter_token: str, traced: Traced
) -> None:
    for token in (stakeholder_token, other_drafter_token):
        problem_of(_link(client, token, traced.accepted, traced.huruf_b), 403, "forbidden")
        problem_of(
            client.put(
                f"{COMMENTS}/{traced.partly}/unchanged-reason", headers=auth(token), json={"reason": "x"}
            ),
            403,
            "forbidden",
        )
    problem_of(
        client.post(f"{COMMENTS}/{traced.accepted}/changes", json={"version_number": 2, "element_key": "x"}),
        401,
        "unauthenticated",
    )


def test_the_advance_is_refused_until_every_accepted_comment_is_traced(
    client: TestClient, drafter_token: str, traced: Traced
) -> None:
    advance = {"to_stage": "socialization", "reason": "Ditetapkan."}
    refused = problem_of(
        client.post(f"/api/v1/policies/{SLUG}/advance", headers=auth(drafter_token), json=advance),
        409,
        "gates-not-met",
    )
    gate = next(g for g in refused["unmet_gates"] if g["gate"] == "every_acceptance_traced")
    assert f"masukan #{traced.accepted} (Pasal 2), masukan #{traced.partly} (Pasal 2)" in gate["reason"]
    _link(client, drafter_token, traced.accepted, traced.huruf_b)
    _link(client, drafter_token, traced.partly, traced.huruf_b)
    moves = {m["stage"]: m for m in client.get(f"/api/v1/policies/{SLUG}").json()["next_stages"]}
    traced_gate = next(g for g in moves["socialization"]["gates"] if g["gate"] == "every_acceptance_traced")
    assert traced_gate["passed"] is True
