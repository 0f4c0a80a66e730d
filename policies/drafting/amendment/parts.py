"""The elements an amendment reads: one shape for stored rows and freshly parsed drafts, as a tree."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from policies.drafting.clauses import KeyedClause, assign_keys, parse_draft
from policies.drafting.elements import assign_element_keys, element_hash
from policies.drafting.structure import parse_with_heads


class StoredLike(Protocol):
    """What an amendment reads of a stored element (a `text_element` row)."""

    key: str
    eid: str
    kind: str
    num: str
    label: str
    text: str
    parent_key: str | None
    clause_key: str


@dataclass(frozen=True)
class Part:
    """One element of a version: its identity across versions, its place and its own words."""

    key: str
    eid: str
    kind: str
    num: str
    label: str
    text: str
    parent_key: str | None
    clause_key: str


@dataclass
class Text:
    """A version's elements as a tree, in document order."""

    parts: list[Part]
    by_key: dict[str, Part] = field(init=False)
    children: dict[str | None, list[Part]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_key = {p.key: p for p in self.parts}
        self.children = {}
        for p in self.parts:
            self.children.setdefault(p.parent_key, []).append(p)

    def of_kind(self, kind: str) -> list[Part]:
        """Return the elements of one kind, in document order."""
        return [p for p in self.parts if p.kind == kind]

    def kids(self, part: Part) -> list[Part]:
        """Return an element's direct children."""
        return self.children.get(part.key, [])

    def subtree(self, part: Part) -> list[Part]:
        """Return an element and everything under it, in document order."""
        out = [part]
        for kid in self.kids(part):
            out.extend(self.subtree(kid))
        return out

    def bab_of(self, part: Part) -> Part | None:
        """Return the BAB an element stands in, if any."""
        current: Part | None = part
        while current is not None:
            if current.kind == "bab":
                return current
            current = self.by_key.get(current.parent_key) if current.parent_key else None
        return None

    def penjelasan_of(self, num: str) -> Part | None:
        """Return the Penjelasan entry of a Pasal, by its number."""
        return next((p for p in self.of_kind("penjelasan_pasal") if p.num == num), None)


def from_stored(rows: Iterable[StoredLike]) -> Text:
    """Read stored elements (already in document order)."""
    return Text(
        [Part(r.key, r.eid, r.kind, r.num, r.label, r.text, r.parent_key, r.clause_key) for r in rows]
    )


@dataclass(frozen=True)
class Keyed:
    """A parsed draft with keys, and what the next version's keys are matched against."""

    text: Text
    clauses: list[KeyedClause]


def keyed_text(*, body: str, previous: Keyed | None = None) -> Keyed:
    """Parse a draft and key it against the previous one as saving a version does (tests, previews)."""
    clauses = assign_keys(clauses=parse_draft(body).clauses, previous=previous.clauses if previous else [])
    elements, heads = parse_with_heads(body=body)
    prior: Sequence[Part] = previous.text.parts if previous else []
    keyed = assign_element_keys(
        elements=elements,
        heads=heads,
        clause_keys=[c.key for c in clauses],
        previous=[_Prior(p) for p in prior],
    )
    parts = [
        Part(
            k.key,
            k.element.eid,
            k.element.kind,
            k.element.num,
            k.element.label,
            k.element.text,
            k.parent_key,
            k.clause_key,
        )
        for k in keyed
    ]
    return Keyed(Text(parts), clauses)


class _Prior:
    """A Part seen as the previous version's element by key matching."""

    def __init__(self, part: Part) -> None:
        self.key, self.kind, self.num = part.key, part.kind, part.num
        self.parent_key, self.clause_key, self.text = part.parent_key, part.clause_key, part.text
        self.content_hash = element_hash(kind=part.kind, text=part.text)
