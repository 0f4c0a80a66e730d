"""The moderators' queue: the newest comments of every open consultation, and what was hidden, by whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from policies.accounts.access import Actor, require_role
from policies.accounts.models import Role
from policies.consultation.pages import moderation_rows

PAGE_SIZE = 50


@dataclass(frozen=True)
class ModerationItem:
    """A comment (or reply) as a moderator sees it: full text, where it was made, its moderation."""

    id: int
    slug: str
    policy_title: str
    version_number: int
    clause_key: str
    parent_id: int | None
    body: str
    author_name: str
    created_at: datetime
    hidden_at: datetime | None
    hidden_reason: str
    hidden_by_name: str


@dataclass(frozen=True)
class ModerationPage:
    """One page of the queue, newest first, and the id to continue before (None on the last page)."""

    items: list[ModerationItem]
    next_before: int | None


def moderation_queue(
    session: Session, *, actor: Actor | None, hidden: bool, before: int | None = None, limit: int = PAGE_SIZE
) -> ModerationPage:
    """List the newest comments of policies under consultation, or (hidden=True) every hidden comment."""
    require_role(actor, Role.MODERATOR)
    limit = max(1, min(limit, 200))
    rows = moderation_rows(session, hidden=hidden, before=before, limit=limit + 1)
    items = [
        ModerationItem(
            id=r[0],
            slug=r[1],
            policy_title=r[2],
            version_number=int(r[3]),
            clause_key=r[4],
            parent_id=r[5],
            body=r[6],
            author_name=r[7],
            created_at=r[8],
            hidden_at=r[9],
            hidden_reason=r[10] if r[9] is not None else "",
            hidden_by_name=r[11] or "",
        )
        for r in rows[:limit]
    ]
    return ModerationPage(items=items, next_before=items[-1].id if len(rows) > limit else None)
