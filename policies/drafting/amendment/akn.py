"""The amending regulation as an Akoma Ntoso 3.0 `amendment`: Pasal I's items as mods quoting the new text.

Each item of Pasal I is a `mod` holding its Lampiran II sentence and, for what it writes out, a
`quotedStructure` built by the structure's own AKN mapping (`element_to_akn`): a Pasal as a section,
its ayat as subsections, an inserted BAB as a chapter. Quoted eIds take the mod's eId as a prefix so
none appears twice; the numbers printed are the amendment's (Pasal 5A, ayat (1a)). The analysis lists
each mod as a textual modification of the amended work (insertion, substitution or repeal).
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from policies.drafting.akn.document import AknWork, meta, slugify
from policies.drafting.akn.elements import AKN_NS, E, element_to_akn, paragraphs
from policies.drafting.amendment.changes import Change
from policies.drafting.structure import Element

MOD_TYPES = {
    "pasal_inserted": "insertion",
    "bab_inserted": "insertion",
    "pasal_deleted": "repeal",
}
PRINTED = {"section": "Pasal {}", "subsection": "({})", "chapter": "BAB {}"}


def _renumber(node: etree._Element, *, prefix: str, numbers: Sequence[tuple[str, str]]) -> None:
    # The quoted text prints the amendment's numbers, not the ones the proposed draft gave them.
    wanted = {prefix + eid: num for eid, num in numbers}
    for el in node.iter(f"{{{AKN_NS}}}*"):
        num = wanted.get(el.get("eId", ""))
        tag = etree.QName(el).localname
        first = el[0] if len(el) else None
        if num is not None and tag in PRINTED and first is not None and etree.QName(first).localname == "num":
            first.text = PRINTED[tag].format(num)


def _quoted(
    change: Change, *, n: int, by_eid: dict[str, Element], elements: Sequence[Element]
) -> list[etree._Element]:
    prefix = f"mod_{n}__"
    tops = [by_eid[eid] for eid in change.eids if eid in by_eid]
    if change.kind == "bab_inserted":
        tops = tops[:1]  # the BAB carries its Pasal
    out = []
    for element in tops:
        if element.kind not in ("bab", "pasal"):
            continue
        node = element_to_akn(element, elements=elements, eid_prefix=prefix)
        _renumber(node, prefix=prefix, numbers=change.numbers)
        out.append(E.quotedStructure(node, eId=f"{prefix}qstr_{len(out) + 1}"))
    return out


def instrument_to_akn(
    *,
    title: str,
    opening: str,
    changes: Sequence[Change],
    closing: str,
    elements: Sequence[Element],
    work: AknWork,
    amended: str,
) -> etree._Element:
    """Build the `akomaNtoso` root of an amending regulation from its changes and the proposed structure."""
    by_eid = {e.eid: e for e in elements}
    items = E.blockList(eId="pasal_i__list")
    mods = E.activeModifications()
    for n, change in enumerate(changes, start=1):
        eid = f"mod_{n}"
        quoted = _quoted(change, n=n, by_eid=by_eid, elements=elements)
        p = E.p(E.mod(change.sentence, *quoted, eId=eid))
        items.append(E.item(E.num(f"{n}."), p, eId=f"pasal_i__list__item_{n}"))
        textual = E.textualMod(
            E.source(href=f"#{eid}"),
            E.destination(href=f"{amended}/~{change.eids[0] if change.eids else 'main'}"),
            type=MOD_TYPES.get(change.kind, "substitution"),
            eId=f"textualmod_{n}",
        )
        if quoted:
            textual.append(E.new(href=f"#{quoted[0].get('eId')}"))
        mods.append(textual)
    root_meta = meta(work)
    references = root_meta.find(f"{{{AKN_NS}}}references")
    analysis = E.analysis(mods, source="#siklus")
    if references is not None:
        references.addprevious(analysis)
    else:
        root_meta.append(analysis)
    doc = E.amendment(
        root_meta,
        E.preface(
            E.longTitle(*paragraphs(title), eId="judul"),
            E.p(E.affectedDocument(amended, href=amended)),
        ),
        E.amendmentBody(
            E.amendmentContent(E.p("Pasal I"), E.p(opening), items, eId="pasal_i"),
            E.amendmentContent(E.p("Pasal II"), E.p(closing), eId="pasal_ii"),
        ),
        name=slugify(f"perubahan {work.instrument_type}"),
    )
    return E.akomaNtoso(doc)
