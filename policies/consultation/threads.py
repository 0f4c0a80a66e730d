"""The comment register as the pages show it: counts per clause, a clause's thread, my comments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from policies.consultation.comment_queries import (
    clause_comment_counts,
    clause_thread_records,
    comments_of_author,
)
from policies.consultation.models import Comment, Disposition
from policies.consultation.read_model import CommentPublic
from policies.lifecycle.models import Policy

# Counted by the register's reads; the pages have always found it here.
__all__ = ["AuthoredComment", "clause_comment_counts", "clause_thread", "comments_by_author"]


def clause_thread(session: Session, *, version_id: int, clause_key: str) -> list[CommentPublic]:
    """Return a clause's comments (hidden ones too, the page shows why) with dispositions and replies."""
    records = clause_thread_records(session, version_id=version_id, clause_key=clause_key)
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
    # The clause as the text names it ("Pasal 5"), never its internal key.
    clause_heading: str = ""


def comments_by_author(session: Session, *, author_id: int, limit: int = 200) -> list[AuthoredComment]:
    """Return an account's comments, newest first, with the answer each received."""
    rows = comments_of_author(session, author_id=author_id, limit=limit)
    return [AuthoredComment(c, d, p, n, h) for c, d, p, n, h in rows]
