"""Read a draft's Markdown as the hierarchy of Lampiran II UU 12/2011, each part with a readable eId.

The authoring convention is docs/drafting-format.md. `#` is the Judul; `##` opens a part (Pembukaan,
BAB, Bagian, Paragraf, Penutup, Penjelasan, Lampiran); `###` a Pasal (or Menimbang / Mengingat in
the Pembukaan, an entry of the Penjelasan); inside a Pasal `(1)` is an ayat, `a.` a huruf, `1.` an
angka and `a)` a huruf under an angka. A draft that breaks the numbering rules is refused with the
line and the rule, in Indonesian and English.

A Pasal's eId names its BAB but not its Bagian or Paragraf (`bab_2__pasal_6__ayat_2`): Pasal are
numbered through the whole regulation, and a link should not break when a Bagian is inserted.
"""

from __future__ import annotations

from policies.drafting.structure.lines import Parser
from policies.drafting.structure.parts import BAB, BAGIAN, HEADING, PARAGRAF, Element, ElementKind, refuse

__all__ = ["Element", "ElementKind", "parse_structure", "parse_with_heads", "refuse"]


def parse_with_heads(*, body: str) -> tuple[list[Element], dict[int, str]]:
    """Parse a draft; also return, per clause index, the eId of the element that is the whole clause."""
    parser = Parser()
    lines = body.replace("\r\n", "\n").split("\n")
    for number, raw in enumerate(lines, start=1):
        match = HEADING.match(raw)
        if match:
            level = len(match.group(1))
            if level < 3 and parser.part == "body" and parser.bab is not None and level == 2:
                name = match.group(2)
                if BAB.match(name) is None and BAGIAN.match(name) is None and PARAGRAF.match(name) is None:
                    parser.end_bab(number)  # a part after the body: the last BAB must have had its Pasal
            parser.heading(level, match.group(2), number)
        else:
            parser.text_line(raw, number)
    return parser.finish(len(lines)), parser.heads


def parse_structure(*, body: str) -> list[Element]:
    """Parse a draft into its elements in document order, or refuse it naming the line and the rule."""
    return parse_with_heads(body=body)[0]
