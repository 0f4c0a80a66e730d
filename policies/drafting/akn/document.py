"""A whole version as an Akoma Ntoso 3.0 document: FRBR metadata, preface, preamble, body, Penjelasan.

The Judul is the preface's longTitle; Menimbang and Mengingat are the preamble's recitals and
citations (Memutuskan / Menetapkan its formulas); the Batang Tubuh is the body; the Penutup the
conclusions; the Penjelasan and each Lampiran are attachments of their own (`doc name="penjelasan"`),
each with its FRBR component name. Every element keeps the eId the structure gave it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lxml import etree

from policies.drafting.akn.elements import (
    AKN_NS,
    HIERARCHY,
    Children,
    E,
    children_of,
    hierarchy_to_akn,
    inline,
    paragraphs,
)
from policies.drafting.structure import Element, ElementKind

# FRBR subtypes of the instruments a regional office adopts (the work URI's `subtype`).
SUBTYPES = {
    "peraturan wali kota": "perwali",
    "peraturan bupati": "perbup",
    "peraturan gubernur": "pergub",
    "peraturan daerah": "perda",
    "keputusan wali kota": "kepwali",
    "keputusan bupati": "kepbup",
}
EXPLAIN_NAMES = {
    ElementKind.PENJELASAN_UMUM.value: "umum",
    ElementKind.PENJELASANPASAL.value: "pasal",
    ElementKind.AYAT.value: "ayat",
    ElementKind.HURUF.value: "huruf",
    ElementKind.ANGKA.value: "angka",
}


def slugify(text: str) -> str:
    """Make an FRBR-safe name: lower case words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def subtype_of(instrument_type: str) -> str:
    """Name an instrument type as an FRBR subtype (`Peraturan Wali Kota` → `perwali`)."""
    return SUBTYPES.get(instrument_type.strip().lower(), slugify(instrument_type))


@dataclass(frozen=True)
class AknWork:
    """What names a version in FRBR terms: the work (the regulation) and this expression of it."""

    region: str
    instrument_type: str
    number: str
    year: int
    title: str
    author: str
    version: int
    expression_on: date
    adopted: bool = False
    language: str = "ind"
    document: str = ""  # another AKN document type (e.g. "amendment") instead of act / bill

    @property
    def doc_type(self) -> str:
        """An adopted regulation is an AKN act; a draft is a bill (unless `document` names another)."""
        return self.document or ("act" if self.adopted else "bill")

    def work_uri(self, component: str | None = None) -> str:
        """The work's FRBR URI, e.g. `/akn/id-kota-tangerang-selatan/act/perwali/2026/12`."""
        uri = (
            f"/akn/id-{slugify(self.region)}/{self.doc_type}/{subtype_of(self.instrument_type)}"
            f"/{self.year}/{slugify(self.number)}"
        )
        return f"{uri}/!{component}" if component else uri

    def expression_uri(self, component: str | None = None) -> str:
        """The expression's URI: the work, the language and the date of this version."""
        uri = f"{self.work_uri()}/{self.language}@{self.expression_on.isoformat()}"
        return f"{uri}/!{component}" if component else uri


def meta(work: AknWork, *, component: str | None = None) -> etree._Element:
    """Build the FRBR identification (work, expression, manifestation) and its references."""
    author = f"#{slugify(work.author)}"
    manifestation = f"{work.expression_uri(component)}.akn"
    node = E.meta(
        E.identification(
            E.FRBRWork(
                E.FRBRthis(value=work.work_uri(component or "main")),
                E.FRBRuri(value=work.work_uri()),
                E.FRBRalias(value=work.title, name="title"),
                E.FRBRdate(date=work.expression_on.isoformat(), name="Generation"),
                E.FRBRauthor(href=author),
                E.FRBRcountry(value=f"id-{slugify(work.region)}"),
                E.FRBRsubtype(value=subtype_of(work.instrument_type)),
                E.FRBRnumber(value=work.number),
                E.FRBRname(value=work.instrument_type),
            ),
            E.FRBRExpression(
                E.FRBRthis(value=work.expression_uri(component or "main")),
                E.FRBRuri(value=work.expression_uri()),
                E.FRBRdate(date=work.expression_on.isoformat(), name="Generation"),
                E.FRBRauthor(href=author),
                E.FRBRversionNumber(value=str(work.version)),
                E.FRBRlanguage(language=work.language),
            ),
            E.FRBRManifestation(
                E.FRBRthis(value=manifestation),
                E.FRBRuri(value=manifestation),
                E.FRBRdate(date=work.expression_on.isoformat(), name="Generation"),
                E.FRBRauthor(href="#siklus"),
            ),
            source="#siklus",
        ),
    )
    if component is None:
        # The references are the root document's: an eId may appear once in the whole document.
        node.append(
            E.references(
                E.TLCOrganization(eId="siklus", href="/ontology/organization/id/siklus", showAs="Siklus"),
                E.TLCOrganization(
                    eId=slugify(work.author),
                    href=f"/ontology/organization/id/{slugify(work.author)}",
                    showAs=work.author,
                ),
                source="#siklus",
            )
        )
    return node


def _preamble(pembukaan: Element, *, children: Children) -> etree._Element:
    preamble = E.preamble(eId=pembukaan.eid)
    if pembukaan.text:
        preamble.extend(paragraphs(pembukaan.text))
    for part in children.get(pembukaan.eid, []):
        points = children.get(part.eid, [])
        if part.kind in (ElementKind.MENIMBANG.value, ElementKind.MENGINGAT.value):
            menimbang = part.kind == ElementKind.MENIMBANG.value
            intro = E.intro(*paragraphs(f"{part.label}: {part.text}" if part.text else part.label))
            group = (E.recitals if menimbang else E.citations)(intro, eId=part.eid)
            for point in points:
                item = (E.recital if menimbang else E.citation)(
                    E.num(f"{point.num}."), *paragraphs(point.text), eId=point.eid
                )
                group.append(item)
            if not points:
                group.append((E.recital if menimbang else E.citation)(E.p(""), eId=f"{part.eid}__point_0"))
            preamble.append(group)
        else:
            # Memperhatikan, Memutuskan, Menetapkan: formulaic words of the Pembukaan.
            formula = E.formula(*paragraphs(part.text or part.label), name=slugify(part.label), eId=part.eid)
            preamble.append(formula)
    return preamble


def explain_to_akn(element: Element, *, children: Children) -> etree._Element:
    """Render a Penjelasan entry (Umum, a Pasal, its Ayat, Huruf, Angka) as an AKN hcontainer."""
    name = EXPLAIN_NAMES.get(element.kind, "text")
    node = E.hcontainer(name=name, eId=element.eid)
    if element.kind == ElementKind.PENJELASAN_UMUM.value:
        node.append(E.heading("UMUM"))
    elif element.kind == ElementKind.PENJELASANPASAL.value:
        node.append(E.num(f"Pasal {element.num}"))
    elif element.kind in EXPLAIN_NAMES:
        number = f"({element.num})" if name == "ayat" else element.num
        node.append(E.num(f"{name.capitalize()} {number}"))
    kids = children.get(element.eid, [])
    if not kids:
        node.append(E.content(*paragraphs(element.text)))
        return node
    if element.text:
        node.append(E.intro(*paragraphs(element.text)))
    for kid in kids:
        node.append(explain_to_akn(kid, children=children))
    return node


def attachment_of(work: AknWork, *, name: str, root: etree._Element) -> etree._Element:
    return E.attachment(E.doc(meta(work, component=name), E.mainBody(root), name=name))


def _penjelasan(penjelasan: Element, *, children: Children) -> etree._Element:
    root = E.hcontainer(E.heading(penjelasan.label.upper()), name="penjelasan", eId=penjelasan.eid)
    if penjelasan.text:
        root.append(E.intro(*paragraphs(penjelasan.text)))
    demi: etree._Element | None = None
    for entry in children.get(penjelasan.eid, []):
        if entry.kind == ElementKind.TEXT.value and entry.eid.endswith("pasal_demi_pasal"):
            # The Pasal-by-Pasal entries follow this heading: nest them under it, as printed.
            demi = E.hcontainer(E.heading("PASAL DEMI PASAL"), name="pasalDemiPasal", eId=entry.eid)
            root.append(demi)
        elif entry.kind == ElementKind.PENJELASANPASAL.value and demi is not None:
            demi.append(explain_to_akn(entry, children=children))
        else:
            root.append(explain_to_akn(entry, children=children))
    if demi is not None and len(demi) == 1:
        demi.append(E.content(E.p("")))
    if len(root) == 1:
        root.append(E.content(E.p("")))
    return root


def lampiran_to_akn(lampiran: Element, *, children: Children) -> etree._Element:
    root = E.hcontainer(E.num(lampiran.label), name="lampiran", eId=lampiran.eid)
    if lampiran.text:
        root.append(inline(E.heading(), lampiran.text.split("\n")[0]))
    sections = children.get(lampiran.eid, [])
    for section in sections:
        root.append(E.hcontainer(E.content(*paragraphs(section.text)), name="bagian", eId=section.eid))
    if not sections:
        root.append(E.content(*paragraphs("\n".join(lampiran.text.split("\n")[1:]))))
    return root


def version_to_akn(*, elements: Sequence[Element], work: AknWork) -> etree._Element:
    """Build the `akomaNtoso` root of a version from its parsed structure."""
    children = children_of(elements)
    doc = E(work.doc_type, meta(work), name=subtype_of(work.instrument_type))
    tops = children.get(None, [])
    judul = next((e for e in tops if e.kind == ElementKind.JUDUL.value), None)
    if judul is not None:
        doc.append(E.preface(E.longTitle(*paragraphs(judul.text), eId=judul.eid)))
    for pembukaan in (e for e in tops if e.kind == ElementKind.PEMBUKAAN.value):
        doc.append(_preamble(pembukaan, children=children))
    body = E.body(*(hierarchy_to_akn(e, children=children) for e in tops if e.kind in HIERARCHY))
    if len(body) == 0:
        # AKN's body needs one part; a draft with nothing but its Pembukaan gets an empty one.
        body.append(E.hcontainer(E.content(E.p("")), name="kosong", eId="body__kosong"))
    doc.append(body)
    for penutup in (e for e in tops if e.kind == ElementKind.PENUTUP.value):
        doc.append(E.conclusions(*paragraphs(penutup.text), eId=penutup.eid))
    attachments = [
        attachment_of(work, name="penjelasan", root=_penjelasan(e, children=children))
        for e in tops
        if e.kind == ElementKind.PENJELASAN.value
    ] + [
        attachment_of(work, name=slugify(e.eid), root=lampiran_to_akn(e, children=children))
        for e in tops
        if e.kind == ElementKind.LAMPIRAN.value
    ]
    if attachments:
        doc.append(E.attachments(*attachments))
    return E.akomaNtoso(doc)


def to_xml(root: etree._Element) -> bytes:
    """Serialize an AKN tree as UTF-8 XML with its declaration."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


__all__ = ["AKN_NS", "AknWork", "explain_to_akn", "meta", "to_xml", "version_to_akn"]
