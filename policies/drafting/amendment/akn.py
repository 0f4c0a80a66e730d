"""The amending regulation as an Akoma Ntoso 3.0 `amendment`: Pasal I's items as mods quoting the new text.

Each item of Pasal I is a `mod` holding its Lampiran II sentence and, for what it writes out, a
`quotedStructure` built by the structure's own AKN mapping (`element_to_akn`): a Pasal as a section,
its ayat as subsections, an inserted BAB as a chapter. Quoted eIds take the mod's eId as a prefix so
none appears twice; the numbers printed are the amendment's (Pasal 5A, ayat (1a)). The analysis lists
each mod as a textual modification of the amended work (insertion, substitution or repeal).

As in the Markdown: one change is Pasal I's own sentence (a single `mod`, no list); an ayat deleted
in place is quoted as "(3) Dihapus."; the Penjelasan (Umum, Pasal I item by item, Pasal II) and a
changed Lampiran are attachments of their own, as in a version's AKN.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from policies.drafting.akn.document import AknWork, attachment_of, lampiran_to_akn, meta, slugify
from policies.drafting.akn.elements import AKN_NS, E, children_of, element_to_akn, paragraphs
from policies.drafting.amendment.changes import Change
from policies.drafting.amendment.instrument import Explanation
from policies.drafting.amendment.render import DELETED
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


def _dihapus(node: etree._Element, *, prefix: str, deleted: Sequence[tuple[str, str]]) -> None:
    # An ayat deleted in place keeps its number: "(3) Dihapus." after the ayat it followed.
    by_eid = {el.get("eId"): el for el in node.iter(f"{{{AKN_NS}}}*") if el.get("eId")}
    placed: dict[str, etree._Element] = {}
    for after, num in deleted:
        anchor = by_eid.get(prefix + after)
        if anchor is None or node.find(f"{{{AKN_NS}}}content") is not None:
            continue  # a Pasal left without ayat has plain content: nothing to place an ayat in
        eid = f"{prefix}{after if anchor is node else after.rsplit('__', 1)[0]}__ayat_{num}_dihapus"
        ayat = E.subsection(E.num(f"({num})"), E.content(E.p(DELETED)), eId=eid)
        previous = placed.get(after)
        if previous is not None:
            previous.addnext(ayat)
        elif anchor is node:
            heads = [
                el for el in node if etree.QName(el).localname in ("num", "heading", "subheading", "intro")
            ]
            node.insert(len(heads), ayat)
        else:
            anchor.addnext(ayat)
        placed[after] = ayat


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
        _dihapus(node, prefix=prefix, deleted=change.deleted)
        out.append(E.quotedStructure(node, eId=f"{prefix}qstr_{len(out) + 1}"))
    return out


def _explanation(explanation: Explanation) -> etree._Element:
    # The amending regulation's Penjelasan, as the Markdown prints it: Umum, Pasal I (item by item
    # when Pasal I numbers them), Pasal II.
    root = E.hcontainer(E.heading("PENJELASAN"), name="penjelasan", eId="penjelasan")
    umum = "\n".join(explanation.umum)
    root.append(
        E.hcontainer(E.heading("UMUM"), E.content(*paragraphs(umum)), name="umum", eId="penjelasan__umum")
    )
    demi = E.hcontainer(
        E.heading("PASAL DEMI PASAL"), name="pasalDemiPasal", eId="penjelasan__pasal_demi_pasal"
    )
    pasal_i = E.hcontainer(E.num("Pasal I"), name="pasal", eId="penjelasan__pasal_i")
    for n, explained in enumerate(explanation.items, start=1):
        under, eid = pasal_i, "penjelasan__pasal_i"
        if explanation.numbered:
            eid = f"penjelasan__pasal_i__angka_{n}"
            under = E.hcontainer(E.num(f"Angka {n}"), name="angka", eId=eid)
            pasal_i.append(under)
        if not explained:
            under.append(E.hcontainer(E.content(E.p("Cukup jelas.")), name="text", eId=f"{eid}__text"))
        for pasal in explained:
            under.append(
                E.hcontainer(
                    E.num(f"Pasal {pasal.number}"),
                    E.content(*paragraphs("\n".join(pasal.lines))),
                    name="pasal",
                    eId=f"{eid}__pasal_{slugify(pasal.number)}",
                )
            )
    pasal_ii = E.hcontainer(
        E.num("Pasal II"), E.content(E.p("Cukup jelas.")), name="pasal", eId="penjelasan__pasal_ii"
    )
    demi.extend([pasal_i, pasal_ii])
    root.append(demi)
    return root


def instrument_to_akn(
    *,
    title: str,
    opening: str,
    changes: Sequence[Change],
    closing: str,
    elements: Sequence[Element],
    work: AknWork,
    amended: str,
    explanation: Explanation | None = None,
) -> etree._Element:
    """Build the `akomaNtoso` root of an amending regulation from its changes and the proposed structure.

    With one change, `opening` is that change's own sentence (Pasal I has no list).
    """
    by_eid = {e.eid: e for e in elements}
    items = E.blockList(eId="pasal_i__list")
    mods = E.activeModifications()
    single: etree._Element | None = None
    for n, change in enumerate(changes, start=1):
        eid = f"mod_{n}"
        quoted = _quoted(change, n=n, by_eid=by_eid, elements=elements)
        if len(changes) == 1:
            single = E.p(E.mod(opening, *quoted, eId=eid))
        else:
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
    pasal_i = [single] if single is not None else [E.p(opening), items]
    doc = E.amendment(
        root_meta,
        E.preface(
            E.longTitle(*paragraphs(title), eId="judul"),
            E.p(E.affectedDocument(amended, href=amended)),
        ),
        E.amendmentBody(
            E.amendmentContent(E.p("Pasal I"), *pasal_i, eId="pasal_i"),
            E.amendmentContent(E.p("Pasal II"), E.p(closing), eId="pasal_ii"),
        ),
        name=slugify(f"perubahan {work.instrument_type}"),
    )
    attachments = []
    if explanation is not None:
        attachments.append(attachment_of(work, name="penjelasan", root=_explanation(explanation)))
    if any(c.kind == "lampiran_changed" for c in changes):
        children = children_of(elements)
        attachments += [
            attachment_of(work, name=slugify(e.eid), root=lampiran_to_akn(e, children=children))
            for e in children.get(None, [])
            if e.kind == "lampiran"
        ]
    if attachments:
        doc.append(E.attachments(*attachments))
    return E.akomaNtoso(doc)
