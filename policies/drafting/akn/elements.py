"""One element of the structure, with everything under it, as an Akoma Ntoso 3.0 element.

The Indonesian levels map onto AKN's hierarchy: BAB → chapter, Bagian → part, Paragraf → subpart,
Pasal → section, ayat → subsection, huruf and angka → point. An element keeps its eId, so a link or
an amendment that names `bab_2__pasal_6__ayat_2` finds the same ayat in the XML. A closing sentence
after a list becomes the wrapUp; the text before a list the intro.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from lxml import etree
from lxml.builder import ElementMaker

from policies.drafting.structure import Element, ElementKind

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
E = ElementMaker(namespace=AKN_NS, nsmap={None: AKN_NS})

HIERARCHY = {
    ElementKind.BAB.value: "chapter",
    ElementKind.BAGIAN.value: "part",
    ElementKind.PARAGRAF.value: "subpart",
    ElementKind.PASAL.value: "section",
    ElementKind.AYAT.value: "subsection",
    ElementKind.HURUF.value: "point",
    ElementKind.ANGKA.value: "point",
}
# Titled levels: their own text is the heading, not the content.
TITLED = {ElementKind.BAB.value, ElementKind.BAGIAN.value, ElementKind.PARAGRAF.value}
# Inline Markdown the authoring format keeps (docs/drafting-format.md): bold and italic.
INLINE = re.compile(r"\*\*(.+?)\*\*|(?<!\w)_(.+?)_(?!\w)")

Children = Mapping[str | None, list[Element]]


def children_of(elements: Iterable[Element]) -> dict[str | None, list[Element]]:
    """Index the elements by their parent's eId, in document order."""
    index: dict[str | None, list[Element]] = defaultdict(list)
    for element in elements:
        index[element.parent_eid].append(element)
    return index


def inline(parent: etree._Element, text: str) -> etree._Element:
    """Write a line's text into `parent`, bold and italic Markdown as AKN `b` and `i`."""
    last: etree._Element | None = None
    position = 0
    for match in INLINE.finditer(text):
        before = text[position : match.start()]
        if last is None:
            parent.text = (parent.text or "") + before
        else:
            last.tail = (last.tail or "") + before
        last = E.b(match.group(1)) if match.group(1) is not None else E.i(match.group(2))
        parent.append(last)
        position = match.end()
    rest = text[position:]
    if last is None:
        parent.text = (parent.text or "") + rest
    else:
        last.tail = (last.tail or "") + rest
    return parent


def paragraphs(text: str, *, eid: str | None = None) -> list[etree._Element]:
    """Turn an element's own text into AKN `p` blocks, one per line (at least one)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()] or [""]
    blocks = [inline(E.p(), line) for line in lines]
    if eid is not None:
        blocks[0].set("eId", eid)
    return blocks


def num_of(element: Element, *, parent: Element | None) -> str:
    """The number as printed: `BAB II`, `Pasal 6`, `(2)`, `a.`, `1.`, and `a)` under an angka."""
    if element.kind == ElementKind.AYAT.value:
        return f"({element.num})"
    if element.kind == ElementKind.HURUF.value:
        under_angka = parent is not None and parent.kind == ElementKind.ANGKA.value
        return f"{element.num})" if under_angka else f"{element.num}."
    if element.kind == ElementKind.ANGKA.value:
        return f"{element.num}."
    if element.kind == ElementKind.PASAL.value:
        return f"Pasal {element.num}"
    return element.label


def hierarchy_to_akn(
    element: Element, *, children: Children, parent: Element | None = None, eid_prefix: str = ""
) -> etree._Element:
    """Render a body element and its descendants from an index of children (see `children_of`)."""
    tag = HIERARCHY.get(element.kind)
    if tag is None:
        raise ValueError(f"{element.eid} ({element.kind}) is not part of the body's hierarchy")
    node = E(tag, E.num(num_of(element, parent=parent)), eId=eid_prefix + element.eid)
    if tag == "point":
        node.set("class", element.kind)
    text = element.text
    if element.kind in TITLED:
        if text:
            node.append(inline(E.heading(), text.replace("\n", " ")))
        text = ""
    kids = [child for child in children.get(element.eid, []) if child.kind in HIERARCHY]
    closing = [child for child in children.get(element.eid, []) if child.kind not in HIERARCHY]
    if not kids:
        lines = [text] + [child.text for child in closing]
        node.append(E.content(*paragraphs("\n".join(line for line in lines if line))))
        return node
    if text:
        node.append(E.intro(*paragraphs(text)))
    for kid in kids:
        node.append(hierarchy_to_akn(kid, children=children, parent=element, eid_prefix=eid_prefix))
    if closing:
        # The closing sentence keeps its own eId (`…__text_1`) on its paragraph.
        blocks = [p for child in closing for p in paragraphs(child.text, eid=eid_prefix + child.eid)]
        node.append(E.wrapUp(*blocks))
    return node


def element_to_akn(
    element: Element,
    *,
    elements: Sequence[Element],
    parent: Element | None = None,
    eid_prefix: str = "",
) -> etree._Element:
    """Render one body element (BAB to angka) with everything under it as AKN, keeping its eIds.

    `elements` is the version's whole structure (or at least the element's descendants);
    `eid_prefix` is put before every eId, for a copy quoted inside another document (an amendment's
    `quotedStructure`), where the same eId must not appear twice. `parent` (found in `elements` when
    not given) decides whether a huruf under an angka is printed `a)`.
    """
    if parent is None and element.parent_eid is not None:
        parent = next((e for e in elements if e.eid == element.parent_eid), None)
    return hierarchy_to_akn(element, children=children_of(elements), parent=parent, eid_prefix=eid_prefix)
