"""A version's elements: keys carried over from the previous version, written beside the clauses, read."""

from __future__ import annotations

import hashlib
import secrets
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Protocol

import sqlalchemy as sa
from sqlmodel import Session, col, delete, select

from policies.core.errors import InvalidInput
from policies.drafting.clauses import SIMILARITY_FLOOR, parse_draft
from policies.drafting.models import Clause, DraftVersion, TextElement
from policies.drafting.structure import Element, parse_with_heads


class ElementLike(Protocol):
    """What key matching reads of a stored element."""

    key: str
    kind: str
    num: str
    parent_key: str | None
    clause_key: str
    text: str
    content_hash: str


@dataclass(frozen=True)
class KeyedElement:
    """A parsed element with its identity and its place among the keys of the version."""

    element: Element
    key: str
    parent_key: str | None
    clause_key: str
    depth: int
    content_hash: str


def element_hash(*, kind: str, text: str) -> str:
    """Hash an element's own words, ignoring how whitespace was laid out."""
    return hashlib.sha256(f"{kind}\n{' '.join(text.split())}".encode()).hexdigest()


def new_element_key() -> str:
    """Make a fresh element key."""
    return "e-" + secrets.token_hex(4)


def assign_element_keys(
    *,
    elements: Sequence[Element],
    heads: dict[int, str],
    clause_keys: Sequence[str],
    previous: Sequence[ElementLike],
    make_key: Callable[[], str] = new_element_key,
) -> list[KeyedElement]:
    """Give each element the key of its counterpart in the previous version, or a new one.

    The element that is a whole clause (a Pasal, Menimbang, a Penjelasan entry) takes the clause's
    key. Below it, siblings match the previous children of the matched parent: unchanged text by
    hash first, then the most similar text (as clauses.assign_keys does for Pasal); an element whose
    parent is new looks for its unchanged text anywhere in the same clause.
    """
    last = len(clause_keys) - 1
    clause_of = {e.eid: clause_keys[min(e.clause_index, last)] if clause_keys else "" for e in elements}
    head_key = {eid: clause_keys[i] for i, eid in heads.items() if 0 <= i <= last}
    used: set[str] = set(head_key.values())
    children: dict[str | None, list[Element]] = {}
    for e in elements:
        children.setdefault(e.parent_eid, []).append(e)
    prev_children: dict[str | None, list[ElementLike]] = {}
    prev_by_clause: dict[tuple[str, str, str], list[ElementLike]] = {}
    for p in previous:
        prev_children.setdefault(p.parent_key, []).append(p)
        prev_by_clause.setdefault((p.clause_key, p.kind, p.content_hash), []).append(p)
    key_of: dict[str, str] = {}
    hashes = {e.eid: element_hash(kind=e.kind, text=e.text) for e in elements}

    queue: deque[tuple[str | None, str | None]] = deque([(None, None)])
    while queue:
        parent_eid, parent_key = queue.popleft()
        group = children.get(parent_eid, [])
        for e in group:
            if e.eid in head_key:
                key_of[e.eid] = head_key[e.eid]
        cands = [p for p in prev_children.get(parent_key, []) if p.key not in used]
        by_hash: dict[tuple[str, str], list[ElementLike]] = {}
        for p in cands:
            by_hash.setdefault((p.kind, p.content_hash), []).append(p)
        # 1. Unchanged text keeps its key, even renumbered or moved among its siblings.
        for e in group:
            if e.eid in key_of:
                continue
            found = next((p for p in by_hash.get((e.kind, hashes[e.eid]), []) if p.key not in used), None)
            if found is not None:
                key_of[e.eid] = found.key
                used.add(found.key)
        # 2. Edited text pairs with the most similar remaining sibling of the same kind.
        pairs: list[tuple[float, int, int]] = []
        for i, e in enumerate(group):
            if e.eid in key_of:
                continue
            for j, p in enumerate(cands):
                if p.key in used or p.kind != e.kind:
                    continue
                ratio = SequenceMatcher(None, e.text, p.text, autojunk=False).ratio() + (
                    0.1 if p.num == e.num else 0
                )
                if ratio >= SIMILARITY_FLOOR:
                    pairs.append((ratio, i, j))
        for _ratio, i, j in sorted(pairs, key=lambda t: (-t[0], t[1], t[2])):
            e, p = group[i], cands[j]
            if e.eid not in key_of and p.key not in used:
                key_of[e.eid] = p.key
                used.add(p.key)
        # 3. Unchanged text under a new parent (a list moved into a new ayat) keeps its key.
        for e in group:
            if e.eid in key_of:
                continue
            moved = [
                p
                for p in prev_by_clause.get((clause_of[e.eid], e.kind, hashes[e.eid]), [])
                if p.key not in used
            ]
            if moved:
                key_of[e.eid] = moved[0].key
                used.add(moved[0].key)
        for e in group:
            if e.eid not in key_of:
                key = make_key()
                while key in used:
                    key = make_key()
                key_of[e.eid] = key
                used.add(key)
            queue.append((e.eid, key_of[e.eid]))

    depth: dict[str, int] = {}
    result: list[KeyedElement] = []
    for e in elements:
        depth[e.eid] = depth[e.parent_eid] + 1 if e.parent_eid is not None else 0
        parent_key = key_of[e.parent_eid] if e.parent_eid is not None else None
        result.append(
            KeyedElement(e, key_of[e.eid], parent_key, clause_of[e.eid], depth[e.eid], hashes[e.eid])
        )
    return result


def store_elements(session: Session, *, version_id: int, keyed: Sequence[KeyedElement]) -> None:
    """Write a version's elements in document order (one bulk insert: a long draft has thousands)."""
    rows = [
        {
            "version_id": version_id,
            "eid": k.element.eid[:160],
            "key": k.key,
            "kind": k.element.kind,
            "num": k.element.num[:20],
            "label": k.element.label[:200],
            "parent_key": k.parent_key,
            "clause_key": k.clause_key,
            "position": i,
            "depth": k.depth,
            "text": k.element.text,
            "content_hash": k.content_hash,
        }
        for i, k in enumerate(keyed)
    ]
    if rows:
        session.execute(sa.insert(TextElement), rows)
    session.flush()


def drop_elements(session: Session, *, version_id: int) -> None:
    """Remove a version's elements (before it is rewritten or discarded)."""
    session.exec(delete(TextElement).where(col(TextElement.version_id) == version_id))  # type: ignore[call-overload]
    session.flush()


@dataclass(frozen=True)
class PriorElement:
    """A stored element as key matching reads it, detached from the session (its row may be rewritten)."""

    key: str
    kind: str
    num: str
    parent_key: str | None
    clause_key: str
    text: str
    content_hash: str


def prior_elements(*, session: Session, version_id: int) -> list[PriorElement]:
    """Return a version's elements as plain values (no ORM objects: a long draft has thousands)."""
    columns = [getattr(TextElement, f) for f in PriorElement.__dataclass_fields__]
    stmt = sa.select(*columns).where(TextElement.version_id == version_id).order_by(TextElement.position)
    return [PriorElement(*row) for row in session.execute(stmt)]


def elements_of(*, session: Session, version_id: int) -> list[TextElement]:
    """Return a version's elements in document order."""
    stmt = select(TextElement).where(TextElement.version_id == version_id).order_by(col(TextElement.position))
    return list(session.exec(stmt))


def element_by_key(*, session: Session, version_id: int, key: str) -> TextElement | None:
    """Return a version's element with this identity, or None."""
    stmt = select(TextElement).where(TextElement.version_id == version_id, TextElement.key == key)
    return session.exec(stmt).first()


def elements_of_clause(*, session: Session, version_id: int, clause_key: str) -> list[TextElement]:
    """Return the elements of one clause of a version (it and its parts), in document order."""
    stmt = select(TextElement).where(
        TextElement.version_id == version_id, TextElement.clause_key == clause_key
    )
    return list(session.exec(stmt.order_by(col(TextElement.position))))


def versions_without_elements(*, session: Session) -> list[int]:
    """Return the ids of the versions that have no elements yet (written before migration 0015)."""
    having = sa.select(TextElement.version_id).distinct()
    stmt = (
        sa.select(DraftVersion.id)
        .where(col(DraftVersion.id).not_in(having))
        .order_by(DraftVersion.policy_id, DraftVersion.number)
    )
    return list(session.execute(stmt).scalars())


def backfill_elements(*, session: Session, version_id: int) -> int:
    """Write the elements of a version stored without them; return how many (0: none, or it breaks the rules).

    Keys come from the clauses stored with the version and from the elements of the version it was
    based on, as if it were written now; a text that breaks Lampiran II's rules stays without elements.
    """
    version = session.get(DraftVersion, version_id)
    if version is None or element_count(session=session, version_id=version_id):
        return 0
    try:
        elements, heads = parse_with_heads(body=version.body)
    except InvalidInput:
        return 0
    stmt = select(Clause.key).where(Clause.version_id == version_id).order_by(col(Clause.position))
    clause_keys = list(session.exec(stmt))
    if len(clause_keys) != len(parse_draft(version.body).clauses):
        return 0  # the stored clauses are not this text's: better no elements than wrong keys
    previous = prior_elements(session=session, version_id=version.based_on_id) if version.based_on_id else []
    keyed = assign_element_keys(elements=elements, heads=heads, clause_keys=clause_keys, previous=previous)
    store_elements(session, version_id=version_id, keyed=keyed)
    return len(keyed)


def element_count(*, session: Session, version_id: int) -> int:
    """Count a version's elements."""
    stmt = sa.select(sa.func.count()).select_from(TextElement).where(TextElement.version_id == version_id)
    return int(session.execute(stmt).scalar_one())
