"""A version's elements as stored: written in bulk, read as plain values or rows, counted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import Session, col, delete, select

from policies.drafting.models import Clause, DraftVersion, TextElement

if TYPE_CHECKING:
    from policies.drafting.elements import KeyedElement


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


@dataclass(frozen=True)
class ShownElement:
    """A stored element as a page renders it (plain values: a long draft has thousands)."""

    key: str
    eid: str
    kind: str
    num: str
    parent_key: str | None
    clause_key: str
    depth: int
    text: str


def shown_elements(*, session: Session, version_id: int, clause_key: str | None = None) -> list[ShownElement]:
    """Return a version's elements (or one clause's) for display, in document order."""
    columns = [getattr(TextElement, f) for f in ShownElement.__dataclass_fields__]
    stmt = sa.select(*columns).where(TextElement.version_id == version_id)
    if clause_key is not None:
        stmt = stmt.where(TextElement.clause_key == clause_key)
    return [ShownElement(*row) for row in session.execute(stmt.order_by(TextElement.position))]


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


def element_count(*, session: Session, version_id: int) -> int:
    """Count a version's elements."""
    stmt = sa.select(sa.func.count()).select_from(TextElement).where(TextElement.version_id == version_id)
    return int(session.execute(stmt).scalar_one())


def clause_keys_of(*, session: Session, version_id: int) -> list[str]:
    """Return a version's clause keys in document order."""
    stmt = select(Clause.key).where(Clause.version_id == version_id).order_by(col(Clause.position))
    return list(session.exec(stmt))
