"""The consultation report as .docx: its Markdown rendering (policies/consultation/report.py) set in Word.

The report's content and order stay the report's own; this only sets its headings, paragraphs,
lists, quotes and tables (the summary and the *matriks perubahan*) in the office's font.
"""

from __future__ import annotations

import html
import io
import re

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Cm

from policies.drafting.word.layout import DEFAULT_FONT, add_runs, set_font

HEADING = re.compile(r"^(#{1,4})\s+(.*)$")
RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
ESCAPED_PIPE = "\x00"


def _cells(line: str) -> list[str]:
    inner = line.strip().replace("\\|", ESCAPED_PIPE).strip("|")
    return [html.unescape(cell.strip().replace(ESCAPED_PIPE, "|")) for cell in inner.split("|")]


def _table(document: DocxDocument, rows: list[list[str]]) -> None:
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = document.styles["Table Grid"]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            paragraph = table.cell(r, c).paragraphs[0]
            add_runs(paragraph, value.replace("<br>", "\n"))
            if r == 0:
                for run in paragraph.runs:
                    run.bold = True


def report_to_docx(*, markdown: str, font: str = DEFAULT_FONT) -> bytes:
    """Set the consultation report's Markdown in a .docx in the office's font."""
    document = Document()
    set_font(document, font=font or DEFAULT_FONT)
    table: list[list[str]] = []
    for raw in [*markdown.replace("\r\n", "\n").split("\n"), ""]:
        line = raw.rstrip()
        if line.startswith("|"):
            if not RULE.match(line):
                table.append(_cells(line))
            continue
        if table:
            _table(document, table)
            table = []
        if not line.strip():
            continue
        heading = HEADING.match(line)
        if heading is not None:
            document.add_heading(html.unescape(heading.group(2)), level=len(heading.group(1)))
        elif line.startswith("- "):
            add_runs(document.add_paragraph(style="List Bullet"), html.unescape(line[2:]))
        elif line.startswith(">"):
            quote = add_runs(document.add_paragraph(), html.unescape(line.lstrip("> ").rstrip()))
            quote.paragraph_format.left_indent = Cm(1)
        else:
            add_runs(document.add_paragraph(), html.unescape(line))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
