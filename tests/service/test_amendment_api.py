"""The amending instrument and the consolidated text through the API: who reads what, and the refusals."""

from __future__ import annotations

import io

from docx import Document
from fastapi.testclient import TestClient
from lxml import etree

from tests.amended import SLUG, amended_policy
from tests.policies.drafting.test_amendment_exports import NS, _schema
from tests.service.conftest import auth, problem_of

URL = f"/api/v1/policies/{SLUG}"


def test_the_drafter_reads_and_downloads_the_instrument(
    client: TestClient, db: str, drafter_token: str, other_drafter_token: str
) -> None:
    made = amended_policy(db)
    owner = auth(drafter_token)
    doc = client.get(f"{URL}/amendment", headers=owner)
    assert doc.status_code == 200, doc.text
    body = doc.json()
    assert (body["adopted_version"], body["proposed_version"], body["ordinal"], body["advice"]) == (
        made.second,
        made.proposed,
        2,
        "amend",
    )
    assert [c["kind"] for c in body["changes"]] == ["ayat_changed", "ayat_appended"]
    assert body["markdown"] == body["amending_markdown"] and body["replacing_markdown"] is None
    md = client.get(f"{URL}/amendment.md", headers=owner)
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert md.headers["content-disposition"] == f'attachment; filename="{SLUG}-perubahan-v{made.proposed}.md"'
    assert md.text == body["markdown"] and "### Pasal I\n" in md.text
    word = client.get(f"{URL}/amendment.docx", headers=owner)
    assert word.status_code == 200 and word.headers["content-disposition"].endswith(f'v{made.proposed}.docx"')
    printed = [p.text for p in Document(io.BytesIO(word.content)).paragraphs]
    assert "Pasal I" in printed and "Pasal 7" in printed
    akn = client.get(f"{URL}/amendment.akn.xml", headers=owner)
    assert akn.status_code == 200 and akn.headers["content-type"] == "application/akn+xml"
    root = etree.fromstring(akn.content)
    assert _schema().validate(root), [e.message for e in _schema().error_log][:5]
    # The mods name the amended work, Perwal 45/2026 (amended before by Perwal 3/2027).
    targets = [d.get("href") for d in root.findall(".//a:textualMod/a:destination", NS)]
    work = "/akn/id-kota-tangerang-selatan/act/perwali/2026/45/~"
    assert targets and all(t.startswith(work) for t in targets)
    # Cycle 2's adopted version: its own instrument, the first amendment of Perwal 45/2026.
    own = client.get(f"{URL}/amendment", headers=owner, params={"version": made.second}).json()
    assert own["ordinal"] == 1 and [c["sentence"] for c in own["changes"]] == [
        "Ketentuan ayat (2) Pasal 8 diubah sehingga Pasal 8 berbunyi sebagai berikut:"
    ]
    first = problem_of(
        client.get(f"{URL}/amendment", headers=owner, params={"version": made.first}), 409, "conflict"
    )
    assert "sebelum siklus 1" in str(first["detail"])
    # Cycle 3's proposal is not published: others are told it is not there.
    for headers in ({}, auth(other_drafter_token)):
        problem_of(client.get(f"{URL}/amendment", headers=headers), 404, "not-found")


def test_anyone_reads_the_consolidated_text_at_a_point_in_time(client: TestClient, db: str) -> None:
    amended_policy(db)
    now = client.get(f"{URL}/consolidated")
    assert now.status_code == 200, now.text
    body = now.json()
    assert body["at"]["instrument"] == "Peraturan Wali Kota Nomor 3 Tahun 2027"
    marked = [r for r in body["rows"] if r["mark"]]
    assert [(r["eid"], r["mark"]["how"]) for r in marked] == [
        ("bab_3__pasal_8__ayat_2", "changed"),
        ("penjelasan__pasal_8__ayat_2", "changed"),
    ]
    then = client.get(f"{URL}/consolidated", params={"at": "2026-10-01"}).json()
    assert then["at"]["instrument"] == "Peraturan Wali Kota Nomor 45 Tahun 2026"
    before = problem_of(
        client.get(f"{URL}/consolidated", params={"at": "2026-01-01"}, headers={"Accept-Language": "en"}),
        404,
        "not-found",
    )
    assert (
        before["detail"]
        == "On January 1, 2026 this policy was not adopted yet (first adopted September 10, 2026)."
    )
    never = problem_of(
        client.get("/api/v1/policies/perwal-pengelolaan-jabatan-asn-2026/consolidated"), 404, "not-found"
    )
    assert "belum ditetapkan" in str(never["detail"])
