"""The diff API goes down to ayat and huruf with a word redline; a broken structure is refused by line."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.service.conftest import SLUG, auth, problem_of

URL = f"/api/v1/policies/{SLUG}/versions"
OLD_AYAT = "(2) Sosialisasi sebagaimana dimaksud pada ayat (1) menjelaskan manfaat Kebijakan Kepegawaian"
NEW_AYAT = (
    "(2) Sosialisasi sebagaimana dimaksud pada ayat (1) menjelaskan tujuan dan manfaat Kebijakan Kepegawaian"
)


def test_the_diff_lists_element_changes_with_their_word_redline(
    client: TestClient, drafter_token: str
) -> None:
    owner = auth(drafter_token)
    body = client.get(f"{URL}/1", headers=owner).json()["body"]
    assert OLD_AYAT in body
    assert client.post(f"{URL}/1/publish", headers=owner).is_success
    changed = body.replace(OLD_AYAT, NEW_AYAT).replace("e. pendanaan.", "e. pendanaan; dan\nf. pelaporan.")
    changed = changed.replace("d. evaluasi dan penyesuaian; dan", "d. evaluasi dan penyesuaian;")
    assert client.post(URL, headers=owner, json={"body": changed}).status_code == 201
    diff = client.get(f"/api/v1/policies/{SLUG}/diff", headers=owner, params={"from": 1, "to": 2}).json()
    by_label = {(e["new_label"] or e["old_label"]): e for e in diff["elements"]}
    ayat = by_label["Pasal 6 ayat (2)"]
    assert ayat["kind"] == "changed" and ayat["new_eid"] == "bab_3__pasal_6__ayat_2"
    assert ayat["old_key"] == ayat["new_key"] and ayat["clause_key"]
    assert {"op": "insert", "text": "tujuan dan"} in ayat["words"]
    assert by_label["Pasal 3 ayat (1) huruf f"]["kind"] == "added"
    assert by_label["Pasal 3 ayat (1) huruf f"]["words"] == [{"op": "insert", "text": "pelaporan."}]
    assert by_label["Pasal 3 ayat (1) huruf d"]["kind"] == "changed"
    assert by_label["Pasal 7 ayat (1)"]["kind"] == "unchanged"
    # The clause-level diff is still there for clients that read it.
    assert {c["change"] for c in diff["clauses"]} == {"changed", "unchanged"}


def test_a_draft_that_breaks_the_structure_is_refused_naming_the_line(
    client: TestClient, drafter_token: str
) -> None:
    owner = {**auth(drafter_token), "Accept-Language": "en"}
    body = client.get(f"{URL}/1", headers=owner).json()["body"]
    broken = body.replace("(3) Sosialisasi dilaksanakan", "(4) Sosialisasi dilaksanakan", 1)
    line = (
        broken.split("\n").index(next(x for x in broken.split("\n") if x.startswith("(4) Sosialisasi"))) + 1
    )
    problem = problem_of(client.put(f"{URL}/1", headers=owner, json={"body": broken}), 422, "invalid-input")
    assert problem["detail"] == (
        f"Line {line}: Pasal 6 ayat (4) follows Pasal 6 ayat (2): numbering may not skip (expected: 3)."
    )
    assert problem["line"] == line and problem["errors"][0]["field"] == "body"
    indonesian = problem_of(
        client.put(f"{URL}/1", headers=auth(drafter_token), json={"body": broken}), 422, "invalid-input"
    )
    assert str(indonesian["detail"]).startswith(f"Baris {line}: Pasal 6 ayat (4) menyusul Pasal 6 ayat (2)")
