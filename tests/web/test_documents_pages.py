"""The Word import page and the document downloads of the pages: the owners import, everyone reads what
they may read, a wrong file is answered on the form."""

from __future__ import annotations

import io

from docx import Document
from fastapi.testclient import TestClient
from lxml import etree

from policies.drafting.documents import DOCX
from tests.conftest import DRAFTER
from tests.rollout_walk import to_socialization
from tests.web.conftest import SLUG, csrf_of, sign_in
from tests.word_docs import SKIPPED_AYAT, STRAY_NOTE, messy_docx

IMPORT = f"/policies/{SLUG}/versions/import"


def _upload(web: TestClient, name: str, content: bytes, *, csrf: str | None = None) -> object:
    token = csrf if csrf is not None else csrf_of(web, IMPORT)
    return web.post(
        IMPORT, data={"csrf_token": token, "change_note": ""}, files={"file": (name, content, DOCX)}
    )


def test_the_drafter_imports_a_docx_and_reads_the_paragraphs_left_out(web: TestClient, drafter: str) -> None:
    sign_in(web, drafter)
    form = web.get(IMPORT)
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    assert "Berkas paling besar 1 MB." in form.text  # SIKLUS_MAX_BODY_BYTES, said before the upload
    done = _upload(web, "rancangan.docx", messy_docx())
    assert done.status_code == 201, done.text
    assert "Versi 2 dibuat dari dokumen Word" in done.text
    table = done.text.split('id="unplaced"', 1)[1]
    assert STRAY_NOTE in table and "teks di luar Pasal" in table
    assert SKIPPED_AYAT in table and "penomoran tidak boleh melompat" in table
    assert f'href="/policies/{SLUG}/versions/2/document.docx"' in done.text
    # The owners read their unpublished version in both formats; the versions page links both.
    docx = web.get(f"/policies/{SLUG}/versions/2/document.docx")
    assert docx.status_code == 200 and docx.headers["content-type"] == DOCX
    assert "Pasal 2" in [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    akn = web.get(f"/policies/{SLUG}/versions/2/akn.xml")
    assert akn.status_code == 200 and etree.fromstring(akn.content).xpath(
        "//*[@eId='bab_2__pasal_2__ayat_2']"
    )
    listing = web.get(f"/policies/{SLUG}/versions").text
    assert f"/policies/{SLUG}/versions/2/akn.xml" in listing and 'id="import-docx"' in listing


def test_a_file_that_is_not_a_docx_is_answered_on_the_form(web: TestClient, drafter: str) -> None:
    sign_in(web, drafter)
    refused = _upload(web, "rancangan.pdf", b"%PDF-1.7")
    assert refused.status_code == 422
    assert "bukan dokumen Word (.docx)" in refused.text and 'aria-invalid="true"' in refused.text
    empty = web.post(IMPORT, data={"csrf_token": csrf_of(web, IMPORT)})
    assert empty.status_code == 422 and "Pilih berkas .docx terlebih dahulu." in empty.text
    # Without the form's CSRF token nothing is read.
    assert _upload(web, "rancangan.docx", messy_docx(), csrf="forged").status_code == 403


def test_other_roles_cannot_import_and_read_only_published_versions(
    web: TestClient, stakeholder: str, other_drafter: str
) -> None:
    for token in (stakeholder, other_drafter):
        sign_in(web, token)
        assert web.get(IMPORT).status_code == 403
        assert _upload(web, "rancangan.docx", messy_docx(), csrf=csrf_of(web, "/")).status_code == 403
        assert web.get(f"/policies/{SLUG}/versions/1/document.docx").status_code == 404
    web.cookies.clear()
    assert web.get(f"/policies/{SLUG}/versions/1/akn.xml").status_code == 404


def test_once_adopted_the_cockpit_links_the_jdih_metadata_and_the_report_downloads_as_docx(
    web: TestClient, db: str, drafter: str
) -> None:
    sign_in(web, drafter)
    assert "jdih.json" not in web.get(f"/policies/{SLUG}/cockpit").text
    to_socialization(db, actor=DRAFTER)
    cockpit = web.get(f"/policies/{SLUG}/cockpit").text
    assert f'href="/api/v1/policies/{SLUG}/jdih.json"' in cockpit
    assert web.get(f"/api/v1/policies/{SLUG}/jdih.json").json()["noPeraturan"] == "45"
    assert f'href="/policies/{SLUG}/report.docx"' in web.get(f"/policies/{SLUG}/consultation/report").text
    web.cookies.clear()  # the report is published: anyone downloads it
    report = web.get(f"/policies/{SLUG}/report.docx")
    assert report.status_code == 200 and report.headers["content-type"] == DOCX
    assert Document(io.BytesIO(report.content)).paragraphs[0].text.startswith("Laporan")


def test_a_docx_over_the_size_limit_is_answered_with_a_page(web: TestClient, drafter: str) -> None:
    """A browser's upload over SIKLUS_MAX_BODY_BYTES gets a readable 413 page, not the API's JSON."""
    sign_in(web, drafter)
    too_big = web.post(
        IMPORT,
        data={"csrf_token": csrf_of(web, IMPORT), "change_note": ""},
        files={"file": ("besar.docx", b"x" * 1_100_000, DOCX)},
        headers={"Accept": "text/html,application/xhtml+xml"},
    )
    assert too_big.status_code == 413
    assert too_big.headers["content-type"].startswith("text/html")
    assert "Isi permintaan melebihi batas 1000000 bita" in too_big.text
    # Scripts and the API still get problem+json.
    api = web.post(IMPORT, files={"file": ("besar.docx", b"x" * 1_100_000, DOCX)})
    assert api.status_code == 413 and api.headers["content-type"] == "application/problem+json"
