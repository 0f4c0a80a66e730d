"""Read a draft from .docx: place each paragraph in the structure, and report those it could not place.

The paragraphs are read as a regulation prints them (docs/drafting-format.md, "Word in"): the title
first, `Menimbang` / `Mengingat` and their points, `BAB I` with its title on the next line,
`Bagian Kesatu`, `Paragraf 1`, `Pasal 5`, `(1)` ayat, `a.` huruf, `1.` angka, `a)` under an angka,
`Agar setiap orang mengetahuinya …` opening the Penutup, `PENJELASAN` with `I. UMUM`,
`II. PASAL DEMI PASAL`, `Ayat (1)`, and `LAMPIRAN`. The Markdown written from them is then parsed;
every line the parser refuses is taken out and reported with the parser's rule, until it reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policies.core.errors import InvalidInput
from policies.drafting.structure import parse_structure
from policies.drafting.structure.parts import BAGIAN, EXPLAIN, MARKERS, PARAGRAF, PASAL
from policies.drafting.word.paragraphs import WordParagraph, open_docx, read_paragraphs

BAB_LINE = re.compile(r"^BAB\s+([IVXLC]{1,8}[A-Z]?)\b\.?\s*(.*)$")
PREAMBLE = re.compile(r"^(Menimbang|Mengingat|Memperhatikan)\s*:?\s*(.*)$", re.IGNORECASE)
MEMUTUSKAN = re.compile(r"^M\s*E\s*M\s*U\s*T\s*U\s*S\s*K\s*A\s*N\s*:?$", re.IGNORECASE)
MENETAPKAN = re.compile(r"^Menetapkan\s*:?\s*(.*)$", re.IGNORECASE)
PENUTUP = re.compile(r"^Agar setiap orang mengetahuinya", re.IGNORECASE)
PENJELASAN = re.compile(r"^PENJELASAN\b")
UMUM = re.compile(r"^(?:I\.\s*)?UMUM$", re.IGNORECASE)
DEMI = re.compile(r"^(?:II\.\s*)?PASAL DEMI PASAL$", re.IGNORECASE)
LAMPIRAN = re.compile(r"^(?:LAMPIRAN|Lampiran)(?:\s+([IVXLC]{1,8}))?\s*$")
# Header lines of a printed title that belong to the Pembukaan, not the title.
PEMBUKAAN_WORDS = re.compile(r"^DENGAN RAHMAT TUHAN YANG MAHA ESA|,$", re.IGNORECASE)
MAX_REMOVALS = 500
# A lone ":" of a Menimbang table or a rule of dashes is layout; "..." (a signature to come) is text.
LAYOUT = re.compile(r"^[:\-–—_=\s]+$")


PASAL_WORD = re.compile(r"^pasal(?=\s+\S+$)", re.IGNORECASE)


def bare(text: str) -> str:
    """Drop the stop or colon a typist puts after a heading (`Pasal 3.`, `Menimbang:`); `PASAL 3` too."""
    return PASAL_WORD.sub("Pasal", text.rstrip(" .:"))


@dataclass(frozen=True)
class Unplaced:
    """A paragraph the import could not place, and why (Indonesian and English)."""

    paragraph: int
    text: str
    reason: str
    reason_en: str


@dataclass
class WordImport:
    """A .docx read as a draft: its Markdown, its title, and the paragraphs left out."""

    body: str
    title: str
    paragraphs: int
    unplaced: list[Unplaced] = field(default_factory=list)


@dataclass
class Placer:
    """Walk the paragraphs once, writing Markdown lines tagged with the paragraph they came from."""

    lines: list[tuple[str, int | None]] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    part: str = "head"  # head, pembukaan, body, penutup, penjelasan, lampiran
    header: list[WordParagraph] = field(default_factory=list)
    awaiting_title: int | None = None  # index in lines of a heading whose title is the next paragraph
    in_pasal: bool = False

    def emit(self, line: str, source: int | None) -> None:
        self.lines.append((line, source))

    def leave(self, paragraph: WordParagraph, reason: str, reason_en: str) -> None:
        self.unplaced.append(Unplaced(paragraph.index, paragraph.text, reason, reason_en))

    def end_header(self) -> None:
        """Write the title and the Pembukaan's opening words gathered before the first part."""
        if self.part != "head":
            return
        title = [
            p
            for p in self.header
            if p.role == "judul" or (p.role is None and not PEMBUKAAN_WORDS.search(p.text))
        ]
        opening = [p for p in self.header if p not in title]
        if title:
            self.emit("# " + " ".join(p.text for p in title), title[0].index)
        if opening:
            self.emit("## Pembukaan", None)
            for p in opening:
                self.emit(p.marked, p.index)
        self.part = "pembukaan" if opening else "head-done"

    def heading(self, line: str, paragraph: WordParagraph, *, titled: bool) -> None:
        self.emit(line, paragraph.index)
        self.awaiting_title = None if titled else len(self.lines) - 1

    def place(self, p: WordParagraph) -> None:
        """Place one paragraph."""
        text = p.text
        if LAYOUT.match(text):
            return
        if self.awaiting_title is not None and not self._structural(text):
            heading, source = self.lines[self.awaiting_title]
            self.lines[self.awaiting_title] = (f"{heading} {text}", source)
            self.awaiting_title = None
            return
        self.awaiting_title = None
        if self._switch(p):
            return
        self._content(p)

    def _structural(self, text: str) -> bool:
        patterns = (BAB_LINE, BAGIAN, PARAGRAF, PASAL, PREAMBLE, MEMUTUSKAN, MENETAPKAN, PENJELASAN, LAMPIRAN)
        return any(pattern.match(bare(text)) for pattern in patterns) or any(
            m.match(text) for _, _, m in MARKERS
        )

    def _switch(self, p: WordParagraph) -> bool:
        text = p.text
        if PENJELASAN.match(text) and self.part not in ("penjelasan",):
            self.end_header()
            self.part, self.in_pasal = "penjelasan", False
            self.emit("## Penjelasan", p.index)
            return True
        lampiran = LAMPIRAN.match(text)
        if lampiran is not None:
            self.end_header()
            self.part, self.in_pasal = "lampiran", False
            number = f" {lampiran.group(1)}" if lampiran.group(1) else ""
            self.heading(f"## Lampiran{number}", p, titled=False)
            return True
        if self.part == "penjelasan":
            return self._switch_penjelasan(p)
        preamble = PREAMBLE.match(text)
        if preamble is not None and self.part in ("head", "head-done", "pembukaan"):
            self._pembukaan(p, f"### {preamble.group(1).capitalize()}", preamble.group(2))
            return True
        if MEMUTUSKAN.match(text) and self.part in ("head", "head-done", "pembukaan"):
            self._pembukaan(p, "### Memutuskan", "")
            return True
        menetapkan = MENETAPKAN.match(text)
        # A "Menetapkan: …" this writer set as the Pembukaan's words is text under Memutuskan.
        if menetapkan is not None and p.role is None and self.part in ("head", "head-done", "pembukaan"):
            self._pembukaan(p, "### Menetapkan", menetapkan.group(1))
            return True
        return self._switch_body(p)

    def _pembukaan(self, p: WordParagraph, heading: str, rest: str) -> None:
        self.end_header()
        if self.part != "pembukaan":
            self.emit("## Pembukaan", None)
            self.part = "pembukaan"
        self.emit(heading, p.index)
        if rest.strip():
            self.emit(rest.strip(), p.index)

    def _switch_body(self, p: WordParagraph) -> bool:
        text = p.text
        bab = BAB_LINE.match(text)
        if bab is not None:
            self.end_header()
            self.part, self.in_pasal = "body", False
            self.heading(
                f"## BAB {bab.group(1)}" + (f" {bab.group(2)}" if bab.group(2) else ""),
                p,
                titled=bool(bab.group(2)),
            )
            return True
        for pattern, name in ((BAGIAN, "Bagian"), (PARAGRAF, "Paragraf")):
            match = pattern.match(text)
            if match is not None and self.part == "body":
                self.in_pasal = False
                title = f" {match.group(2)}" if match.group(2) else ""
                self.heading(f"## {name} {match.group(1)}{title}", p, titled=bool(match.group(2)))
                return True
        if PASAL.match(bare(text)) and self.part in ("head", "head-done", "pembukaan", "body"):
            self.end_header()
            self.part, self.in_pasal = "body", True
            self.emit(f"### {bare(text)}", p.index)
            return True
        if PENUTUP.match(text) and self.part == "body":
            self.part, self.in_pasal = "penutup", False
            self.emit("## Penutup", None)
            self.emit(p.marked, p.index)
            return True
        return False

    def _switch_penjelasan(self, p: WordParagraph) -> bool:
        text = p.text
        if UMUM.match(text):
            self.emit("### Umum", p.index)
        elif DEMI.match(text):
            self.emit("### Pasal demi Pasal", p.index)
        elif PASAL.match(bare(text)):
            self.emit(f"### {bare(text)}", p.index)
        else:
            return False
        return True

    def _content(self, p: WordParagraph) -> None:
        text = p.marked
        if self.part == "head":
            self.header.append(p)
        elif self.part == "head-done":
            self.leave(
                p,
                "teks sesudah judul yang bukan bagian Pembukaan",
                "text after the title outside the Pembukaan",
            )
        elif self.part == "body" and not self.in_pasal:
            self.leave(p, "teks di luar Pasal", "text outside any Pasal")
        elif self.part == "penjelasan" and EXPLAIN.match(p.text):
            self.emit(p.text, p.index)
        elif self.part == "lampiran" and p.role == "section":
            self.emit(f"### {p.text}", p.index)
        elif p.role == "continuation":
            self.emit(f"  {text}", p.index)  # an indented line continues the item above it
        else:
            self.emit(text, p.index)


def _settle(placer: Placer) -> str:
    """Take out each line the parser refuses, reporting its paragraph with the rule, until the draft reads."""
    lines = placer.lines
    for _ in range(MAX_REMOVALS):
        body = "\n".join(line for line, _ in lines)
        try:
            parse_structure(body=body)
            return body
        except InvalidInput as refusal:
            number = refusal.extra.get("line")
            if not isinstance(number, int) or not 1 <= number <= len(lines):
                raise
            text, source = lines.pop(number - 1)
            rule = refusal.detail.split(": ", 1)[-1]
            rule_en = refusal.detail_en.split(": ", 1)[-1]
            if source is not None:
                placer.unplaced.append(Unplaced(source, text.lstrip("#").strip(), rule, rule_en))
    raise InvalidInput(
        "Dokumen Word ini tidak dapat dibaca sebagai rancangan peraturan.",
        en="This Word document cannot be read as a draft regulation.",
        field="file",
    )


def import_docx(*, data: bytes) -> WordImport:
    """Read a .docx as a draft in the drafting format, with every paragraph it could not place."""
    paragraphs = read_paragraphs(open_docx(data))
    placer = Placer()
    for paragraph in paragraphs:
        placer.place(paragraph)
    placer.end_header()
    body = _settle(placer)
    if not body.strip():
        raise InvalidInput(
            "Dokumen Word ini tidak berisi teks rancangan.",
            en="This Word document holds no draft text.",
            field="file",
        )
    title = next((line[2:] for line in body.split("\n") if line.startswith("# ")), "")
    unplaced = sorted(placer.unplaced, key=lambda u: u.paragraph)
    return WordImport(body=body, title=title, paragraphs=len(paragraphs), unplaced=unplaced)
