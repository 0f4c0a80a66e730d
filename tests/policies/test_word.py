"""Word out and in: a draft laid out as a regulation and read back the same; a messy .docx placed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from policies.catalog.loader import read_specs
from policies.core.errors import InvalidInput
from policies.drafting.structure import parse_structure
from policies.drafting.word.reader import import_docx
from policies.drafting.word.report import report_to_docx
from policies.drafting.word.writer import markdown_to_docx
from tests.word_docs import SKIPPED_AYAT, STRAY_NOTE, messy_docx, numbered_headings_docx, reviewed_docx

FULL_DRAFT = (Path(__file__).parent / "akn_full_draft.md").read_text()


def _structure(body: str) -> list[tuple[str, str, str, str]]:
    return [(e.eid, e.kind, e.num, e.text) for e in parse_structure(body=body)]


@pytest.mark.parametrize("spec", [spec for spec, _ in read_specs()], ids=lambda spec: spec.code)
def test_a_catalogue_draft_exported_to_docx_imports_back_to_the_same_structure(spec: object) -> None:
    body = spec.example.draft  # type: ignore[attr-defined]
    imported = import_docx(data=markdown_to_docx(body=body))
    assert imported.unplaced == []
    assert _structure(imported.body) == _structure(body)


def test_every_lampiran_ii_level_survives_the_round_trip() -> None:
    imported = import_docx(data=markdown_to_docx(body=FULL_DRAFT))
    assert imported.unplaced == []
    assert _structure(imported.body) == _structure(FULL_DRAFT)  # bold and italic included
    assert imported.title.startswith("Rancangan Peraturan Wali Kota Tangerang Selatan Nomor 12")


def test_the_docx_is_laid_out_as_a_regulation_in_the_offices_font() -> None:
    document = Document(io.BytesIO(markdown_to_docx(body=FULL_DRAFT, font="Arial")))
    normal = document.styles["Normal"]
    assert normal.font.name == "Arial"
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "Arial"
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.5, 33.0)  # F4
    by_text = {p.text: p for p in document.paragraphs}
    for centred in ("BAB II", "PELAKSANAAN", "Bagian Kesatu", "Pasal 2"):
        assert by_text[centred].alignment == WD_ALIGN_PARAGRAPH.CENTER or (
            by_text[centred].style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
        ), centred
    ayat = by_text["(1)\tPengembangan kompetensi meliputi:"]
    huruf = by_text["a.\tpelatihan teknis, yang terdiri atas:"]
    assert ayat.paragraph_format.first_line_indent < 0  # the number hangs out of its text
    assert huruf.paragraph_format.left_indent > ayat.paragraph_format.left_indent
    assert (
        Document(io.BytesIO(markdown_to_docx(body="# Uji"))).styles["Normal"].font.name == "Bookman Old Style"
    )


def test_a_messy_docx_is_placed_and_every_paragraph_it_cannot_place_is_reported() -> None:
    imported = import_docx(data=messy_docx())
    elements = {e.eid: e for e in parse_structure(body=imported.body)}
    assert (
        imported.title
        == "PERATURAN WALI KOTA TANGERANG SELATAN NOMOR 12 TAHUN 2026 TENTANG PENGEMBANGAN KOMPETENSI PEGAWAI"
    )
    assert elements["pembukaan"].text == "DENGAN RAHMAT TUHAN YANG MAHA ESA\nWALI KOTA TANGERANG SELATAN,"
    # Menimbang and Mengingat read from their table; the ayat and huruf from Word's automatic numbers.
    assert elements["menimbang__point_b"].text == "bahwa perlu menetapkan Peraturan Wali Kota;"
    assert elements["mengingat__point_1"].text.startswith("Undang-Undang Nomor 20 Tahun 2023")
    assert elements["bab_1"].text == "KETENTUAN UMUM"
    assert elements["bab_1__pasal_1__angka_2"].text.startswith("Pegawai adalah")  # "List Number" style
    assert elements["bab_2"].text == "PELAKSANAAN"  # on the BAB's own paragraph, after a line break
    assert elements["bab_2__pasal_2__ayat_1__huruf_b"].text == "pelatihan fungsional."
    assert elements["bab_2__pasal_2__ayat_2"].text.startswith("Setiap pegawai mengikuti")
    assert "bab_2__pasal_2__ayat_4" not in elements
    assert elements["bab_2__pasal_3"].text.startswith("Peraturan Wali Kota ini mulai berlaku")
    assert elements["penutup"].text.startswith("Agar setiap orang mengetahuinya")
    assert elements["penjelasan__umum"].text == "Pengembangan kompetensi adalah hak setiap pegawai."
    assert [(u.text, u.reason_en) for u in imported.unplaced] == [
        (STRAY_NOTE, "text outside any Pasal"),
        (SKIPPED_AYAT, "Pasal 2 ayat (4) follows Pasal 2 ayat (2): numbering may not skip (expected: 3)."),
    ]
    assert [u.paragraph for u in imported.unplaced] == [18, 29]  # counted as Word shows them, cells included
    assert imported.unplaced[1].reason.startswith("Pasal 2 ayat (4) menyusul Pasal 2 ayat (2)")


def _zip(**files: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, content in files.items():
            package.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.7 not a word document", "bukan dokumen Word"),
        (_zip(**{"hello.txt": b"hi"}), "bukan dokumen Word"),
        (messy_docx()[:2000], "bukan dokumen Word"),
        (
            _zip(**{"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document"}),
            "bukan dokumen Word",
        ),
        (b"", "kosong (0 bita)"),
    ],
    ids=["pdf", "zip", "truncated", "broken-parts", "empty-file"],
)
def test_a_file_that_is_not_a_readable_docx_is_refused_in_both_languages(data: bytes, words: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        import_docx(data=data)
    assert refused.value.field == "file"
    assert words in refused.value.detail or "rusak" in refused.value.detail
    assert "Word document" in refused.value.detail_en


def test_a_reviewed_docx_reads_as_accepted_with_links_controls_and_nested_tables() -> None:
    """Tracked insertions read, deletions left out; hyperlinks, content controls, nested tables count."""
    imported = import_docx(data=reviewed_docx())
    assert imported.unplaced == []
    assert imported.body == (
        "## BAB I KETENTUAN UMUM\n### Pasal 1\nPeraturan Wali Kota ini berlaku bagi Pegawai ASN.\n"
        "### Pasal 2\n(1) Rencana disusun menurut pedoman BKPSDM.\n(2) Rencana ditetapkan setiap tahun.\n"
        "### Pasal 3\nPeraturan Wali Kota ini mulai berlaku pada tanggal diundangkan."
    )
    assert "seluruh pegawai" not in imported.body


def test_headings_numbered_by_word_alone_and_in_capitals_are_placed() -> None:
    """A "Pasal %1" list on an empty paragraph is a Pasal heading, and so is `PASAL 3`."""
    imported = import_docx(data=numbered_headings_docx())
    assert imported.unplaced == []
    assert imported.body == (
        "## BAB I KETENTUAN UMUM\n### Pasal 1\n(1) Ayat satu dengan spasi.\n(2) Ayat dua.\n"
        "### Pasal 2\nPasal kedua tanpa ayat.\n## BAB II PENUTUP\n### Pasal 3\nBerlaku sejak diundangkan."
    )


def test_a_docx_without_any_text_is_refused() -> None:
    out = io.BytesIO()
    Document().save(out)
    with pytest.raises(InvalidInput, match="tidak berisi teks"):
        import_docx(data=out.getvalue())


def test_the_consultation_reports_markdown_is_set_with_its_tables() -> None:
    markdown = (
        "# Laporan — Uji\n\nSiklus 1.\n\n## Ringkasan\n\n| | Jumlah |\n|---|---:|\n| Masukan | 3 |\n"
        "| Dijawab | 2 |\n\n- Kampanye #1: 4 serupa\n\n> &lt;b&gt; kutipan **tebal**\n"
    )
    document = Document(io.BytesIO(report_to_docx(markdown=markdown, font="Arial")))
    assert [p.text for p in document.paragraphs if p.style.name.startswith("Heading")] == [
        "Laporan — Uji",
        "Ringkasan",
    ]
    assert [[c.text for c in row.cells] for row in document.tables[0].rows] == [
        ["", "Jumlah"],
        ["Masukan", "3"],
        ["Dijawab", "2"],
    ]
    assert "<b> kutipan tebal" in [p.text for p in document.paragraphs]
    assert document.styles["Normal"].font.name == "Arial"
