"""Word documents made by hand for the import tests: a drafter's messy .docx, as offices write them."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.paragraph import Paragraph

# Word's automatic list: ayat "(1)" at level 0, huruf "a." at level 1.
ABSTRACT = f"""<w:abstractNum {nsdecls("w")} w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="(%1)"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2."/></w:lvl>
</w:abstractNum>"""
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NUM = f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'

# The two paragraphs the import cannot place (paragraphs 18 and 29 as Word counts them, table cells
# included, empty ones not), and the reason each is given.
STRAY_NOTE = "Catatan redaksi: bab ini masih dibahas dengan bagian hukum."
SKIPPED_AYAT = "(4) Ayat ini melompati nomor ayat (3)."


def _numbered(document: DocxDocument, text: str, *, level: int) -> Paragraph:
    paragraph = document.add_paragraph(text)
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    return paragraph


def messy_docx() -> bytes:
    """A draft as a drafter types it: a title over four lines, Menimbang in a table, Word-numbered ayat."""
    document = Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(ABSTRACT))
    numbering.append(parse_xml(NUM))
    for line in ("PERATURAN WALI KOTA TANGERANG SELATAN", "NOMOR 12 TAHUN 2026", "TENTANG"):
        document.add_paragraph(line)
    document.add_paragraph("PENGEMBANGAN KOMPETENSI PEGAWAI")
    document.add_paragraph("")
    document.add_paragraph("DENGAN RAHMAT TUHAN YANG MAHA ESA")
    document.add_paragraph("WALI KOTA TANGERANG SELATAN,")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text, table.cell(0, 1).text = "Menimbang", ":"
    table.cell(0, 2).text = "a. bahwa kompetensi pegawai perlu dikembangkan;"
    table.cell(0, 2).add_paragraph("b. bahwa perlu menetapkan Peraturan Wali Kota;")
    table.cell(1, 0).text, table.cell(1, 1).text = "Mengingat", ":"
    table.cell(1, 2).text = "1. Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara;"
    document.add_paragraph("MEMUTUSKAN:")
    document.add_paragraph("Menetapkan : PERATURAN WALI KOTA TENTANG PENGEMBANGAN KOMPETENSI PEGAWAI.")
    document.add_paragraph("BAB I")
    document.add_paragraph("KETENTUAN UMUM")
    document.add_paragraph(STRAY_NOTE)
    document.add_paragraph("Pasal 1")
    document.add_paragraph("Dalam Peraturan Wali Kota ini yang dimaksud dengan:")
    # Numbered by Word's "List Number" style: the numbers are not in the text.
    document.add_paragraph("Daerah adalah Kota Tangerang Selatan.", style="List Number")
    document.add_paragraph(
        "Pegawai adalah pegawai negeri sipil di lingkungan Pemerintah Daerah.", style="List Number"
    )
    # The BAB and its title in one paragraph, on two lines (Shift+Enter).
    bab = document.add_paragraph("BAB II")
    bab.add_run().add_break()
    bab.add_run("PELAKSANAAN")
    document.add_paragraph("Pasal 2")
    _numbered(document, "Pengembangan kompetensi meliputi:", level=0)
    _numbered(document, "pelatihan teknis; dan", level=1)
    _numbered(document, "pelatihan fungsional.", level=1)
    _numbered(
        document, "Setiap pegawai mengikuti pengembangan kompetensi paling sedikit 20 JP setahun.", level=0
    )
    document.add_paragraph(SKIPPED_AYAT)
    document.add_paragraph("Pasal 3.")  # a typist's stop after the heading
    document.add_paragraph("Peraturan Wali Kota ini mulai berlaku pada tanggal diundangkan.")
    document.add_paragraph(
        "Agar setiap orang mengetahuinya, memerintahkan pengundangan Peraturan Wali Kota ini."
    )
    document.add_paragraph("Ditetapkan di Tangerang Selatan")
    document.add_paragraph("PENJELASAN")
    document.add_paragraph("I. UMUM")
    document.add_paragraph("Pengembangan kompetensi adalah hak setiap pegawai.")
    document.add_paragraph("II. PASAL DEMI PASAL")
    for number in (1, 2, 3):
        document.add_paragraph(f"Pasal {number}")
        document.add_paragraph("Cukup jelas.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def reviewed_docx() -> bytes:
    """A draft as it comes back from review: tracked changes, a hyperlink, a content control, a nested table.

    Accepted, it reads: Pasal 1 "Peraturan Wali Kota ini berlaku bagi Pegawai ASN." and Pasal 2
    "(1) …" / "(2) …" — the words in `w:ins` are in, those in `w:del` out.
    """
    w = nsdecls("w")
    r = f'xmlns:r="{RELS}"'
    document = Document()
    document.add_paragraph("BAB I")
    document.add_paragraph("KETENTUAN UMUM")
    document.add_paragraph("Pasal 1")
    tracked = document.add_paragraph("Peraturan Wali Kota ini berlaku bagi ")
    tracked._p.append(parse_xml(f'<w:del {w} w:id="1" w:author="Biro Hukum" w:date="2026-11-02T09:00:00Z">'
                                "<w:r><w:delText>seluruh pegawai</w:delText></w:r></w:del>"))  # fmt: skip
    tracked._p.append(parse_xml(f'<w:ins {w} w:id="2" w:author="Biro Hukum" w:date="2026-11-02T09:00:00Z">'
                                "<w:r><w:t>Pegawai ASN</w:t></w:r></w:ins>"))  # fmt: skip
    tracked.add_run(".")
    # Pasal 2 in a content control, its ayat (2) in a table nested in a table (a template's layout).
    control = parse_xml(f"<w:sdt {w}><w:sdtPr/><w:sdtContent/></w:sdt>")
    document.element.body.insert(len(document.element.body) - 1, control)
    content = control.find(qn("w:sdtContent"))
    heading = document.add_paragraph("Pasal 2")
    content.append(heading._p)
    linked = document.add_paragraph("(1) Rencana disusun menurut ")
    linked._p.append(
        parse_xml(f'<w:hyperlink {w} {r} r:id="rIdX"><w:r><w:t>pedoman</w:t></w:r></w:hyperlink>')
    )
    linked.add_run(" BKPSDM.")
    content.append(linked._p)
    outer = document.add_table(rows=1, cols=1)
    inner = outer.cell(0, 0).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "(2) Rencana ditetapkan setiap tahun."
    document.add_paragraph("Pasal 3")
    document.add_paragraph("Peraturan Wali Kota ini mulai berlaku pada tanggal diundangkan.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# A template that numbers its headings itself: "BAB %1" (I, II) and "Pasal %2", the paragraphs empty.
HEADINGS = f"""<w:abstractNum {nsdecls("w")} w:abstractNumId="91">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="BAB %1"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Pasal %2"/></w:lvl>
</w:abstractNum>"""


def numbered_headings_docx() -> bytes:
    """BAB and Pasal numbered by Word alone (empty paragraphs), a tab after "(1)", `PASAL 3` in capitals."""
    document = Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(HEADINGS))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))

    def heading(level: int) -> None:
        ppr = document.add_paragraph("")._p.get_or_add_pPr()
        ppr.append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="91"/></w:numPr>')
        )

    heading(0)
    document.add_paragraph("KETENTUAN UMUM")
    heading(1)
    document.add_paragraph("(1)\tAyat satu\u00a0dengan spasi.")
    document.add_paragraph("(2)   Ayat dua.  ")
    heading(1)
    document.add_paragraph("Pasal kedua tanpa ayat.")
    document.add_paragraph("BAB II", style="Heading 1")
    document.add_paragraph("PENUTUP", style="Heading 2")
    document.add_paragraph("PASAL 3", style="Heading 3")
    document.add_paragraph("Berlaku sejak diundangkan.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
