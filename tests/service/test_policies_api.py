"""Policies over HTTP: filtered keyset list, create, advance with gates and locks, withdraw."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.service.conftest import SLUG, UNIT, auth, problem_of

NEW = {
    "slug": "perwal-mutasi-asn-2027",
    "title": "Rancangan Peraturan Wali Kota tentang Mutasi ASN",
    "kind": "pengelolaan-jabatan",
    "region": "Kota Tangerang Selatan",
    "unit": UNIT,
    "audience_size": 1200,
}


def _advance(client: TestClient, token: str, to: str, **kw: object) -> object:
    headers = {**auth(token), **kw.pop("headers", {})}  # type: ignore[dict-item]
    return client.post(f"/api/v1/policies/{SLUG}/advance", headers=headers, json={"to_stage": to, **kw})


def test_list_filters_and_pages_with_a_cursor(client: TestClient) -> None:
    everything = client.get("/api/v1/policies").json()
    slugs = [p["slug"] for p in everything["items"]]
    assert len(slugs) == 5 and slugs == sorted(slugs) and everything["next"] is None

    seen: list[str] = []
    url = "/api/v1/policies?limit=2"
    while True:
        page = client.get(url).json()
        assert len(page["items"]) <= 2
        seen += [p["slug"] for p in page["items"]]
        if page["next"] is None:
            break
        url = f"/api/v1/policies?limit=2&after={page['next']}"
    assert seen == slugs

    by_unit = client.get("/api/v1/policies", params={"unit": "BKPSDM Kabupaten Lampung Selatan"}).json()
    assert [p["slug"] for p in by_unit["items"]] == ["perbup-rencana-pengembangan-asn-kalianda-2026"]
    by_kind = client.get("/api/v1/policies", params={"kind": "kebijakan-kepegawaian"}).json()
    assert [p["slug"] for p in by_kind["items"]] == [SLUG]
    assert client.get("/api/v1/policies", params={"stage": "workshop"}).json()["items"] == []
    assert len(client.get("/api/v1/policies", params={"stage": "drafting"}).json()["items"]) == 5


def test_list_refuses_a_forged_cursor_and_bad_filters(client: TestClient) -> None:
    body = problem_of(client.get("/api/v1/policies?after=bukan-kursor"), 422, "invalid-input")
    assert body["errors"][0]["field"] == "after"
    body = problem_of(client.get("/api/v1/policies?stage=entah&limit=0"), 422, "validation-error")
    assert {e["field"] for e in body["errors"]} == {"stage", "limit"}


def test_read_gives_an_etag_of_the_version(client: TestClient) -> None:
    response = client.get(f"/api/v1/policies/{SLUG}")
    assert response.headers["etag"] == f'"{response.json()["version"]}"'


def test_drafter_creates_a_policy_of_a_kind(client: TestClient, drafter_token: str) -> None:
    response = client.post("/api/v1/policies", headers=auth(drafter_token), json=NEW)
    assert response.status_code == 201
    body = response.json()
    assert (body["slug"], body["kind"], body["stage"], body["cycle"]) == (
        NEW["slug"],
        NEW["kind"],
        "drafting",
        1,
    )
    assert [s["stage"] for s in body["next_stages"]] == ["workshop", "withdrawn"]
    again = client.post("/api/v1/policies", headers=auth(drafter_token), json=NEW)
    assert "sudah dipakai" in problem_of(again, 409, "conflict")["detail"]


def test_create_refusals(
    client: TestClient, stakeholder_token: str, other_drafter_token: str, drafter_token: str
) -> None:
    problem_of(client.post("/api/v1/policies", json=NEW), 401, "unauthenticated")
    problem_of(client.post("/api/v1/policies", headers=auth(stakeholder_token), json=NEW), 403, "forbidden")
    wrong_unit = problem_of(
        client.post("/api/v1/policies", headers=auth(other_drafter_token), json=NEW), 403, "forbidden"
    )
    assert "unitnya sendiri" in wrong_unit["detail"] and UNIT in wrong_unit["detail"]
    unknown = {**NEW, "kind": "tidak-ada"}
    problem_of(client.post("/api/v1/policies", headers=auth(drafter_token), json=unknown), 404, "not-found")
    bad = {**NEW, "slug": "Huruf Besar", "audience_size": -1}
    body = problem_of(
        client.post("/api/v1/policies", headers=auth(drafter_token), json=bad), 422, "validation-error"
    )
    assert {e["field"] for e in body["errors"]} == {"slug", "audience_size"}


def test_advance_returns_the_event_and_history_records_it(client: TestClient, drafter_token: str) -> None:
    response = _advance(client, drafter_token, "workshop", reason="Draf siap dibahas")
    assert response.status_code == 200  # type: ignore[attr-defined]
    event = response.json()  # type: ignore[attr-defined]
    assert (event["from_stage"], event["to_stage"], event["actor"]) == (
        "drafting",
        "workshop",
        "Rina Perancang",
    )
    history = client.get(f"/api/v1/policies/{SLUG}/history").json()
    assert [h["to_stage"] for h in history] == ["drafting", "workshop"]
    assert client.get(f"/api/v1/policies/{SLUG}").json()["version"] == 2


def test_refused_advance_lists_every_unmet_gate(client: TestClient, drafter_token: str) -> None:
    _advance(client, drafter_token, "workshop")
    body = problem_of(_advance(client, drafter_token, "consultation"), 409, "gates-not-met")  # type: ignore[arg-type]
    assert [g["gate"] for g in body["unmet_gates"]] == [
        "workshops_held",
        "version_published",
        "window_long_enough",
    ]
    assert all(g["reason"] for g in body["unmet_gates"])
    assert (body["from_stage"], body["to_stage"]) == ("workshop", "consultation")
    for gate in body["unmet_gates"]:
        assert gate["reason"] in body["detail"]


def test_advance_to_an_unreachable_stage_is_409(client: TestClient, drafter_token: str) -> None:
    body = problem_of(_advance(client, drafter_token, "evaluation"), 409, "transition-not-allowed")  # type: ignore[arg-type]
    assert body["allowed"] == ["workshop", "withdrawn"]


def test_concurrent_change_is_409_by_body_or_if_match(client: TestClient, drafter_token: str) -> None:
    seen = client.get(f"/api/v1/policies/{SLUG}").json()["version"]
    assert _advance(client, drafter_token, "workshop", expected_version=seen).status_code == 200  # type: ignore[attr-defined]
    stale = _advance(client, drafter_token, "withdrawn", reason="x", expected_version=seen)
    assert "diubah orang lain" in problem_of(stale, 409, "conflict")["detail"]  # type: ignore[arg-type]
    stale = _advance(client, drafter_token, "withdrawn", reason="x", headers={"If-Match": f'"{seen}"'})
    assert problem_of(stale, 409, "conflict")["current_version"] == seen + 1  # type: ignore[arg-type]
    fresh = _advance(
        client, drafter_token, "withdrawn", reason="Dibatalkan", headers={"If-Match": f'"{seen + 1}"'}
    )
    assert fresh.status_code == 200  # type: ignore[attr-defined]


def test_if_match_must_be_a_version_and_agree_with_the_body(client: TestClient, drafter_token: str) -> None:
    bad = _advance(client, drafter_token, "workshop", headers={"If-Match": "abc"})
    assert problem_of(bad, 422, "invalid-input")["errors"][0]["field"] == "If-Match"  # type: ignore[arg-type]
    clash = _advance(client, drafter_token, "workshop", expected_version=1, headers={"If-Match": "2"})
    assert problem_of(clash, 422, "invalid-input")["errors"][0]["field"] == "expected_version"  # type: ignore[arg-type]


def test_advance_refusals_by_role_unit_and_policy(
    client: TestClient,
    stakeholder_token: str,
    other_drafter_token: str,
    moderator_token: str,
    drafter_token: str,
) -> None:
    problem_of(
        client.post(f"/api/v1/policies/{SLUG}/advance", json={"to_stage": "workshop"}), 401, "unauthenticated"
    )
    problem_of(_advance(client, stakeholder_token, "workshop"), 403, "forbidden")  # type: ignore[arg-type]
    problem_of(_advance(client, moderator_token, "workshop"), 403, "forbidden")  # type: ignore[arg-type]
    other = problem_of(_advance(client, other_drafter_token, "workshop"), 403, "forbidden")  # type: ignore[arg-type]
    assert UNIT in other["detail"]
    missing = client.post(
        "/api/v1/policies/tidak-ada/advance", headers=auth(drafter_token), json={"to_stage": "workshop"}
    )
    problem_of(missing, 404, "not-found")
    body = problem_of(_advance(client, drafter_token, "ke-mana"), 422, "validation-error")  # type: ignore[arg-type]
    assert body["errors"][0]["field"] == "to_stage"


def test_withdraw_needs_a_reason(client: TestClient, drafter_token: str, admin_token: str) -> None:
    url = f"/api/v1/policies/{SLUG}/withdraw"
    body = problem_of(
        client.post(url, headers=auth(drafter_token), json={"reason": ""}), 422, "validation-error"
    )
    assert body["errors"][0]["field"] == "reason"
    problem_of(client.post(url, json={"reason": "Dibatalkan"}), 401, "unauthenticated")
    done = client.post(url, headers=auth(admin_token), json={"reason": "Digantikan peraturan baru."})
    assert done.status_code == 200 and done.json()["to_stage"] == "withdrawn"
    assert client.get(f"/api/v1/policies/{SLUG}").json()["next_stages"] == []
    again = client.post(url, headers=auth(admin_token), json={"reason": "Lagi"})
    problem_of(again, 409, "transition-not-allowed")
