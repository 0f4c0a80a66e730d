"""Clause-by-clause diff and carry-over of clause ids."""

from __future__ import annotations

from policies.drafting.clauses import KeyedClause
from policies.drafting.diff import Change, carry_over, diff_clauses, word_ops


def kc(key: str, body: str, heading: str = "Pasal") -> KeyedClause:
    return KeyedClause(key, "BAB I", heading, body, f"h-{heading}-{body}")


OLD = [kc("a", "satu"), kc("b", "dua"), kc("c", "tiga"), kc("d", "empat")]
NEW = [kc("a", "satu"), kc("c", "tiga diubah"), kc("e", "baru"), kc("d", "empat")]


def test_diff_classifies_every_clause_in_reading_order() -> None:
    result = diff_clauses(old=OLD, new=NEW)
    assert [(d.key, d.change) for d in result] == [
        ("a", Change.UNCHANGED),
        ("b", Change.REMOVED),
        ("c", Change.CHANGED),
        ("e", Change.ADDED),
        ("d", Change.UNCHANGED),
    ]
    changed = result[2]
    assert changed.old_body == "tiga" and changed.new_body == "tiga diubah"
    assert any(op.op == "insert" and "diubah" in op.text for op in changed.words)


def test_removed_first_clause_comes_first() -> None:
    result = diff_clauses(old=OLD, new=OLD[1:])
    assert result[0].key == "a" and result[0].change is Change.REMOVED


def test_word_ops_rebuild_both_texts() -> None:
    ops = word_ops("ASN wajib 20 JP", new="ASN berhak 20 JP per tahun")
    old = " ".join(o.text for o in ops if o.op != "insert")
    new = " ".join(o.text for o in ops if o.op != "delete")
    assert old == "ASN wajib 20 JP"
    assert new == "ASN berhak 20 JP per tahun"


def test_carry_over_maps_comments_to_the_next_version() -> None:
    assert carry_over(old=OLD, new=NEW) == {"a": "a", "b": None, "c": "c", "d": "d"}
