"""A clause rendered from its elements: nested lists, each item with its eId, user text escaped."""

from __future__ import annotations

from dataclasses import dataclass

from policies.drafting.clauses import assign_keys, parse_draft
from policies.drafting.element_display import clause_markup, structured_by_clause
from policies.drafting.elements import assign_element_keys
from policies.drafting.structure import parse_with_heads


@dataclass
class Row:
    key: str
    eid: str
    kind: str
    num: str
    parent_key: str | None
    clause_key: str
    depth: int
    text: str


def rows_of(body: str) -> tuple[list[Row], list[str]]:
    elements, heads = parse_with_heads(body=body)
    clause_keys = [c.key for c in assign_keys(clauses=parse_draft(body).clauses, previous=[])]
    keyed = assign_element_keys(elements=elements, heads=heads, clause_keys=clause_keys, previous=[])
    rows = [
        Row(
            k.key,
            k.element.eid,
            k.element.kind,
            k.element.num,
            k.parent_key,
            k.clause_key,
            k.depth,
            k.element.text,
        )
        for k in keyed
    ]
    return rows, clause_keys


BODY = """# T
## BAB I UMUM
### Pasal 1
(1) Pelatihan **wajib** meliputi:
a. teknis, terdiri atas:
1. umum:
a) tata naskah;
b) arsip; dan
2. khusus; dan
b. fungsional <script>alert(1)</script>.
(2) Selesai.
## Penjelasan
### Pasal 1
Ayat (1)
Cukup jelas.
"""


def test_items_nest_with_their_eids_and_markers() -> None:
    rows, keys = rows_of(BODY)
    html = str(clause_markup(rows, clause_key=keys[0]))
    assert html.startswith('<div class="legal-text" id="bab_1__pasal_1"><ol class="legal legal-ayat">')
    assert (
        '<li id="bab_1__pasal_1__ayat_1"><span class="marker">(1)</span> Pelatihan <strong>wajib</strong>'
        in html
    )
    assert '<ol class="legal legal-huruf"><li id="bab_1__pasal_1__ayat_1__huruf_a">' in html
    assert '<ol class="legal legal-angka"><li id="bab_1__pasal_1__ayat_1__huruf_a__angka_1">' in html
    assert (
        '<ol class="legal legal-subhuruf"><li id="bab_1__pasal_1__ayat_1__huruf_a__angka_1__huruf_a">' in html
    )
    assert '<span class="marker">b)</span> arsip; dan</li></ol></li>' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.endswith("</li></ol></div>") and html.count("<ol") == html.count("</ol>")
    explained = str(structured_by_clause(rows)[keys[1]])
    assert (
        '<li id="penjelasan__pasal_1__ayat_1" class="explained"><span class="marker line">Ayat (1)</span><br>'
        in explained
    )


def test_a_clause_without_elements_is_none() -> None:
    rows, _keys = rows_of(BODY)
    assert clause_markup(rows, clause_key="c-00000000") is None
