"""A unit merged into "Lainnya" only to protect the smaller ones is hidden without a false "< 5".

Kesehatan 5, Pendidikan 3, Sosial 1: the two small units alone make "Lainnya" 4, below the minimum,
so Kesehatan (5, at the minimum) joins them (secondary suppression). Its cell must not read "< 5".
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from openpyxl import load_workbook

from policies.core.db import unit_of_work
from policies.evaluation.report.as_docx import report_docx
from policies.evaluation.report.as_xlsx import report_xlsx
from policies.evaluation.report.render import render_report
from tests.conftest import NOW
from tests.policies.evaluation.followup_setup import WEAK_U8, closed_round, sheets

UNITS = {"Dinas Kesehatan": 5, "Dinas Pendidikan": 3, "Dinas Sosial": 1}


def test_a_unit_merged_to_protect_others_is_hidden_without_claiming_fewer_than_five(
    db: str, in_evaluation: str, staff: dict
) -> None:
    round_id = closed_round(db, staff["evaluator"], opens_at=NOW, sheets=sheets(WEAK_U8, units=UNITS))
    with unit_of_work(db) as s:
        html = render_report(s, round_id=round_id, fmt="html")
        docx = Document(BytesIO(report_docx(s, round_id=round_id)))
        book = load_workbook(BytesIO(report_xlsx(s, round_id=round_id)))
        book_en = load_workbook(BytesIO(report_xlsx(s, round_id=round_id, locale="en")))
    assert (
        '<tr><td>Dinas Kesehatan</td><td class="num suppressed">disembunyikan</td>'
        '<td class="num">digabung ke “Lainnya”</td>'
    ) in html
    assert '<tr><td>Dinas Pendidikan</td><td class="num suppressed">&lt; 5 (disembunyikan)</td>' in html
    assert '<tr><td>Lainnya</td><td class="num">9</td>' in html
    rows = [[c.text for c in row.cells] for table in docx.tables for row in table.rows]
    assert ["Dinas Kesehatan", "disembunyikan", "digabung ke “Lainnya”", ""] in rows
    assert ["Dinas Sosial", "< 5 (disembunyikan)", "—", ""] in rows
    sheet = [list(r) for r in book["Per unit"].iter_rows(values_only=True)]
    assert [
        "Unit kerja",
        "Dinas Kesehatan",
        "disembunyikan",
        None,
        None,
        "disembunyikan (digabung ke “Lainnya” agar tidak dapat dihitung dari selisih)",
    ] in sheet
    assert ["Unit kerja", "Dinas Pendidikan", "< 5 (disembunyikan)", None, None] in [r[:5] for r in sheet]
    other = next(r for r in sheet if r[1] == "Lainnya" and r[0] == "Unit kerja")
    assert (other[2], other[5]) == (9, "gabungan “Lainnya”")
    statuses = {r[5] for r in book_en["By unit"].iter_rows(values_only=True, min_row=2) if len(r) > 5}
    assert "hidden (below the minimum)" in statuses and "merged" not in statuses
