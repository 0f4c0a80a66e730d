"""The paragraphs of a .docx in reading order, table cells included, with Word's own list numbers.

A drafter's .docx often numbers its ayat and huruf with Word's automatic lists (the number is not in
the text) and sets Menimbang and Mengingat in a table; both are read here, so the placing sees
`(1) …` and `a. …` as they are printed.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.oxml.numbering import CT_NumPr
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from policies.core.errors import InvalidInput
from policies.drafting.word.layout import STYLE_ROLES, runs_markdown

ROMAN = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90), ("l", 50), ("xl", 40),
         ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))  # fmt: skip
MAX_UNPACKED_MB = 50
MAX_UNPACKED_BYTES = MAX_UNPACKED_MB * 1_000_000
# A soft line break (Shift+Enter) is a space here: "BAB I" and its title often share a paragraph so.
SPACES = re.compile(r"[ \t\n\r\u000b\u00a0\u2002\u2003\u2009]+")


@dataclass(frozen=True)
class WordParagraph:
    """One non-empty paragraph: its place (1-based), plain text, text with Markdown emphasis, role."""

    index: int
    text: str
    marked: str
    role: str | None  # the layout role of a Siklus style, else None
    style: str


def _roman(number: int) -> str:
    out = ""
    for letters, value in ROMAN:
        while number >= value:
            out, number = out + letters, number - value
    return out


def _format(number: int, fmt: str) -> str | None:
    if fmt == "decimal":
        return str(number)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (number - 1) % 26)
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(number) if fmt == "lowerRoman" else _roman(number).upper()
    return None  # bullets and the rest carry no number


class Numbering:
    """Count Word's automatic list numbers as they are printed (`(%1)`, `%2.`, `%3)`)."""

    def __init__(self, document: DocxDocument) -> None:
        self.levels: dict[str, dict[str, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except NotImplementedError:
            # A document without lists has no numbering part, and python-docx's `numbering_part` then
            # tries to create one with `NumberingPart.new()`, which it does not implement: nothing to count.
            return
        abstract: dict[str, dict[str, tuple[str, str, int]]] = {}
        for node in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in node.findall(qn("w:lvl")):
                fmt, text = lvl.find(qn("w:numFmt")), lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                levels[lvl.get(qn("w:ilvl"))] = (
                    fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    text.get(qn("w:val")) if text is not None else "",
                    int(start.get(qn("w:val"))) if start is not None else 1,
                )
            abstract[node.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                self.levels[num.get(qn("w:numId"))] = abstract.get(ref.get(qn("w:val")), {})

    def label(self, paragraph: Paragraph) -> str | None:
        """Return the number Word prints before this paragraph, counting it; None when it has none."""
        numpr = _numpr(paragraph)
        if numpr is None or numpr.numId is None:
            return None
        num_id = str(numpr.numId.val)
        own = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
        ilvl = own.ilvl if own is not None and own.ilvl is not None else numpr.ilvl
        level = int(ilvl.val) if ilvl is not None else 0
        levels = self.levels.get(num_id)
        if not levels or str(level) not in levels:
            return None
        counters = self.counters.setdefault(num_id, {})
        _, _, start = levels[str(level)]
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [key for key in counters if key > level]:
            del counters[deeper]  # a new item restarts the lists under it
        fmt, text, _ = levels[str(level)]
        if _format(1, fmt) is None:
            return None
        for shown in range(level + 1):
            shown_fmt, _, shown_start = levels.get(str(shown), ("decimal", "", 1))
            value = _format(counters.get(shown, shown_start), shown_fmt) or ""
            text = text.replace(f"%{shown + 1}", value)
        return text or None


def _numpr(paragraph: Paragraph) -> CT_NumPr | None:
    """The list a paragraph is in: its own, or its style's (Word's "List Number" numbers by style)."""
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None and ppr.numPr.numId is not None:
        return ppr.numPr
    style = paragraph.style
    while style is not None:
        spr = style.element.pPr
        if spr is not None and spr.numPr is not None and spr.numPr.numId is not None:
            return spr.numPr
        style = style.base_style
    return None


def _blocks(document: DocxDocument, container: etree._Element | None = None) -> list[Paragraph]:
    out: list[Paragraph] = []
    seen: set[etree._Element] = set()  # the cells themselves: ids of freed lxml proxies get reused
    for child in (document.element.body if container is None else container).iterchildren():
        if child.tag == qn("w:p"):
            out.append(Paragraph(child, document))
        elif child.tag == qn("w:sdt"):
            # A content control (templates wrap whole sections in them): its paragraphs are the text.
            content = child.find(qn("w:sdtContent"))
            out.extend(_blocks(document, content) if content is not None else [])
        elif child.tag == qn("w:tbl"):
            for row in Table(child, document).rows:
                for cell in row.cells:
                    if cell._tc in seen:
                        continue  # a merged cell is listed once per row it spans
                    seen.add(cell._tc)
                    out.extend(_blocks(document, cell._tc))  # nested tables and controls too
    return out


def shown_runs(paragraph: Paragraph) -> list[Run]:
    """The runs a reader sees, tracked changes accepted: inserted text in, deleted text out.

    python-docx's `paragraph.runs` lists only the paragraph's own runs, so the words of a tracked
    insertion (`w:ins`), a hyperlink, a field or a content control would silently go missing.
    """
    found = paragraph._p.xpath(
        "./w:r | ./*[not(self::w:del or self::w:moveFrom or self::w:pPr)]"
        "//w:r[not(ancestor::w:del or ancestor::w:moveFrom or ancestor::w:txbxContent)]"
    )
    return [Run(r, paragraph) for r in found]


def _unpacked_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return sum(member.file_size for member in package.infolist())


def open_docx(data: bytes) -> DocxDocument:
    """Open a .docx, or refuse a file that is not one (or is damaged) in two languages."""
    if not data:
        raise InvalidInput(
            "Berkas yang diunggah kosong (0 bita); pilih dokumen Word (.docx) yang berisi rancangan.",
            en="The uploaded file is empty (0 bytes); choose a Word document (.docx) holding the draft.",
            field="file",
        )
    try:
        # A small upload can unpack to gigabytes; the parts' declared sizes are checked first.
        if _unpacked_size(data) > MAX_UNPACKED_BYTES:
            raise InvalidInput(
                f"Isi dokumen Word ini terlalu besar (lebih dari {MAX_UNPACKED_MB} MB setelah dibuka); "
                "pecah dokumen atau hapus gambar di dalamnya.",
                en=f"This Word document is too large (over {MAX_UNPACKED_MB} MB unpacked); "
                "split it or remove the images in it.",
                field="file",
            )
        return Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError) as error:
        raise InvalidInput(
            "Berkas ini bukan dokumen Word (.docx); simpan ulang sebagai .docx lalu unggah.",
            en="This file is not a Word document (.docx); save it again as .docx and upload it.",
            field="file",
        ) from error
    except (KeyError, ValueError, etree.XMLSyntaxError) as error:
        # A zip with a missing or broken part: the file is damaged, not a refusal of our own rules.
        raise InvalidInput(
            "Dokumen Word ini rusak dan tidak dapat dibaca; simpan ulang sebagai .docx lalu unggah.",
            en="This Word document is damaged and cannot be read; save it again as .docx and upload it.",
            field="file",
        ) from error


def read_paragraphs(document: DocxDocument) -> list[WordParagraph]:
    """List the document's non-empty paragraphs in reading order, automatic numbers written in."""
    numbering = Numbering(document)
    out: list[WordParagraph] = []
    for paragraph in _blocks(document):
        label = numbering.label(paragraph)
        runs = shown_runs(paragraph)
        text = SPACES.sub(" ", "".join(run.text for run in runs)).strip()
        if not text and not label:
            continue
        marked = SPACES.sub(" ", runs_markdown(paragraph, runs)).strip()
        if label:
            # A heading numbered by Word alone ("Pasal %1", "BAB %1") has no text of its own.
            text, marked = f"{label} {text}".rstrip(), f"{label} {marked}".rstrip()
        style = paragraph.style.name if paragraph.style is not None else ""
        out.append(WordParagraph(len(out) + 1, text, marked, STYLE_ROLES.get(style), style))
    return out
