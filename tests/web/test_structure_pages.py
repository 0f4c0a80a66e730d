"""The editor names the broken rule and its line; the pages anchor every element; the diff shows ayat rows."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from policies.core.db import unit_of_work
from policies.drafting.queries import latest_version
from policies.drafting.versions import create_version, publish_version
from policies.lifecycle.queries import get_policy
from tests.web.conftest import DRAFT, DRAFTER, SLUG, post_form, sign_in, use_english

EDIT = f"/policies/{SLUG}/versions/1/edit"


def _broken(body: str) -> tuple[str, int]:
    broken = body.replace("(3) Setiap pendamping mendampingi", "(5) Setiap pendamping mendampingi", 1)
    line = next(i for i, x in enumerate(broken.split("\n"), start=1) if x.startswith("(5) Setiap pendamping"))
    return broken, line


def test_the_editor_shows_the_line_and_the_rule_and_keeps_the_text(web: TestClient, drafter: str) -> None:
    sign_in(web, drafter)
    body = web.get(EDIT).context["values"]["body"]  # type: ignore[attr-defined]
    broken, line = _broken(body)
    for extra in ({"preview": "1"}, {}):
        page = post_form(web, EDIT, {"body": broken, "change_note": "", **extra}, page=EDIT)
        assert page.status_code == 422
        error = re.search(r'<p class="error" id="body-error">(.*?)</p>', page.text, re.S)
        assert error and f"Baris {line}: Pasal 7 ayat (5) menyusul Pasal 7 ayat (2)" in error.group(1)
        assert 'aria-describedby="body-error"' in page.text
        assert page.context["values"]["body"] == broken  # type: ignore[attr-defined]
    use_english(web)
    page = post_form(web, EDIT, {"body": broken, "change_note": ""}, page=EDIT)
    assert f"Line {line}: Pasal 7 ayat (5) follows Pasal 7 ayat (2): numbering may not skip" in page.text


def test_every_element_has_its_eid_on_the_version_and_clause_pages(web: TestClient, db: str) -> None:
    with unit_of_work(db) as s:
        publish_version(s, actor=DRAFTER, slug=SLUG, number=1)
    page = web.get(DRAFT)
    for eid in (
        "bab_3__pasal_6__ayat_2",
        "bab_4__pasal_10__ayat_1__huruf_e",
        "bab_1__pasal_1__angka_15",
        "menimbang__point_c",
        "penjelasan__pasal_5__ayat_4",
        "penutup",
    ):
        assert f'id="{eid}"' in page.text, eid
    key = re.search(
        r'<article class="clause" id="([^"]+)" aria-labelledby="[^"]+">\s*<h3[^>]*><a[^>]*>Pasal 6<',
        page.text,
    )
    assert key
    thread = web.get(f"{DRAFT}/clauses/{key.group(1)}")
    assert '<li id="bab_3__pasal_6__ayat_2"><span class="marker">(2)</span> Sosialisasi' in thread.text


def test_the_diff_page_shows_an_ayat_redline(web: TestClient, drafter: str, db: str) -> None:
    with unit_of_work(db) as s:
        publish_version(s, actor=DRAFTER, slug=SLUG, number=1)
        body = latest_version(s, policy_id=get_policy(s, slug=SLUG).id).body  # type: ignore[arg-type,union-attr]
        edited = body.replace(
            "paling banyak 10 (sepuluh) Pegawai ASN", "paling banyak 8 (delapan) Pegawai ASN"
        )
        create_version(s, actor=DRAFTER, slug=SLUG, body=edited)
    sign_in(web, drafter)
    diff = web.get(f"/policies/{SLUG}/versions/2/diff")
    row = re.search(
        r'<li class="el-change el-changed" id="diff-bab_3__pasal_7__ayat_3">(.*?)</li>', diff.text, re.S
    )
    assert row, diff.text
    assert "Pasal 7 ayat (3)" in row.group(1) and "berubah" in row.group(1)
    assert "<del>10 (sepuluh)</del>" in row.group(1) and "<ins>8 (delapan)</ins>" in row.group(1)
    assert 'id="diff-bab_3__pasal_7__ayat_2"' in diff.text  # the ayat kept, shown as context
