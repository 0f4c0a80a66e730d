"""The page of a regulation in Word: paper, font, and the paragraph shapes the writer and reader share.

Lampiran II UU 12/2011 prints a regulation on F4 paper in Bookman Old Style 12 pt; an office may
use its own font (`SIKLUS_DOCUMENT_FONT`). Each kind of paragraph gets a named style, so a .docx
this writer made is read back without guessing, and a drafter's own .docx is read by its words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

DEFAULT_FONT = "Bookman Old Style"
# Named paragraph styles: (name, centred, bold).
STYLES = {
    "judul": ("Siklus Judul", True, True),
    "heading": ("Siklus Bab", True, False),
    "pasal": ("Siklus Pasal", True, False),
    "section": ("Siklus Subjudul", False, True),
    "item": ("Siklus Butir", False, False),
    "text": ("Siklus Teks", False, False),
    "continuation": ("Siklus Lanjutan", False, False),
    "pembukaan": ("Siklus Pembukaan", True, True),
    "penutup": ("Siklus Penutup", False, False),
}
STYLE_ROLES = {name: role for role, (name, _, _) in STYLES.items()}
INDENT = Cm(1.0)  # each list level's step
HANGING = Cm(1.0)  # the number hangs out of its text by this much
INLINE = re.compile(r"\*\*(.+?)\*\*|(?<!\w)_(.+?)_(?!\w)")


def set_font(document: DocxDocument, *, font: str) -> None:
    """Use one font for the whole document, Latin and East Asian alike, 12 pt, on F4 paper."""
    normal = document.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(12)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), font)
    normal.paragraph_format.space_after = Pt(6)
    for section in document.sections:
        section.page_width, section.page_height = Cm(21.5), Cm(33.0)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.5)
    for name, centred, bold in STYLES.values():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.bold = bold
        style.paragraph_format.alignment = (
            WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.JUSTIFY
        )


def add_runs(paragraph: Paragraph, text: str) -> Paragraph:
    """Write text into a paragraph, Markdown bold and italic as bold and italic runs."""
    position = 0
    for match in INLINE.finditer(text):
        if match.start() > position:
            paragraph.add_run(text[position : match.start()])
        run = paragraph.add_run(match.group(1) if match.group(1) is not None else match.group(2))
        run.bold = match.group(1) is not None
        run.italic = match.group(2) is not None
        position = match.end()
    if position < len(text):
        paragraph.add_run(text[position:])
    return paragraph


def runs_markdown(paragraph: Paragraph, runs: Sequence[Run] | None = None) -> str:
    """Read a paragraph's runs back as text with Markdown bold and italic (not where the style is bold)."""
    style_bold = bool(paragraph.style is not None and paragraph.style.font.bold)
    parts: list[str] = []
    for run in paragraph.runs if runs is None else runs:
        text = run.text
        if not text.strip():
            parts.append(text)
        elif run.bold and not style_bold:
            parts.append(f"**{text}**")
        elif run.italic:
            parts.append(f"_{text}_")
        else:
            parts.append(text)
    return "".join(parts)
