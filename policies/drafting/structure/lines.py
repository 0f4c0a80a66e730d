"""Read the lines of a draft: list items inside a Pasal, points of the Pembukaan, the Penjelasan."""

from __future__ import annotations

import re

from policies.drafting.structure.headings import HeadingReader
from policies.drafting.structure.parts import EXPLAIN, MARKERS, Element, ElementKind, Node, refuse


class Parser(HeadingReader):
    """Walk the lines once, keeping the open part, the ### section and the open list items."""

    def text_line(self, raw: str, line: int) -> None:
        text = raw.strip()
        if not text:
            return
        if not self.in_section and not self.segment_counted:
            # Text outside a ### section is a clause of its own in parse_draft: its owner is that clause.
            self.count += 1
            self.segment_counted = True
            owner = self.sink or self.orphan(line)
            owner.clause_index = self.count - 1
            self.heads.setdefault(self.count - 1, owner.eid)
        if self.awaiting_title is not None and not any(p.match(text) for _k, _r, p in MARKERS):
            self.awaiting_title.lines.append(text)
            self.awaiting_title = None
            return
        section = self.section
        if section is not None and section.kind == "pasal":
            self.pasal_line(raw, text, line, section)
        elif section is not None and section.kind in ("menimbang", "mengingat"):
            self.point_line(text, line, section)
        elif section is not None and section.kind == "penjelasan_pasal":
            self.explain_line(text, line, section)
        else:
            if self.part == "body" and self.section is None and (self.bab or self.bagian):
                for kind, _rank, pattern in MARKERS:
                    if pattern.match(text):
                        raise refuse(
                            line,
                            f"{kind} hanya ditulis di dalam Pasal.",
                            f"an {kind} is written only inside a Pasal.",
                        )
            (self.sink or self.orphan(line)).lines.append(text)

    def orphan(self, line: int) -> Node:
        # Text before any heading: parse_draft calls it the Pembukaan.
        self.sink = self.add("teks_awal", ElementKind.TEXT, "", "Pembukaan", None, line)
        return self.sink

    def pasal_line(self, raw: str, text: str, line: int, pasal: Node) -> None:
        for kind, rank, pattern in MARKERS:
            m = pattern.match(text)
            if m:
                self.item(kind, rank, m.group(1), m.group(2), line, pasal)
                return
        top = self.stack[-1] if self.stack else None
        sink = self.sink
        if (
            top is None
            or raw[:1] in (" ", "\t")
            or (sink is not None and ((sink is top and top.kind == "ayat") or sink.kind == "text"))
        ):
            (self.sink or pasal).lines.append(text)  # the text of the Pasal or ayat goes on
            return
        # A plain line after a list closes it: the sentence belongs to the ayat (or the Pasal).
        anchor = next((n for n in reversed(self.stack) if n.kind == "ayat"), pasal)
        while self.stack and self.stack[-1] is not anchor:
            self.stack.pop()
        anchor.texts += 1
        self.sink = self.add(
            f"{anchor.eid}__text_{anchor.texts}",
            ElementKind.TEXT,
            "",
            f"{anchor.label} (kalimat)",
            anchor,
            line,
            text,
            rank=anchor.rank + 1,
        )

    def item(self, kind: str, rank: int, num: str, text: str, line: int, pasal: Node) -> None:
        same = next((i for i, n in enumerate(self.stack) if n.rank == rank), None)
        if same is not None:
            del self.stack[same:]
        else:
            while self.stack and self.stack[-1].rank > rank:
                self.stack.pop()
        parent = self.stack[-1] if self.stack else pasal
        if kind == "subhuruf" and parent.kind != "angka":
            raise refuse(
                line,
                f"huruf {num}) hanya dipakai di bawah angka; di bawah Pasal atau ayat tulis {num}.",
                f"the letter {num}) is used only under an angka; under a Pasal or ayat write {num}.",
            )
        names = {
            "ayat": (f"ayat ({num})", ElementKind.AYAT),
            "huruf": (f"huruf {num}", ElementKind.HURUF),
            "angka": (f"angka {num}", ElementKind.ANGKA),
            "subhuruf": (f"huruf {num})", ElementKind.HURUF),
        }
        word, element_kind = names[kind]
        label = f"{parent.label} {word}"
        self.check(parent, kind, num, label, line, letters=kind in ("huruf", "subhuruf"))
        eid = f"{parent.eid}__{element_kind.value}_{num.lower()}"
        node = self.add(eid, element_kind, num, label, parent, line, text, rank=rank)
        self.stack.append(node)
        self.sink = node

    def point_line(self, text: str, line: int, section: Node) -> None:
        letters = section.kind == "menimbang"
        m = re.match(r"^([a-z])\.\s+(.*)$", text) if letters else re.match(r"^(\d{1,3})\.\s+(.*)$", text)
        if m is None:
            for kind, _rank, pattern in MARKERS:
                if pattern.match(text):
                    want = "huruf a., b., c." if letters else "angka 1., 2., 3."
                    raise refuse(
                        line,
                        f"{section.label} diberi {want}; {kind} tidak dipakai di sini.",
                        f"{section.label} is numbered {want}; an {kind} is not used here.",
                    )
            (self.sink or section).lines.append(text)
            return
        num = m.group(1)
        label = f"{section.label} {'huruf' if letters else 'angka'} {num}"
        self.check(section, "point", num, label, line, letters=letters)
        self.sink = self.add(
            f"{section.eid}__point_{num}", ElementKind.POINT, num, label, section, line, m.group(2)
        )

    def explain_line(self, text: str, line: int, entry: Node) -> None:
        m = EXPLAIN.match(text)
        if m is None:
            (self.sink or entry).lines.append(text)
            return
        ayat, huruf, angka = m.groups()
        if ayat:
            del self.stack[:]
            parent, kind, num, word = entry, ElementKind.AYAT, ayat, f"ayat ({ayat})"
        elif huruf:
            self.stack = [n for n in self.stack if n.kind == "ayat"]
            parent, kind, num, word = (
                (self.stack[-1] if self.stack else entry),
                ElementKind.HURUF,
                huruf,
                f"huruf {huruf}",
            )
        else:
            self.stack = [n for n in self.stack if n.kind != "angka"]
            parent, kind, num, word = (
                (self.stack[-1] if self.stack else entry),
                ElementKind.ANGKA,
                angka,
                f"angka {angka}",
            )
        node = self.add(
            f"{parent.eid}__{kind.value}_{num.lower()}", kind, num, f"{parent.label} {word}", parent, line
        )
        self.stack.append(node)
        self.sink = node

    def finish(self, line: int) -> list[Element]:
        self.end_bab_if_part(line)
        last = max(self.count - 1, 0)
        return [
            Element(
                eid=n.eid,
                kind=n.kind,
                num=n.num,
                label=n.label,
                text="\n".join(n.lines).strip(),
                parent_eid=n.parent.eid if n.parent is not None and n.parent.eid else None,
                line=n.line,
                clause_index=min(n.clause_index, last),
            )
            for n in self.nodes
        ]

    def end_bab_if_part(self, line: int) -> None:
        if self.part == "body":
            self.end_bab(line)
