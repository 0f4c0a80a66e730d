"""The SKM report's sections (PermenPANRB 14/2017) from a worked example computed by hand, checked in
the HTML report, the Word document and the spreadsheet, read back."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from policies.accounts.access import Actor
from policies.core.db import unit_of_work
from policies.evaluation import population, responses, rounds
from policies.evaluation.report import render_report
from policies.evaluation.report.as_docx import report_docx
from policies.evaluation.report.as_xlsx import report_xlsx
from tests.conftest import NOW
from tests.policies.evaluation.conftest import SECRET, answer_and_close, answers, csv_of, open_at, open_now


def _sheet(unit: str, *, u1: int, rest: int, u8: int) -> dict[str, Any]:
    return answers([u1] + [rest] * 6 + [u8, rest], unit=unit)


# Round 2 of the worked example: a population of 12 (Kesehatan 5, Pendidikan 4, Sosial 3); 10 answer.
#   Kesehatan x5: every unsur 4 but u8 3;  Pendidikan x4: u1 3, u8 1, the others 2;  Sosial x1: all 3.
# Sums (the regulation's "jumlah nilai"): u1 20 + 12 + 3 = 35 -> NRR 3,50 -> 87,50 B;
#   u2..u7, u9: 20 + 8 + 3 = 31 -> 3,10 -> 77,50 B;  u8: 15 + 4 + 3 = 22 -> 2,20 -> 55,00 D.
# Weighted NRR (x 1/9): u1 0,3889, the others 0,3444, u8 0,2444.
# NI = (3,5 + 7 x 3,1 + 2,2) / 9 = 27,4 / 9 = 3,04444 -> 3,0444; IKM = NI x 25 = 76,111 -> 76,11: C
#   (Kurang Baik, 65,00-76,60). With the printed weight 0,111: 27,4 x 0,111 x 25 = 76,035 -> 76,04.
# Sample: Krejcie-Morgan for N = 12 is 12 (the row for 15 says 14, capped at N): 2 short.
# Margin of error: 1,96 x sqrt(0,25 / 10) x sqrt((12 - 10) / (12 - 1)) = 1,96 x 0,158114 x 0,426401
#   = 0,132143 -> 13,21 %.
# By unit (minimum 5): Kesehatan 5 sheets: (8 x 4 + 3) / 9 x 25 = 97,22 A; Pendidikan 4 and Sosial 1 are
#   hidden, merged into Lainnya (5): u1 15/5 = 3,0, the seven 11/5 = 2,2, u8 7/5 = 1,4:
#   (3 + 15,4 + 1,4) / 9 x 25 = 55,00 D.
# Round 1 (the previous survey): five Kesehatan sheets of all 3s: every NRR 3,00, every index 75,00, IKM
#   75,00. Changes: IKM +1,11; u1 index +12,50 (NRR +0,50); u8 index -20,00 (NRR -0,80); others +2,50.
ROUND_TWO = (
    [_sheet("Dinas Kesehatan", u1=4, rest=4, u8=3)] * 5
    + [_sheet("Dinas Pendidikan", u1=3, rest=2, u8=1)] * 4
    + [_sheet("Dinas Sosial", u1=3, rest=3, u8=3)]
)
UNITS = {"Dinas Kesehatan": 5, "Dinas Pendidikan": 4, "Dinas Sosial": 3}


@pytest.fixture
def worked_example(db: str, in_evaluation: str, staff: dict[str, Actor]) -> int:
    """Close round 1 (5 sheets of 3s) then round 2 of the worked example; return round 2's id."""
    evaluator = staff["evaluator"]
    with unit_of_work(db) as s:
        first = open_now(s, evaluator, days=10)
        issued = population.import_population_csv(
            s, actor=evaluator, round_id=first.id, secret=SECRET, csv_text=csv_of(5)
        ).issued
    answer_and_close(db, evaluator, round_id=first.id, sheets=((t, answers(3)) for t in issued))
    with unit_of_work(db) as s:
        second = open_at(s, evaluator, opens_at=NOW + timedelta(days=11), days=10)
        lines, start = ["nip,nama,unit,email"], 0
        for unit, n in UNITS.items():
            lines += csv_of(n, unit=unit, start=start).splitlines()[1:]
            start += n
        issued = population.import_population_csv(
            s, actor=evaluator, round_id=second.id, secret=SECRET, csv_text="\n".join(lines) + "\n"
        ).issued
    # Kesehatan's five, Pendidikan's four, then one of Sosial's three: two people never answer.
    with unit_of_work(db) as s:
        for person, sheet in zip(issued, ROUND_TWO, strict=False):
            responses.submit_response(s, token=person.token, answers=sheet, now=NOW + timedelta(days=12))
    with unit_of_work(db) as s:
        rounds.close_round(s, actor=evaluator, round_id=second.id, now=NOW + timedelta(days=21))
    return second.id  # type: ignore[return-value]


def test_the_html_report_has_every_section_with_the_hand_computed_figures(
    db: str, worked_example: int
) -> None:
    with unit_of_work(db) as s:
        html = render_report(s, round_id=worked_example, fmt="html", locale="id")
    headings = [
        "I. Pendahuluan",
        "B. Dasar hukum",
        "II. Metode dan Sampel",
        "III. Hasil Pengolahan Data",
        "B. Tabel NRR dan IKM menurut PermenPANRB 14/2017",
        "C. IKM dan mutu pelayanan",
        "D. Hasil per unit kerja",
        "E. Hasil per layanan",
        "IV. Analisis Hasil",
        "A. Unsur terendah dan tertinggi",
        "B. Rencana tindak lanjut",
        "C. Perbandingan dengan survei sebelumnya",
        "V. Kesimpulan",
    ]
    positions = [html.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "Peraturan Menteri PANRB Nomor 14 Tahun 2017" in html
    # Method and sample.
    assert '<tr><th>Sampel minimum (Krejcie–Morgan)</th><td class="num">12</td></tr>' in html
    assert '<tr><th>Kekurangan sampel</th><td class="num">2</td></tr>' in html
    assert '<td class="num" id="margin-of-error">± 13,21 %</td>' in html
    assert "sampel minimum Krejcie–Morgan 12, kurang 2 jawaban" in html
    assert "e = 1,96 × √(0,5 × 0,5 / n) × √((N − n) / (N − 1))" in html
    # The regulation's NRR table.
    assert (
        '<tr><td>U1 Persyaratan</td><td class="num">35</td><td class="num">3,50</td>'
        '<td class="num">0,3889</td><td class="num">87,50</td><td class="cat-B">B</td></tr>'
    ) in html
    assert (
        '<tr><td>U8 Penanganan Pengaduan, Saran dan Masukan</td><td class="num">22</td>'
        '<td class="num">2,20</td><td class="num">0,2444</td><td class="num">55,00</td>'
        '<td class="cat-D">D</td></tr>'
    ) in html
    assert '<td class="num">31</td><td class="num">3,10</td><td class="num">0,3444</td>' in html
    assert '<td class="num" id="nilai-indeks">3,0444</td>' in html
    assert '<td class="num" id="ikm-value">76,11</td>' in html
    # IKM, mutu and the interval conversion with this round's row marked, and the rounding rule.
    assert "IKM 76,11 — Kategori mutu pelayanan C (Kurang Baik)" in html
    assert (
        '<tr class="current"><td class="num">2</td><td class="num">2,60 – 3,064</td>'
        '<td class="num">65,00 – 76,60</td><td class="cat-C">C</td><td>Kurang Baik (putaran ini)</td></tr>'
    ) in html
    assert '<td class="num">1,00 – 2,5996</td><td class="num">25,00 – 64,99</td>' in html
    assert "dibulatkan, setengah ke atas" in html and "IKM putaran ini akan menjadi 76,04" in html
    # By unit: 5 shown, 4 hidden (and merged with Sosial's 1 into Lainnya, 5).
    assert '<tr><td>Dinas Kesehatan</td><td class="num">5</td><td class="num">97,22</td>' in html
    assert '<tr><td>Dinas Pendidikan</td><td class="num suppressed">&lt; 5 (disembunyikan)</td>' in html
    assert '<tr><td>Lainnya</td><td class="num">5</td><td class="num">55,00</td>' in html
    # Analysis: the weakest and strongest unsur, no plan yet, the comparison, the trends.
    assert (
        "Unsur dengan nilai terendah: Penanganan Pengaduan, Saran dan Masukan (NRR 2,20; IKM unsur 55,00, "
        "mutu D). Unsur bermutu C atau D memerlukan rencana tindak lanjut."
    ) in html
    assert "Unsur dengan nilai tertinggi: Persyaratan (NRR 3,50; IKM unsur 87,50, mutu B)." in html
    assert "<p>Belum ada rencana tindak lanjut yang dicatat untuk putaran ini.</p>" in html
    assert "<h4>Tren antarputaran</h4>" in html
    assert "<tr><th></th><th>P1 2026</th><th>P2 2026</th></tr>" in html
    assert "<th>Putaran 1</th><th>Putaran 2</th><th>Selisih</th>" in html
    assert (
        '<tr><td>IKM</td><td class="num">75,00</td><td class="num">76,11</td><td class="num">+1,11</td>'
        in html
    )
    assert (
        '<tr><td>Persyaratan</td><td class="num">75,00</td><td class="num">87,50</td>'
        '<td class="num">+12,50</td>' in html
    )
    assert '<td class="num">75,00</td><td class="num">55,00</td><td class="num">-20,00</td>' in html
    assert (
        '<tr><td>Persyaratan</td><td class="num">3,00</td><td class="num">3,50</td><td class="num">+0,50</td>'
        in html
    )
    assert (
        "IKM putaran ini 76,11, mutu pelayanan C (Kurang Baik), dari 10 jawaban (margin of error ± 13,21 %)."
    ) in html


def _docx_rows(content: bytes) -> tuple[list[str], list[list[str]]]:
    doc = Document(BytesIO(content))
    rows = [[cell.text for cell in row.cells] for table in doc.tables for row in table.rows]
    return [p.text for p in doc.paragraphs], rows


def test_the_word_document_has_the_same_sections_and_figures(db: str, worked_example: int) -> None:
    with unit_of_work(db) as s:
        paragraphs, rows = _docx_rows(report_docx(s, round_id=worked_example, locale="id"))
    for heading in ("I. Pendahuluan", "II. Metode dan Sampel", "IV. Analisis Hasil", "V. Kesimpulan"):
        assert heading in paragraphs
    assert ["Sampel minimum (Krejcie–Morgan)", "12"] in rows
    assert ["Batas galat sampel (margin of error, 95 %)", "± 13,21 %"] in rows
    assert ["Uraian", "Jumlah"] in rows and ["", ""] not in rows  # the sample table has a header
    assert ["U1 Persyaratan", "35", "3,50", "0,3889", "87,50", "B"] in rows
    assert ["U8 Penanganan Pengaduan, Saran dan Masukan", "22", "2,20", "0,2444", "55,00", "D"] in rows
    assert ["Nilai indeks (NI = Σ NRR tertimbang)", "", "", "3,0444", "", ""] in rows
    assert ["IKM (NI × 25)", "", "", "76,11", "", "C"] in rows
    assert ["2", "2,60 – 3,064", "65,00 – 76,60", "C", "Kurang Baik (putaran ini)"] in rows
    assert ["Dinas Kesehatan", "5", "97,22", "A"] in rows
    assert ["Dinas Pendidikan", "< 5 (disembunyikan)", "—", ""] in rows
    assert ["Lainnya", "5", "55,00", "D"] in rows
    assert not any(r[0] == "Dinas Pendidikan" and r[1] == "4" for r in rows)
    assert ["IKM", "75,00", "76,11", "+1,11"] in rows
    assert ["Penanganan Pengaduan, Saran dan Masukan", "75,00", "55,00", "-20,00"] in rows
    # No plan recorded for this round yet: the follow-up section says so.
    at = paragraphs.index("B. Rencana tindak lanjut")
    assert paragraphs[at + 1] == "Belum ada rencana tindak lanjut yang dicatat untuk putaran ini."
    assert any("IKM putaran ini akan menjadi 76,04" in p for p in paragraphs)


def test_the_spreadsheet_has_a_sheet_per_section_with_numbers(db: str, worked_example: int) -> None:
    with unit_of_work(db) as s:
        book = load_workbook(BytesIO(report_xlsx(s, round_id=worked_example, locale="id")))
    assert book.sheetnames == [
        "Ringkasan",
        "Sampel",
        "NRR per unsur",
        "Per unit",
        "Layanan dan indikator",
        "IKM",
        "Konversi",
        "Perbandingan",
        "Tindak lanjut",
        "Tren",  # the worked example is the policy's second closed round
    ]
    values = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    sample = {r[0]: r[1] for r in values["Sampel"] if len(r) > 1}
    assert (sample["Populasi"], sample["Sampel minimum (Krejcie–Morgan)"], sample["Jawaban masuk"]) == (
        12,
        12,
        10,
    )
    assert (sample["Kekurangan sampel"], sample["Batas galat sampel (margin of error, 95 %)"]) == (2, 13.21)
    nrr = values["NRR per unsur"]
    assert nrr[1] == ["U1 Persyaratan", 35, 3.5, 0.3889, 87.5, "B"]
    assert nrr[8] == ["U8 Penanganan Pengaduan, Saran dan Masukan", 22, 2.2, 0.2444, 55.0, "D"]
    assert nrr[10][3] == 3.0444 and nrr[11][3] == 76.11 and nrr[11][5] == "C"
    units = [r for r in values["Per unit"] if r[0] == "Unit kerja"]
    assert ["Unit kerja", "Dinas Kesehatan", 5, 97.22, "A", "ditampilkan"] in units
    assert [
        "Unit kerja",
        "Dinas Pendidikan",
        "< 5 (disembunyikan)",
        None,
        None,
        "disembunyikan (kurang dari minimum)",
    ] in units
    assert ["Unit kerja", "Lainnya", 5, 55.0, "D", "gabungan “Lainnya”"] in units
    ikm = {r[0]: r[1] for r in values["IKM"] if len(r) > 1}
    assert (ikm["IKM"], ikm["Kategori mutu pelayanan"], ikm["Nilai indeks (NI = Σ NRR tertimbang)"]) == (
        76.11,
        "C",
        3.0444,
    )
    assert values["Konversi"][2] == [2, "2,60", "3,064", 65.0, 76.6, "C", "Kurang Baik (putaran ini)"]
    compare = values["Perbandingan"]
    assert ["IKM", 75.0, 76.11, 1.11] in compare and ["Persyaratan", 3.0, 3.5, 0.5] in compare
    assert values["Tindak lanjut"][1] == ["Belum ada rencana tindak lanjut yang dicatat untuk putaran ini."]


def test_the_markdown_report_compares_with_the_previous_round_and_the_first_has_none(
    db: str, worked_example: int
) -> None:
    with unit_of_work(db) as s:
        first = worked_example - 1
        md = render_report(s, round_id=first, fmt="md", locale="en")
    assert "No earlier round of this policy has closed yet." in md
    with unit_of_work(db) as s:
        second = render_report(s, round_id=worked_example, fmt="md", locale="en")
    assert "| IKM | 75.00 | 76.11 | +1.11 |" in second and "| Requirements | 3.00 | 3.50 | +0.50 |" in second
    assert "| Handling of complaints, suggestions and feedback | 75.00 | 55.00 | -20.00 |" in second
    assert "| Margin of error (95%) | ± 0.00% |" in md  # all five of five answered
