"""Lay a draft's Markdown (docs/drafting-format.md) out as a regulation in .docx.

It reads the Markdown line by line rather than the parsed structure, so that any text in the
authoring format prints, an amending instrument's quoted Pasal included: BAB, Bagian, Paragraf and
Pasal headings centred, each ayat, huruf and angka numbered in the text with its number hanging
out of an indented paragraph, Menimbang and Mengingat as labelled lists.
"""

from __future__ import annotations

import io
import re

from docx import Document
from docx.document import Document as DocxDocument
from docx.text.paragraph import Paragraph

from policies.drafting.structure.parts import BAB, BAGIAN, EXPLICIT_KEY, HEADING, LAMPIRAN, MARKERS, PARAGRAF
from policies.drafting.word.layout import DEFAULT_FONT, HANGING, INDENT, STYLES, add_runs, set_font

EXPLAIN_HEADINGS = {"umum": "I. UMUM", "pasal demi pasal": "II. PASAL DEMI PASAL"}
PART_TITLES = ((BAB, "BAB"), (BAGIAN, "Bagian"), (PARAGRAF, "Paragraf"))
TITLED_PART = re.compile(r"^(BAB\s+\S+|Bagian\s+\S+(?:\s+(?:Belas|Puluh)(?:\s+\S+)?)?|Paragraf\s+\S+)")


class RegulationWriter:
    """Write paragraphs in the regulation's shapes, keeping the list depth of the open Pasal."""

    def __init__(self, *, font: str) -> None:
        self.document: DocxDocument = Document()
        set_font(self.document, font=font)
        self.part = "body"
        self.stack: list[str] = []  # marker kinds open in the current Pasal or section, outermost first

    def paragraph(self, role: str, text: str) -> Paragraph:
        """Add a paragraph of one of the layout's roles."""
        return add_runs(self.document.add_paragraph(style=STYLES[role][0]), text)

    def heading(self, level: int, text: str) -> None:
        """Print a `#`, `##` or `###` heading as the regulation prints it."""
        text = EXPLICIT_KEY.sub("", text).strip()
        self.stack = []
        if level == 1:
            self.paragraph("judul", text)
            return
        if level == 2:
            self._part(text)
            return
        if self.part == "penjelasan" and text.lower() in EXPLAIN_HEADINGS:
            self.paragraph("section", EXPLAIN_HEADINGS[text.lower()])
        elif text.startswith("Pasal "):
            self.paragraph("pasal", text)
        else:
            self.paragraph("section", text)

    def _part(self, text: str) -> None:
        lowered = text.lower()
        if lowered in ("pembukaan", "penutup"):
            self.part = lowered  # not printed: the Menimbang and the closing words speak for themselves
            return
        if lowered == "penjelasan":
            self.part = "penjelasan"
            self.paragraph("heading", "PENJELASAN")
            return
        lampiran = LAMPIRAN.match(text)
        if lampiran is not None:
            self.part = "lampiran"
            self.paragraph("heading", f"Lampiran {lampiran.group(1)}" if lampiran.group(1) else "Lampiran")
            if lampiran.group(2):
                self.paragraph("heading", lampiran.group(2))
            return
        self.part = "body"
        for pattern, _ in PART_TITLES:
            if pattern.match(text) is not None:
                head = TITLED_PART.match(text)
                name = head.group(1) if head else text
                self.paragraph("heading", name)
                title = text[len(name) :].strip()
                if title:
                    self.paragraph("heading", title)
                return
        self.paragraph("heading", text)

    def line(self, raw: str) -> None:
        """Print a line of text: a numbered item, a continuation, or a plain paragraph."""
        text = raw.strip()
        if not text:
            return
        if raw[:1] in (" ", "\t") and self.stack:
            continued = self.paragraph("continuation", text)
            continued.paragraph_format.left_indent = INDENT * len(self.stack) + HANGING
            return
        for kind, _, pattern in MARKERS:
            match = pattern.match(text)
            if match is not None and self.part != "penjelasan":
                self._item(kind, text[: match.start(2)].strip(), match.group(2))
                return
        role = {"pembukaan": "pembukaan", "penutup": "penutup"}.get(self.part, "text")
        if self.part == "pembukaan" and self.stack:
            role = "text"
        paragraph = self.paragraph(role, text)
        if self.stack:
            # A closing sentence after a list stands at the level of the text the list belongs to.
            paragraph.paragraph_format.left_indent = INDENT * (len(self.stack) - 1)

    def _item(self, kind: str, number: str, text: str) -> None:
        if kind in self.stack:
            del self.stack[self.stack.index(kind) + 1 :]
        else:
            self.stack.append(kind)
        item = self.paragraph("item", f"{number}\t{text}")
        item.paragraph_format.left_indent = INDENT * (len(self.stack) - 1) + HANGING
        item.paragraph_format.first_line_indent = -HANGING
        item.paragraph_format.tab_stops.add_tab_stop(INDENT * (len(self.stack) - 1) + HANGING)

    def to_bytes(self) -> bytes:
        """Save the document."""
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


def markdown_to_docx(*, body: str, font: str = DEFAULT_FONT) -> bytes:
    """Lay out a text in the drafting format (a version, an amending instrument) as a regulation .docx."""
    writer = RegulationWriter(font=font or DEFAULT_FONT)
    for raw in body.replace("\r\n", "\n").split("\n"):
        match = HEADING.match(raw)
        if match is not None:
            writer.heading(len(match.group(1)), match.group(2))
        else:
            writer.line(raw)
    return writer.to_bytes()
