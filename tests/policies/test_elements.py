"""Elements are written beside the clauses, keep their keys across versions, and diff down to words."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from policies.core.db import unit_of_work
from policies.core.errors import InvalidInput
from policies.drafting import versions as drafts
from policies.drafting.clauses import parse_draft
from policies.drafting.diff import diff_elements
from policies.drafting.elements import assign_element_keys, element_by_key, elements_of
from policies.drafting.queries import clauses_of, get_version
from policies.drafting.structure import parse_with_heads
from policies.lifecycle.queries import get_policy
from tests.conftest import DRAFTER
from tests.lifecycle_walk import SLUG

V1 = """# Perwal Uji
## BAB I KETENTUAN UMUM
### Pasal 1
(1) Pegawai mengikuti pelatihan paling sedikit 20 JP setiap tahun.
(2) Pelatihan meliputi:
a. pelatihan teknis;
b. pelatihan fungsional; dan
c. pelatihan kepemimpinan.
(3) Hasil pelatihan dicatat di SIASN.
### Pasal 2
Pendanaan bersumber dari APBD.
"""


@dataclass
class Stored:
    """An element as a previous version stored it."""

    key: str
    kind: str
    num: str
    parent_key: str | None
    clause_key: str
    text: str
    content_hash: str
    eid: str
    label: str


def keyed(body: str, previous: list[Stored], clause_keys: list[str]) -> list[Stored]:
    elements, heads = parse_with_heads(body=body)
    counter = iter(range(1000))
    result = assign_element_keys(
        elements=elements,
        heads=heads,
        clause_keys=clause_keys,
        previous=previous,
        make_key=lambda: f"e-{next(counter) + len(previous) * 1000:08d}",
    )
    return [
        Stored(
            k.key,
            k.element.kind,
            k.element.num,
            k.parent_key,
            k.clause_key,
            k.element.text,
            k.content_hash,
            k.element.eid,
            k.element.label,
        )
        for k in result
    ]


def by_eid(elements: list[Stored]) -> dict[str, Stored]:
    return {e.eid: e for e in elements}


def test_a_pasal_takes_its_clause_key_and_its_parts_get_their_own() -> None:
    v1 = by_eid(keyed(V1, [], ["c-pasal1", "c-pasal2"]))
    assert v1["bab_1__pasal_1"].key == "c-pasal1" and v1["bab_1__pasal_2"].key == "c-pasal2"
    assert v1["bab_1__pasal_1__ayat_2__huruf_b"].parent_key == v1["bab_1__pasal_1__ayat_2"].key
    assert v1["bab_1__pasal_1__ayat_2"].key.startswith("e-")
    assert v1["bab_1__pasal_1__ayat_2__huruf_b"].clause_key == "c-pasal1"


def test_keys_survive_an_inserted_ayat_a_renumbered_huruf_and_an_edit() -> None:
    first = keyed(V1, [], ["c-pasal1", "c-pasal2"])
    v1 = by_eid(first)
    body = (
        V1.replace(
            "(2) Pelatihan meliputi:", "(2) Pelatihan daring diakui sebagai JP.\n(3) Pelatihan meliputi:"
        )
        .replace(
            "(3) Hasil pelatihan dicatat di SIASN.", "(4) Hasil pelatihan dicatat di SIASN dan e-Kinerja."
        )
        .replace("a. pelatihan teknis;\n", "")
        .replace("b. pelatihan fungsional; dan", "a. pelatihan fungsional; dan")
        .replace("c. pelatihan kepemimpinan.", "b. pelatihan kepemimpinan.")
    )
    v2 = by_eid(keyed(body, first, ["c-pasal1", "c-pasal2"]))
    # The list's ayat is now (3), its huruf b is now a: same keys.
    assert v2["bab_1__pasal_1__ayat_3"].key == v1["bab_1__pasal_1__ayat_2"].key
    assert v2["bab_1__pasal_1__ayat_3__huruf_a"].key == v1["bab_1__pasal_1__ayat_2__huruf_b"].key
    assert v2["bab_1__pasal_1__ayat_3__huruf_b"].key == v1["bab_1__pasal_1__ayat_2__huruf_c"].key
    # The edited ayat (3) → (4) keeps its key by similarity; the new ayat (2) has a new key.
    assert v2["bab_1__pasal_1__ayat_4"].key == v1["bab_1__pasal_1__ayat_3"].key
    assert v2["bab_1__pasal_1__ayat_2"].key not in {e.key for e in first}

    changes = {(c.kind, c.new_eid or c.old_eid) for c in diff_elements(old=first, new=list(v2.values()))}
    assert ("added", "bab_1__pasal_1__ayat_2") in changes
    assert ("renumbered", "bab_1__pasal_1__ayat_3") in changes
    assert ("renumbered", "bab_1__pasal_1__ayat_3__huruf_a") in changes
    assert ("removed", "bab_1__pasal_1__ayat_2__huruf_a") in changes
    assert ("changed", "bab_1__pasal_1__ayat_4") in changes
    assert ("unchanged", "bab_1__pasal_2") in changes


def test_the_word_redline_of_a_changed_ayat() -> None:
    first = keyed(V1, [], ["c-1", "c-2"])
    second = keyed(V1.replace("paling sedikit 20 JP", "paling sedikit 24 JP"), first, ["c-1", "c-2"])
    changed = [c for c in diff_elements(old=first, new=second) if c.kind == "changed"]
    assert [c.new_label for c in changed] == ["Pasal 1 ayat (1)"]
    assert ("delete", "20") in changed[0].words and ("insert", "24") in changed[0].words
    assert " ".join(t for op, t in changed[0].words if op != "insert") == changed[0].old_text


def test_a_list_moved_into_a_new_parent_keeps_its_keys() -> None:
    body = "# T\n### Pasal 1\nMeliputi:\na. satu;\nb. dua.\n"
    first = keyed(body, [], ["c-1"])
    moved = keyed("# T\n### Pasal 1\n(1) Meliputi:\na. satu;\nb. dua.\n(2) Lain.\n", first, ["c-1"])
    assert by_eid(moved)["pasal_1__ayat_1__huruf_a"].key == by_eid(first)["pasal_1__huruf_a"].key
    kinds = {c.new_eid: c.kind for c in diff_elements(old=first, new=moved)}
    assert kinds["pasal_1__ayat_1__huruf_b"] == "moved"


def test_versions_write_elements_and_carry_keys(db: str, catalog: None) -> None:
    with unit_of_work(db) as s:
        drafts.edit_version(s, actor=DRAFTER, slug=SLUG, number=1, body=V1)
        version = get_version(s, policy_id=get_policy(s, slug=SLUG).id, number=1)  # type: ignore[arg-type]
        stored = elements_of(session=s, version_id=version.id)  # type: ignore[arg-type]
        clauses = clauses_of(s, version_id=version.id)  # type: ignore[arg-type]
        assert [e.eid for e in stored][:4] == ["judul", "bab_1", "bab_1__pasal_1", "bab_1__pasal_1__ayat_1"]
        pasal = next(e for e in stored if e.eid == "bab_1__pasal_1")
        assert pasal.key == clauses[0].key and pasal.depth == 1 and pasal.kind == "pasal"
        huruf = next(e for e in stored if e.eid == "bab_1__pasal_1__ayat_2__huruf_c")
        assert (
            huruf.label == "Pasal 1 ayat (2) huruf c"
            and huruf.depth == 3
            and huruf.clause_key == clauses[0].key
        )
        assert [e.position for e in stored] == list(range(len(stored)))
        ayat_key = next(e.key for e in stored if e.eid == "bab_1__pasal_1__ayat_3")
        # An edit in place keeps the keys.
        drafts.edit_version(s, actor=DRAFTER, slug=SLUG, number=1, body=V1.replace("di SIASN", "di SIASN."))
        assert (
            element_by_key(session=s, version_id=version.id, key=ayat_key).text
            == "Hasil pelatihan dicatat di SIASN.."
        )  # type: ignore[arg-type,union-attr]
        drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=1)
    with unit_of_work(db) as s:
        v2 = drafts.create_version(
            s, actor=DRAFTER, slug=SLUG, body=V1.replace("(3) Hasil", "(3) Semua hasil")
        )
        again = element_by_key(session=s, version_id=v2.id, key=ayat_key)  # type: ignore[arg-type]
        assert (
            again is not None
            and again.eid == "bab_1__pasal_1__ayat_3"
            and again.text.startswith("Semua hasil")
        )
        drafts.discard_version(s, actor=DRAFTER, slug=SLUG, number=2)
        assert elements_of(session=s, version_id=v2.id) == []  # type: ignore[arg-type]


def test_a_version_with_a_broken_structure_is_refused(db: str, catalog: None) -> None:
    with unit_of_work(db) as s, pytest.raises(InvalidInput, match="Baris 5: Pasal 3 menyusul Pasal 1"):
        drafts.edit_version(
            s, actor=DRAFTER, slug=SLUG, number=1, body="# T\n### Pasal 1\nA.\n\n### Pasal 3\nB."
        )


def test_every_catalogue_version_has_its_elements(db: str, catalog: None) -> None:
    with unit_of_work(db) as s:
        version = get_version(s, policy_id=get_policy(s, slug=SLUG).id, number=1)  # type: ignore[arg-type]
        stored = elements_of(session=s, version_id=version.id)  # type: ignore[arg-type]
        clauses = parse_draft(version.body).clauses
        assert len({e.clause_key for e in stored}) == len(clauses)
        assert any(e.eid.endswith("__huruf_a") for e in stored)


def test_the_system_copies_an_old_text_that_breaks_the_rules_without_elements(db: str, catalog: None) -> None:
    from policies.accounts.access import SYSTEM

    old = "# T\n### Pasal Tambahan\nTeks lama yang disimpan sebelum aturan diperiksa."
    with unit_of_work(db) as s:
        version = drafts.edit_version(s, actor=SYSTEM, slug=SLUG, number=1, body=old)
        assert clauses_of(s, version_id=version.id) and elements_of(session=s, version_id=version.id) == []  # type: ignore[arg-type]
        with pytest.raises(InvalidInput, match="bukan 'Pasal Tambahan'"):
            drafts.edit_version(s, actor=DRAFTER, slug=SLUG, number=1, body=old)


def test_a_version_stored_before_elements_is_back_filled_once(db: str, catalog: None) -> None:
    from policies.drafting.elements import backfill_elements, drop_elements, versions_without_elements

    with unit_of_work(db) as s:
        version = get_version(s, policy_id=get_policy(s, slug=SLUG).id, number=1)  # type: ignore[arg-type]
        before = {(e.eid, e.key, e.parent_key) for e in elements_of(session=s, version_id=version.id)}  # type: ignore[arg-type]
        drop_elements(s, version_id=version.id)  # type: ignore[arg-type]
        assert version.id in versions_without_elements(session=s)
        assert backfill_elements(session=s, version_id=version.id) == len(before)  # type: ignore[arg-type]
        after = elements_of(session=s, version_id=version.id)  # type: ignore[arg-type]
        clauses = {c.key for c in clauses_of(s, version_id=version.id)}  # type: ignore[arg-type]
        # Pasal-level keys are the stored clause keys; the parts get keys of their own.
        assert {e.eid for e in after} == {eid for eid, _k, _p in before}
        assert {e.key for e in after if e.kind == "pasal"} <= clauses
        assert backfill_elements(session=s, version_id=version.id) == 0  # idempotent
        assert version.id not in versions_without_elements(session=s)
