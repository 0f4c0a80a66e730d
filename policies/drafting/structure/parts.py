"""The parts of a regulation as the parser sees them, and the state it keeps while reading."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from policies.core.errors import InvalidInput
from policies.drafting.numbering import Numbering, expected_next, follows, sort_key

HEADING = re.compile(r"^(#{1,3})\s+(.*?)\s*$")
EXPLICIT_KEY = re.compile(r"\s*\{#[a-z0-9][a-z0-9-]{1,38}\}\s*$")
PASAL = re.compile(r"^Pasal\s+(\d{1,4}[A-Z]?|[IVXLC]{1,8})$")
BAB = re.compile(r"^BAB\s+([IVXLC]{1,8}[A-Z]?)(?:\s+(.*))?$")
BAGIAN = re.compile(
    r"^Bagian\s+(Ke\w+(?:\s+(?:Belas|Puluh)(?:\s+(?:Satu|Dua|Tiga|Empat|Lima|Enam|Tujuh|Delapan|Sembilan))?)?)(?:\s+(.*))?$"
)
PARAGRAF = re.compile(r"^Paragraf\s+(\d{1,3})(?:\s+(.*))?$")
LAMPIRAN = re.compile(r"^Lampiran(?:\s+([IVXLC]{1,8}))?(?:\s+(.*))?$")
MARKERS = (
    ("ayat", 1, re.compile(r"^\((\d{1,3}[a-z]?)\)\s+(.*)$")),
    ("huruf", 2, re.compile(r"^([a-z])\.\s+(.*)$")),
    ("angka", 3, re.compile(r"^(\d{1,3}[A-Z]?)\.\s+(.*)$")),
    ("subhuruf", 4, re.compile(r"^([a-z])\)\s+(.*)$")),
)
# In the Penjelasan a Pasal's parts are named on a line of their own ("Ayat (2)", "Huruf a").
EXPLAIN = re.compile(r"^(?:Ayat\s+\((\d{1,3}[a-z]?)\)|Huruf\s+([a-z])|Angka\s+(\d{1,3}))\s*$")
SECTION_PREFIX = re.compile(r"^[IVX]{1,4}\.\s+")


class ElementKind(StrEnum):
    """The parts of a regulation the parser tells apart."""

    JUDUL = "judul"
    PEMBUKAAN = "pembukaan"
    MENIMBANG = "menimbang"
    MENGINGAT = "mengingat"
    POINT = "point"
    BAB = "bab"
    BAGIAN = "bagian"
    PARAGRAF = "paragraf"
    PASAL = "pasal"
    AYAT = "ayat"
    HURUF = "huruf"
    ANGKA = "angka"
    PENUTUP = "penutup"
    PENJELASAN = "penjelasan"
    PENJELASAN_UMUM = "penjelasan_umum"
    PENJELASANPASAL = "penjelasan_pasal"
    LAMPIRAN = "lampiran"
    TEXT = "text"


@dataclass(frozen=True)
class Element:
    """One addressable part of a draft: its eId, what it is, its number and its own text."""

    eid: str
    kind: str
    num: str
    label: str
    text: str
    parent_eid: str | None
    line: int
    clause_index: int


def refuse(line: int, rule: str, rule_en: str) -> InvalidInput:
    """Make the refusal of a draft that breaks a rule at a line."""
    return InvalidInput(f"Baris {line}: {rule}", en=f"Line {line}: {rule_en}", field="body", line=line)


@dataclass
class Node:
    eid: str
    kind: str
    num: str
    label: str
    parent: Node | None
    line: int
    clause_index: int
    rank: int = 0  # depth inside a Pasal: pasal 0, ayat 1, huruf 2, angka 3, huruf a) 4
    lines: list[str] = field(default_factory=list)
    lists: Numbering = field(default_factory=Numbering)
    texts: int = 0


class ParserState:
    """Walk the lines once, keeping the open part, the ### section and the open list items."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.eids: set[str] = set()
        self.heads: dict[int, str] = {}  # clause index -> eId of the element that is that clause
        self.count = 0  # clauses begun so far, in parse_draft's order
        self.in_section = False
        self.segment_counted = False
        self.part = "body"  # body, pembukaan, penutup, penjelasan, lampiran
        self.part_node: Node | None = None
        self.judul: Node | None = None
        self.bab: Node | None = None
        self.bagian: Node | None = None
        self.paragraf: Node | None = None
        self.section: Node | None = None
        self.stack: list[Node] = []
        self.sink: Node | None = None  # where a plain line goes
        self.awaiting_title: Node | None = None  # a BAB/Bagian/Paragraf whose title is the next line
        # BAB and Pasal are numbered through the whole regulation.
        self.bab_root = Node("", "", "", "", None, 0, 0)
        self.pasal_root = Node("", "", "", "", None, 0, 0)
        self.bagian_root = Node("", "", "", "", None, 0, 0)
        self.bab_pasal = 0

    def add(
        self,
        eid: str,
        kind: ElementKind,
        num: str,
        label: str,
        parent: Node | None,
        line: int,
        text: str = "",
        rank: int = 0,
    ) -> Node:
        if eid in self.eids:
            raise refuse(line, f"{label} ditulis dua kali.", f"{label} is written twice.")
        self.eids.add(eid)
        index = self.count - 1 if self.in_section else self.count
        node = Node(eid, kind.value, num, label, parent, line, index, rank, [text] if text else [])
        self.nodes.append(node)
        return node

    def check(
        self,
        parent: Node,
        kind: str,
        num: str,
        label: str,
        line: int,
        *,
        letters: bool = False,
        roman: bool = False,
    ) -> None:
        lists = parent.lists
        if lists.kind and lists.kind != kind:
            raise refuse(
                line,
                f"{label} menyusul {lists.last_label} pada tingkat yang sama: satu daftar memakai satu "
                "jenis penanda (ayat (1), huruf a., angka 1., atau a) di bawah angka).",
                f"{label} follows {lists.last_label} at the same level: one list uses one kind of marker "
                "(ayat (1), huruf a., angka 1., or a) under an angka).",
            )
        if not follows(lists.last, num, letters=letters, roman=roman):
            want = expected_next(lists.last, letters=letters, roman=roman)
            if lists.last is not None and sort_key(num) <= sort_key(lists.last):
                rule = f"{label} ditulis sesudah {lists.last_label}: nomor tidak boleh berulang atau mundur"
                rule_en = f"{label} is written after {lists.last_label}: a number may not repeat or go back"
            elif lists.last is None:
                rule = f"{label} harus dimulai dari {want}"
                rule_en = f"{label} must start at {want}"
            else:
                rule = f"{label} menyusul {lists.last_label}: penomoran tidak boleh melompat"
                rule_en = f"{label} follows {lists.last_label}: numbering may not skip"
            raise refuse(line, f"{rule} (yang diharapkan: {want}).", f"{rule_en} (expected: {want}).")
        lists.kind, lists.last, lists.last_label = kind, num, label

    # -- headings -------------------------------------------------------------------------
