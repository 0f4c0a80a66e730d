"""Read the headings of a draft: the Judul, the parts (##) and the sections (###)."""

from __future__ import annotations

import re

from policies.drafting.numbering import ordinal_value, roman_value, sort_key
from policies.drafting.structure.parts import (
    BAB,
    BAGIAN,
    EXPLICIT_KEY,
    LAMPIRAN,
    PARAGRAF,
    PASAL,
    SECTION_PREFIX,
    ElementKind,
    Node,
    ParserState,
    refuse,
)


class HeadingReader(ParserState):
    """Open the parts and sections as their headings come."""

    def heading(self, level: int, text: str, line: int) -> None:
        self.stack, self.awaiting_title = [], None
        if level == 3:
            self.count += 1
            self.in_section = True
            self.section = self.section_heading(EXPLICIT_KEY.sub("", text).strip(), line)
            self.section.clause_index = self.count - 1
            self.heads[self.count - 1] = self.section.eid
            self.sink = self.section
            return
        self.in_section, self.segment_counted, self.section = False, False, None
        if level == 1:
            if self.judul is not None:
                raise refuse(line, "judul (#) hanya ditulis sekali.", "the title (#) is written only once.")
            self.judul = self.sink = self.add("judul", ElementKind.JUDUL, "", "Judul", None, line, text)
        else:
            self.part_heading(text, line)

    def part_heading(self, name: str, line: int) -> None:
        lower = name.lower().rstrip(":")
        simple = {
            "pembukaan": ElementKind.PEMBUKAAN,
            "penutup": ElementKind.PENUTUP,
            "penjelasan": ElementKind.PENJELASAN,
        }
        if lower in simple:
            self.open_part(lower, self.add(lower, simple[lower], "", name.rstrip(":"), None, line))
        elif m := LAMPIRAN.match(name):
            num = m.group(1) or ""
            n = roman_value(num) if num else sum(1 for x in self.nodes if x.kind == "lampiran") + 1
            label = f"Lampiran {num}".strip()
            self.open_part(
                "lampiran",
                self.add(f"lampiran_{n}", ElementKind.LAMPIRAN, num, label, None, line, m.group(2) or ""),
            )
        elif m := BAB.match(name):
            self.bab_heading(m.group(1), m.group(2) or "", line)
        elif m := BAGIAN.match(name):
            self.bagian_heading(m.group(1), m.group(2) or "", line)
        elif m := PARAGRAF.match(name):
            self.paragraf_heading(m.group(1), m.group(2) or "", line)
        else:
            raise refuse(
                line,
                f"judul '## {name}' tidak dikenal: tulis Pembukaan, BAB dengan angka Romawi, Bagian Kesatu, "
                "Paragraf 1, Penutup, Penjelasan atau Lampiran.",
                f"the heading '## {name}' is not known: write Pembukaan, BAB with a Roman numeral, Bagian "
                "Kesatu, Paragraf 1, Penutup, Penjelasan or Lampiran.",
            )

    def open_part(self, part: str, node: Node) -> None:
        self.part, self.part_node, self.sink = part, node, node
        self.bab = self.bagian = self.paragraf = None

    def end_bab(self, line: int) -> None:
        if self.bab is not None and self.bab_pasal == 0:
            raise refuse(
                line,
                f"{self.bab.label} belum berisi Pasal: satu BAB berisi paling sedikit satu Pasal.",
                f"{self.bab.label} has no Pasal yet: a BAB holds at least one Pasal.",
            )

    def bab_heading(self, num: str, title: str, line: int) -> None:
        if self.part != "body":
            self.part, self.part_node = "body", None
        self.end_bab(line)
        label = f"BAB {num}"
        self.check(self.bab_root, "bab", num, label, line, roman=True)
        split = re.match(r"^([IVXLC]+?)([ABD-H]?)$", num)
        eid = f"bab_{roman_value(split.group(1))}{split.group(2).lower()}" if split else f"bab_{num.lower()}"
        self.bab = self.sink = self.add(eid, ElementKind.BAB, num, label, None, line, title)
        self.bagian = self.paragraf = None
        self.bab_pasal = 0
        self.awaiting_title = None if title else self.bab

    def bagian_heading(self, words: str, title: str, line: int) -> None:
        n = ordinal_value(words)
        if self.part != "body" or n == 0:
            raise refuse(
                line,
                f"Bagian '{words}' hanya ditulis di Batang Tubuh dengan bilangan bertingkat "
                "(Kesatu, Kedua, …).",
                f"Bagian '{words}' is written only in the body, numbered Kesatu, Kedua, ….",
            )
        parent = self.bab or self.bagian_root
        label = f"{self.bab.label} Bagian {words}" if self.bab else f"Bagian {words}"
        self.check(parent, "bagian", str(n), label, line)
        eid = f"{self.bab.eid}__bagian_{n}" if self.bab else f"bagian_{n}"
        self.bagian = self.sink = self.add(eid, ElementKind.BAGIAN, words, label, self.bab, line, title)
        self.paragraf = None
        self.awaiting_title = None if title else self.bagian

    def paragraf_heading(self, num: str, title: str, line: int) -> None:
        if self.bagian is None:
            raise refuse(
                line,
                f"Paragraf {num} hanya ditulis di dalam Bagian.",
                f"Paragraf {num} is written only inside a Bagian.",
            )
        label = f"{self.bagian.label} Paragraf {num}"
        self.check(self.bagian, "paragraf", num, label, line)
        self.paragraf = self.sink = self.add(
            f"{self.bagian.eid}__paragraf_{num}", ElementKind.PARAGRAF, num, label, self.bagian, line, title
        )
        self.awaiting_title = None if title else self.paragraf

    def section_heading(self, text: str, line: int) -> Node:
        if self.part == "pembukaan" and PASAL.match(text) is None:
            return self.pembukaan_section(text, line)
        if self.part == "pembukaan":
            # A regulation without BAB (an amendment's Pasal I and II): its body starts at the first Pasal.
            self.part, self.part_node = "body", None
        if self.part == "penjelasan":
            return self.penjelasan_section(text, line)
        if self.part == "lampiran":
            assert self.part_node is not None
            self.part_node.texts += 1
            eid = f"{self.part_node.eid}__text_{self.part_node.texts}"
            return self.add(
                eid, ElementKind.TEXT, "", f"{self.part_node.label}: {text}", self.part_node, line, text
            )
        if self.part == "penutup":
            raise refuse(
                line,
                f"Penutup tidak memuat judul ###: '{text}' ditulis sebagai teks biasa atau sebagai Pasal di "
                "dalam BAB.",
                f"the Penutup has no ### heading: write '{text}' as plain text or as a Pasal in a BAB.",
            )
        m = PASAL.match(text)
        if not m:
            raise refuse(
                line,
                f"judul pasal ditulis 'Pasal' dan nomornya (misalnya 'Pasal 6'), bukan '{text}'.",
                f"a Pasal heading is 'Pasal' and its number (e.g. 'Pasal 6'), not '{text}'.",
            )
        num = m.group(1)
        roman = roman_value(num) > 0 and not num[0].isdigit()
        self.check(self.pasal_root, "pasal", num, f"Pasal {num}", line, roman=roman)
        self.bab_pasal += 1
        eid = f"{self.bab.eid}__pasal_{num.lower()}" if self.bab else f"pasal_{num.lower()}"
        return self.add(
            eid, ElementKind.PASAL, num, f"Pasal {num}", self.paragraf or self.bagian or self.bab, line
        )

    def pembukaan_section(self, text: str, line: int) -> Node:
        name = text.lower().rstrip(":").strip()
        kinds = {
            "menimbang": ElementKind.MENIMBANG,
            "mengingat": ElementKind.MENGINGAT,
            "memperhatikan": ElementKind.TEXT,
            "memutuskan": ElementKind.TEXT,
            "menetapkan": ElementKind.TEXT,
        }
        if name not in kinds:
            raise refuse(
                line,
                f"di Pembukaan judul ### adalah Menimbang, Mengingat, Memperhatikan, Memutuskan atau "
                f"Menetapkan, bukan '{text}'.",
                f"in the Pembukaan a ### heading is Menimbang, Mengingat, "
                f"Memperhatikan, Memutuskan or Menetapkan, not '{text}'.",
            )
        return self.add(name, kinds[name], "", text.rstrip(":"), self.part_node, line)

    def penjelasan_section(self, text: str, line: int) -> Node:
        name = SECTION_PREFIX.sub("", text).strip()
        if name.lower() == "umum":
            return self.add(
                "penjelasan__umum", ElementKind.PENJELASAN_UMUM, "", "Penjelasan Umum", self.part_node, line
            )
        if name.lower() == "pasal demi pasal":
            return self.add(
                "penjelasan__pasal_demi_pasal",
                ElementKind.TEXT,
                "",
                "Penjelasan Pasal demi Pasal",
                self.part_node,
                line,
            )
        m = PASAL.match(name)
        if not m:
            raise refuse(
                line,
                f"di Penjelasan judul ### adalah Umum, Pasal demi Pasal, atau 'Pasal' dengan nomornya, "
                f"bukan '{text}'.",
                f"in the Penjelasan a ### heading is Umum, Pasal demi Pasal, or 'Pasal' "
                f"and its number, not '{text}'.",
            )
        num = m.group(1)
        assert self.part_node is not None
        lists = self.part_node.lists
        if lists.last is not None and sort_key(num) <= sort_key(lists.last):
            raise refuse(
                line,
                f"Penjelasan Pasal {num} ditulis sesudah Penjelasan Pasal {lists.last}: Pasal demi Pasal "
                "menurut urutan nomornya.",
                f"the Penjelasan of Pasal {num} comes after that of Pasal "
                f"{lists.last}: Pasal demi Pasal follows the numbering.",
            )
        lists.last = num
        return self.add(
            f"penjelasan__pasal_{num.lower()}",
            ElementKind.PENJELASANPASAL,
            num,
            f"Penjelasan Pasal {num}",
            self.part_node,
            line,
        )

    # -- lines ----------------------------------------------------------------------------
