"""Reads and writes of comment anchors: the elements a comment may anchor to, the comments a new
version re-anchors, the anchors it stores, and the comments carried onto a later version."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from policies.consultation.models import Comment, CommentAnchor, Disposition
from policies.drafting.models import DraftVersion, TextElement

_A = CommentAnchor.__table__  # type: ignore[attr-defined]


def element_of_version(
    session: Session, *, version_id: int, key: str | None = None, eid: str | None = None
) -> TextElement | None:
    """Return a version's element by its key or, without one, by its eId."""
    stmt = select(TextElement).where(TextElement.version_id == version_id)
    stmt = stmt.where(TextElement.key == key) if key is not None else stmt.where(TextElement.eid == eid)
    return session.exec(stmt).first()


def clause_elements(session: Session, *, version_id: int, clause_key: str) -> list[TextElement]:
    """Return the elements of one Pasal of a version (the Pasal first), in document order."""
    stmt = (
        select(TextElement)
        .where(TextElement.version_id == version_id, TextElement.clause_key == clause_key)
        .order_by(col(TextElement.position))
    )
    return list(session.exec(stmt))


def version_elements(session: Session, *, version_ids: Sequence[int]) -> dict[int, list[TextElement]]:
    """Return the elements of each version, in document order."""
    if not version_ids:
        return {}
    stmt = (
        select(TextElement)
        .where(col(TextElement.version_id).in_(version_ids))
        .order_by(col(TextElement.version_id), col(TextElement.position))
    )
    found: dict[int, list[TextElement]] = {v: [] for v in version_ids}
    for element in session.exec(stmt):
        found[element.version_id].append(element)
    return found


_TO_PLACE = (
    sa.select(
        Comment.id,
        Comment.version_id,
        Comment.clause_key,
        Comment.element_key,
        Comment.element_label,
        Comment.quote,
        Comment.quote_prefix,
        Comment.quote_suffix,
        Comment.quote_start,
        Comment.quote_end,
    )
    .join(DraftVersion, col(DraftVersion.id) == Comment.version_id)
    .where(
        Comment.policy_id == sa.bindparam("policy_id"),
        col(Comment.parent_id).is_(None),
        col(Comment.hidden_at).is_(None),
        DraftVersion.number < sa.bindparam("number"),
        ~sa.exists().where(_A.c.comment_id == Comment.id, _A.c.version_id == sa.bindparam("version_id")),
    )
    .order_by(Comment.version_id, Comment.id)
)


def comments_to_place(session: Session, *, policy_id: int, version_id: int, number: int) -> list[Any]:
    """Return the policy's visible comments on earlier versions not yet anchored in this version."""
    params = {"policy_id": policy_id, "number": number, "version_id": version_id}
    return list(session.execute(_TO_PLACE, params))


def insert_anchors(session: Session, *, rows: list[dict[str, Any]]) -> None:
    """Write many anchors in one statement (executemany)."""
    if rows:
        session.execute(sa.insert(_A), rows)


_ORIGIN = sa.orm.aliased(DraftVersion)
_CARRIED = (
    sa.select(CommentAnchor, Comment, _ORIGIN.number, Disposition.outcome)
    .join(Comment, col(Comment.id) == CommentAnchor.comment_id)
    .join(_ORIGIN, _ORIGIN.id == Comment.version_id)
    .outerjoin(Disposition, col(Disposition.comment_id) == Comment.id)
    .where(col(Comment.hidden_at).is_(None))
    .order_by(col(CommentAnchor.comment_id))
)


def carried_anchors(
    session: Session, *, version_id: int, clause_key: str | None = None, orphaned: bool = False
) -> list[tuple[CommentAnchor, Comment, int, str | None]]:
    """Return the comments of earlier versions carried onto a version (or one of its Pasal, or those
    whose Pasal it no longer has), each with its anchor there, the number of the version it was made
    on and its disposition's outcome."""
    stmt = _CARRIED.where(CommentAnchor.version_id == version_id)
    if clause_key is not None:
        stmt = stmt.where(CommentAnchor.clause_key == clause_key)
    if orphaned:
        stmt = stmt.where(col(CommentAnchor.clause_key).is_(None))
    return [(a, c, int(n), o) for a, c, n, o in session.execute(stmt)]


def anchors_of_comment(session: Session, *, comment_id: int) -> list[tuple[CommentAnchor, int]]:
    """Return a comment's anchors in later versions, oldest version first, with each version's number."""
    stmt = (
        select(CommentAnchor, DraftVersion.number)
        .join(DraftVersion, col(DraftVersion.id) == CommentAnchor.version_id)
        .where(CommentAnchor.comment_id == comment_id)
        .order_by(col(DraftVersion.number))
    )
    return [(a, int(n)) for a, n in session.exec(stmt)]
