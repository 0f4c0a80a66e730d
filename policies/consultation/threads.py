"""Reads of the comment register for the pages: counts per clause, a clause's thread, my comments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from policies.consultation.comment_queries import LIST_FROM, CommentPublic, comment_columns, record_of_row
from policies.consultation.models import Comment, Disposition
from policies.drafting.models import DraftVersion
from policies.lifecycle.models import Policy


def clause_comment_counts(session: Session, *, version_id: int) -> dict[str, int]:
    """Count the visible top-level comments on each clause of a version."""
    stmt = (
        select(Comment.clause_key, func.count())
        .where(
            Comment.version_id == version_id,
            col(Comment.parent_id).is_(None),
            col(Comment.hidden_at).is_(None),
        )
        .group_by(Comment.clause_key)
    )
    return {str(key): int(n) for key, n in session.exec(stmt)}


_C = Comment.__table__.c  # type: ignore[attr-defined]
# Read as the public reads it, for everyone: the page shows a hidden comment by its reason.
_THREAD = (
    sa.select(*comment_columns(sa.false()))
    .select_from(LIST_FROM)
    .where(_C.version_id == sa.bindparam("version_id"), _C.clause_key == sa.bindparam("clause_key"))
    .order_by(_C.id)
)


def clause_thread(session: Session, *, version_id: int, clause_key: str) -> list[CommentPublic]:
    """Return a clause's comments (hidden ones too, the page shows why) with dispositions and replies."""
    params = {"version_id": version_id, "clause_key": clause_key}
    records = [record_of_row(r) for r in session.connection().execute(_THREAD, params)]
    comments: dict[int, dict[str, Any]] = {r["id"]: r for r in records if r["parent_id"] is None}
    for reply in records:
        if reply["parent_id"] in comments:
            comments[reply["parent_id"]]["replies"].append(reply)
    return [CommentPublic.model_validate(c) for c in comments.values()]


@dataclass(frozen=True)
class AuthoredComment:
    """One of my comments, where it was made and how it was answered."""

    comment: Comment
    disposition: Disposition | None
    policy: Policy
    version_number: int


def comments_by_author(session: Session, *, author_id: int, limit: int = 200) -> list[AuthoredComment]:
    """Return an account's comments, newest first, with the answer each received."""
    rows = session.exec(
        select(Comment, Disposition, Policy, DraftVersion.number)
        .join(Policy, col(Policy.id) == Comment.policy_id)
        .join(DraftVersion, col(DraftVersion.id) == Comment.version_id)
        .outerjoin(Disposition, col(Disposition.comment_id) == Comment.id)
        .where(Comment.author_id == author_id)
        .order_by(col(Comment.created_at).desc(), col(Comment.id).desc())
        .limit(limit)
    ).all()
    return [AuthoredComment(c, d, p, int(n)) for c, d, p, n in rows]
