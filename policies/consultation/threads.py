"""Reads of the comment register for the pages: counts per clause, a clause's thread, my comments."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from policies.consultation.models import Comment, Disposition
from policies.drafting.models import DraftVersion
from policies.lifecycle.models import Policy


@dataclass
class ThreadItem:
    """A comment with its disposition (if given) and its replies, oldest first."""

    comment: Comment
    disposition: Disposition | None
    replies: list[Comment] = field(default_factory=list)


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


def clause_thread(session: Session, *, version_id: int, clause_key: str) -> list[ThreadItem]:
    """Return a clause's comments (hidden ones too, the page shows why) with dispositions and replies."""
    rows = session.exec(
        select(Comment, Disposition)
        .outerjoin(Disposition, col(Disposition.comment_id) == Comment.id)
        .where(Comment.version_id == version_id, Comment.clause_key == clause_key)
        .order_by(col(Comment.id))
    ).all()
    items: dict[int, ThreadItem] = {}
    replies: list[Comment] = []
    for comment, disposition in rows:
        if comment.parent_id is None:
            items[comment.id] = ThreadItem(comment, disposition)  # type: ignore[index]
        else:
            replies.append(comment)
    for reply in replies:
        parent = items.get(reply.parent_id)  # type: ignore[arg-type]
        if parent is not None:
            parent.replies.append(reply)
    return list(items.values())


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
