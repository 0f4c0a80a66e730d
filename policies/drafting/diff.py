"""Clause-by-clause comparison of two versions of a draft."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Protocol


class ClauseLike(Protocol):
    """What the diff reads of a clause."""

    key: str
    heading: str
    body: str
    content_hash: str


class Change(StrEnum):
    """How a clause differs between two versions."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class WordOp:
    """A run of words kept, inserted or deleted."""

    op: str  # "equal" | "insert" | "delete"
    text: str


@dataclass(frozen=True)
class ClauseDiff:
    """One clause's fate between two versions."""

    key: str
    change: Change
    old_heading: str | None
    new_heading: str | None
    old_body: str | None
    new_body: str | None
    words: list[WordOp] = field(default_factory=list)


def word_ops(old: str, *, new: str) -> list[WordOp]:
    """Diff two texts word by word, keeping whitespace with the words."""
    a, b = old.split(" "), new.split(" ")
    ops: list[WordOp] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(WordOp("equal", " ".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            ops.append(WordOp("delete", " ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(WordOp("insert", " ".join(b[j1:j2])))
    return ops


def diff_clauses(*, old: Sequence[ClauseLike], new: Sequence[ClauseLike]) -> list[ClauseDiff]:
    """Compare by stable key; removed clauses appear after their last surviving neighbour."""
    old_by_key = {c.key: c for c in old}
    new_keys = {c.key for c in new}
    result: list[ClauseDiff] = []
    removed_after: dict[str | None, list[ClauseLike]] = {}
    anchor: str | None = None
    for c in old:
        if c.key in new_keys:
            anchor = c.key
        else:
            removed_after.setdefault(anchor, []).append(c)

    def emit_removed(after: str | None) -> None:
        for r in removed_after.pop(after, []):
            result.append(ClauseDiff(r.key, Change.REMOVED, r.heading, None, r.body, None))

    emit_removed(None)
    for c in new:
        before = old_by_key.get(c.key)
        if before is None:
            result.append(ClauseDiff(c.key, Change.ADDED, None, c.heading, None, c.body))
        elif before.content_hash == c.content_hash:
            result.append(ClauseDiff(c.key, Change.UNCHANGED, before.heading, c.heading, before.body, c.body))
        else:
            ops = word_ops(f"{before.heading}\n{before.body}", new=f"{c.heading}\n{c.body}")
            result.append(
                ClauseDiff(c.key, Change.CHANGED, before.heading, c.heading, before.body, c.body, ops)
            )
        emit_removed(c.key)
    for rest in list(removed_after):
        emit_removed(rest)
    return result


def carry_over(*, old: Sequence[ClauseLike], new: Sequence[ClauseLike]) -> dict[str, str | None]:
    """Map each old clause key to the clause it lives on as in the new version, or None."""
    new_keys = {c.key for c in new}
    return {c.key: (c.key if c.key in new_keys else None) for c in old}


class ElementLike(Protocol):
    """What the element diff reads of a stored element."""

    key: str
    eid: str
    num: str
    label: str
    parent_key: str | None
    text: str
    content_hash: str


@dataclass(frozen=True)
class ElementChange:
    """One element's fate between two versions, with the word redline of its own text."""

    kind: str  # unchanged | changed | added | removed | moved | renumbered
    old_key: str | None
    new_key: str | None
    old_eid: str | None
    new_eid: str | None
    old_label: str | None
    new_label: str | None
    old_text: str | None
    new_text: str | None
    words: list[tuple[str, str]] = field(default_factory=list)
    clause_key: str | None = None  # the clause (Pasal) holding it: the new one's, else the old one's


def _clause(element: ElementLike) -> str | None:
    # Stored elements know their clause; a bare element (a test's) may not.
    return getattr(element, "clause_key", None)


def diff_elements(*, old: Sequence[ElementLike], new: Sequence[ElementLike]) -> list[ElementChange]:
    """Compare two versions element by element, by key; a removed one follows its last kept neighbour."""
    old_by_key = {e.key: e for e in old}
    new_keys = {e.key for e in new}
    removed_after: dict[str | None, list[ElementLike]] = {}
    anchor: str | None = None
    for e in old:
        if e.key in new_keys:
            anchor = e.key
        else:
            removed_after.setdefault(anchor, []).append(e)
    result: list[ElementChange] = []

    def emit_removed(after: str | None) -> None:
        for r in removed_after.pop(after, []):
            ops = [("delete", r.text)] if r.text else []
            result.append(
                ElementChange(
                    "removed", r.key, None, r.eid, None, r.label, None, r.text, None, ops, _clause(r)
                )
            )

    emit_removed(None)
    for e in new:
        before = old_by_key.get(e.key)
        if before is None:
            ops = [("insert", e.text)] if e.text else []
            result.append(
                ElementChange("added", None, e.key, None, e.eid, None, e.label, None, e.text, ops, _clause(e))
            )
        else:
            if before.content_hash != e.content_hash:
                kind = "changed"
                ops = [(w.op, w.text) for w in word_ops(before.text, new=e.text)]
            else:
                # Same words: a new number is a renumbering, a new parent a move.
                kind = (
                    "moved"
                    if before.parent_key != e.parent_key
                    else ("renumbered" if before.num != e.num or before.eid != e.eid else "unchanged")
                )
                ops = [("equal", e.text)] if e.text else []
            result.append(
                ElementChange(
                    kind,
                    before.key,
                    e.key,
                    before.eid,
                    e.eid,
                    before.label,
                    e.label,
                    before.text,
                    e.text,
                    ops,
                    _clause(e),
                )
            )
        emit_removed(e.key)
    for rest in list(removed_after):
        emit_removed(rest)
    return result
