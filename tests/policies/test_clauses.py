"""Clause parsing and the stability of clause ids across edits."""

from __future__ import annotations

import itertools

import pytest

from policies.core.errors import InvalidInput
from policies.drafting.clauses import KeyedClause, assign_keys, parse_draft, with_keys

DRAFT = """# Rancangan Peraturan Wali Kota tentang Pengembangan Kompetensi
## Pembukaan
### Menimbang
a. bahwa pengembangan kompetensi ASN perlu direncanakan;
## BAB I KETENTUAN UMUM
### Pasal 1
Dalam Peraturan Wali Kota ini yang dimaksud dengan Daerah adalah Kota Tangerang Selatan.
### Pasal 2
Setiap ASN berhak atas pengembangan kompetensi paling sedikit 20 JP per tahun.
## BAB II PELAKSANAAN
### Pasal 3
Pengembangan kompetensi dilaksanakan melalui pelatihan klasikal dan e-learning.
### Pasal 4
Evaluasi dilaksanakan paling sedikit satu kali dalam setahun melalui survei.
"""


def _counter() -> itertools.count:
    return itertools.count(1)


def _keys(body: str, previous: list[KeyedClause] | None = None, start: int = 1) -> list[KeyedClause]:
    counter = itertools.count(start)
    return assign_keys(
        clauses=parse_draft(body).clauses, previous=previous or [], make_key=lambda: f"k{next(counter)}"
    )


def test_parse_reads_title_chapters_and_clauses() -> None:
    parsed = parse_draft(DRAFT)
    assert parsed.title.startswith("Rancangan Peraturan Wali Kota")
    assert [c.heading for c in parsed.clauses] == ["Menimbang", "Pasal 1", "Pasal 2", "Pasal 3", "Pasal 4"]
    assert parsed.clauses[3].chapter == "BAB II PELAKSANAAN"
    assert "20 JP" in parsed.clauses[2].body


def test_text_outside_a_clause_heading_still_becomes_a_clause() -> None:
    parsed = parse_draft("# Judul\nPembuka tanpa pasal.\n## BAB I\nTeks bab.\n### Pasal 1\nIsi.")
    assert [c.heading for c in parsed.clauses] == ["Pembukaan", "BAB I", "Pasal 1"]


def test_empty_draft_is_refused() -> None:
    with pytest.raises(InvalidInput, match="tidak berisi pasal"):
        parse_draft("# Hanya judul\n")


def test_duplicate_explicit_keys_are_refused() -> None:
    with pytest.raises(InvalidInput, match="dua kali"):
        parse_draft("### Pasal 1 {#c-aa}\nA\n### Pasal 2 {#c-aa}\nB")


def test_editing_one_clause_keeps_every_id() -> None:
    v1 = _keys(DRAFT)
    v2 = _keys(DRAFT.replace("20 JP per tahun", "20 JP per tahun sesuai PP 17/2020"), v1, start=100)
    assert [c.key for c in v2] == [c.key for c in v1]
    assert v2[2].content_hash != v1[2].content_hash


def test_inserting_a_clause_renumbers_without_moving_ids() -> None:
    v1 = _keys(DRAFT)
    inserted = (
        DRAFT.replace(
            "### Pasal 2\n",
            "### Pasal 2\nASN wajib menyusun rencana pengembangan kompetensi tahunan.\n### Pasal 3\n",
        )
        .replace("### Pasal 3\nPengembangan", "### Pasal 4\nPengembangan")
        .replace("### Pasal 4\nEvaluasi", "### Pasal 5\nEvaluasi")
    )
    v2 = _keys(inserted, v1, start=100)
    by_body = {c.body.split()[0]: c.key for c in v2}
    old = {c.body.split()[0]: c.key for c in v1}
    assert by_body["Pengembangan"] == old["Pengembangan"]
    assert by_body["Evaluasi"] == old["Evaluasi"]
    assert by_body["Setiap"] == old["Setiap"]
    assert by_body["ASN"] == "k100"


def test_deleting_a_clause_keeps_the_others() -> None:
    v1 = _keys(DRAFT)
    v2 = _keys(
        DRAFT.replace(
            "### Pasal 3\nPengembangan kompetensi dilaksanakan melalui pelatihan klasikal dan e-learning.\n",
            "",
        ),
        v1,
    )
    assert {c.key for c in v2} == {c.key for c in v1} - {v1[3].key}


def test_rewritten_clause_in_place_keeps_its_id_but_a_replaced_one_is_new() -> None:
    v1 = _keys(DRAFT)
    old_text = "Evaluasi dilaksanakan paling sedikit satu kali dalam setahun melalui survei."
    rewritten = DRAFT.replace(old_text, "Ketentuan lain ditetapkan Sekretaris Daerah.")
    assert _keys(rewritten, v1, start=100)[4].key == v1[4].key  # same Pasal 4, rewritten
    replaced = rewritten.replace("### Pasal 4", "### Penutup")
    assert _keys(replaced, v1, start=100)[4].key == "k100"


def test_explicit_keys_round_trip() -> None:
    v1 = _keys(DRAFT)
    body = with_keys(DRAFT, keys=[c.key for c in v1])
    assert "### Pasal 1 {#k2}" in body
    v2 = assign_keys(clauses=parse_draft(body).clauses, previous=v1)
    assert [c.key for c in v2] == [c.key for c in v1]
    assert [c.heading for c in v2] == [c.heading for c in v1]


def test_explicit_keys_skip_the_clause_of_a_part_without_a_section() -> None:
    # The Penutup's text is a clause without a ### heading: the keys after it stay on their clauses.
    body = "# T\n### Pasal 1\nA.\n## Penutup\nAgar setiap orang mengetahuinya.\n## Penjelasan\n### Umum\nU."
    clauses = parse_draft(body).clauses
    assert [c.heading for c in clauses] == ["Pasal 1", "Penutup", "Umum"]
    written = with_keys(body, keys=["k-pasal", "k-penutup", "k-umum"])
    assert "### Pasal 1 {#k-pasal}" in written and "### Umum {#k-umum}" in written
    assert [c.key for c in parse_draft(written).clauses] == ["k-pasal", None, "k-umum"]
