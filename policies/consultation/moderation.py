"""The moderators' queue: the newest comments of every open consultation, and what was hidden, by whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from policies.accounts.access import Actor, require_role
from policies.accounts.models import Account, Role
from policies.consultation.models import Comment, ConsultationWindow
from policies.drafting.models import DraftVersion
from policies.lifecycle.models import Policy, Stage

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
    hider = aliased(Account)
    stmt = (
        sa.select(
            Comment.id,
            Policy.slug,
            Policy.title,
            DraftVersion.number,
            Comment.clause_key,
            Comment.parent_id,
            Comment.body,
            Comment.author_name,
            Comment.created_at,
            Comment.hidden_at,
            Comment.hidden_reason,
            hider.name,
        )
        .join(Policy, col(Policy.id) == Comment.policy_id)
        .join(DraftVersion, col(DraftVersion.id) == Comment.version_id)
        .outerjoin(hider, col(hider.id) == Comment.hidden_by_id)
    )
    if hidden:
        stmt = stmt.where(col(Comment.hidden_at).is_not(None))
    else:
        # Only windows of the cycle under consultation now: older rounds are settled.
        stmt = stmt.join(ConsultationWindow, col(ConsultationWindow.id) == Comment.window_id).where(
            Policy.stage == Stage.CONSULTATION.value, ConsultationWindow.cycle == Policy.cycle
        )
    if before is not None:
        stmt = stmt.where(col(Comment.id) < before)
    limit = max(1, min(limit, 200))
    rows = session.execute(stmt.order_by(col(Comment.id).desc()).limit(limit + 1)).all()
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
