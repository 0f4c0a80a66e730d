"""Reading the comment register: what a viewer may see of a comment, one comment with its replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation.models import Comment, Disposition
from policies.consultation.register import comment_of
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_policy


@dataclass(frozen=True)
class DispositionView:
    """A comment's tindak lanjut as shown to everyone."""

    outcome: str
    reason: str
    next_clause_key: str | None
    responder_id: int | None
    via_campaign_id: int | None
    responded_at: datetime


@dataclass(frozen=True)
class CommentView:
    """A comment as a given viewer may see it (hidden text replaced for the public)."""

    id: int
    clause_key: str
    parent_id: int | None
    quote: str
    body: str
    stance: str
    author_name: str
    author_group: str
    source: str
    campaign_id: int | None
    support_count: int
    oppose_count: int
    hidden: bool
    hidden_reason: str
    created_at: datetime
    disposition: DispositionView | None = None
    replies: list[CommentView] = field(default_factory=list)


def hidden_placeholder(reason: str) -> str:
    """Return the text the public sees instead of a hidden comment."""
    return f"[disembunyikan oleh moderator: {reason}]" if reason else "[disembunyikan oleh moderator]"


def can_see_hidden(actor: Actor | None, *, policy: Policy) -> bool:
    """Tell whether a viewer may read hidden text: moderators, admins and the owning unit's drafters."""
    return sees_hidden(actor, unit=policy.unit)


def sees_hidden(actor: Actor | None, *, unit: str) -> bool:
    """Tell whether a viewer may read the hidden text of a unit's policies."""
    if actor is None:
        return False
    if actor.role in (Role.ADMIN, Role.MODERATOR):
        return True
    return actor.role is Role.DRAFTER and actor.unit == unit


def _shown(
    quote: str, body: str, hidden_at: datetime | None, reason: str, *, full_text: bool
) -> tuple[str, str, bool, str]:
    """Return quote, body, hidden and hidden reason as the viewer may see them: the one masking rule."""
    if hidden_at is None:
        return quote, body, False, ""
    if full_text:
        return quote, body, True, reason
    return "", hidden_placeholder(reason), True, reason


def view_of(comment: Comment, *, disposition: Disposition | None, full_text: bool) -> CommentView:
    """Turn a row into what the viewer may see."""
    quote, body, hidden, hidden_reason = _shown(
        comment.quote, comment.body, comment.hidden_at, comment.hidden_reason, full_text=full_text
    )
    return CommentView(
        id=comment.id,  # type: ignore[arg-type]
        clause_key=comment.clause_key,
        parent_id=comment.parent_id,
        quote=quote,
        body=body,
        stance=str(comment.stance),
        author_name=comment.author_name,
        author_group=comment.author_group,
        source=str(comment.source),
        campaign_id=comment.campaign_id,
        support_count=comment.support_count,
        oppose_count=comment.oppose_count,
        hidden=hidden,
        hidden_reason=hidden_reason,
        created_at=comment.created_at,
        disposition=(
            DispositionView(
                outcome=str(disposition.outcome),
                reason=disposition.reason,
                next_clause_key=disposition.next_clause_key,
                responder_id=disposition.responder_id,
                via_campaign_id=disposition.via_campaign_id,
                responded_at=disposition.responded_at,
            )
            if disposition is not None
            else None
        ),
    )


def comment_view(session: Session, *, comment: Comment, full_text: bool) -> CommentView:
    """Turn a row into what the viewer may see, with its disposition when it has one."""
    disposition = session.exec(select(Disposition).where(Disposition.comment_id == comment.id)).first()
    return view_of(comment, disposition=disposition, full_text=full_text)


_C = Comment.__table__.c  # type: ignore[attr-defined]
_D = Disposition.__table__.c  # type: ignore[attr-defined]
LIST_COLUMNS = (
    _C.id,
    _C.clause_key,
    _C.parent_id,
    _C.quote,
    _C.body,
    _C.stance,
    _C.author_name,
    _C.author_group,
    _C.source,
    _C.campaign_id,
    _C.support_count,
    _C.oppose_count,
    _C.hidden_at,
    _C.hidden_reason,
    _C.created_at,
    _D.outcome,
    _D.reason,
    _D.next_clause_key,
    _D.responder_id,
    _D.via_campaign_id,
    _D.responded_at,
)

LIST_FROM = Comment.__table__.outerjoin(Disposition.__table__, _D.comment_id == _C.id)  # type: ignore[attr-defined]


def view_of_row(row: tuple, *, full_text: bool) -> CommentView:
    """Turn a row of LIST_COLUMNS into what the viewer may see (no ORM objects: reads are hot)."""
    (
        cid,
        clause_key,
        parent_id,
        quote,
        body,
        stance,
        author_name,
        author_group,
        source,
        campaign_id,
        support,
        oppose,
        hidden_at,
        hidden_reason,
        created_at,
        outcome,
        reason,
        next_key,
        responder_id,
        via_campaign_id,
        responded_at,
    ) = row
    quote, body, hidden, hidden_reason = _shown(quote, body, hidden_at, hidden_reason, full_text=full_text)
    return CommentView(
        id=cid,
        clause_key=clause_key,
        parent_id=parent_id,
        quote=quote,
        body=body,
        stance=stance,
        author_name=author_name,
        author_group=author_group,
        source=source,
        campaign_id=campaign_id,
        support_count=support,
        oppose_count=oppose,
        hidden=hidden,
        hidden_reason=hidden_reason,
        created_at=created_at,
        disposition=(
            DispositionView(outcome, reason, next_key, responder_id, via_campaign_id, responded_at)
            if outcome is not None
            else None
        ),
    )


def record_of_row(row: tuple, *, full_text: bool) -> dict[str, Any]:
    """Turn a row of LIST_COLUMNS into a CommentView's fields as a plain mapping, ready for JSON.

    The hottest read (a page over HTTP) writes these straight out: building the dataclasses and
    serializing them through pydantic cost about as much as the query.
    """
    (
        cid,
        clause_key,
        parent_id,
        quote,
        body,
        stance,
        author_name,
        author_group,
        source,
        campaign_id,
        support,
        oppose,
        hidden_at,
        hidden_reason,
        created_at,
        outcome,
        reason,
        next_key,
        responder_id,
        via_campaign_id,
        responded_at,
    ) = row
    quote, body, hidden, hidden_reason = _shown(quote, body, hidden_at, hidden_reason, full_text=full_text)
    return {
        "id": cid,
        "clause_key": clause_key,
        "parent_id": parent_id,
        "quote": quote,
        "body": body,
        "stance": stance,
        "author_name": author_name,
        "author_group": author_group,
        "source": source,
        "campaign_id": campaign_id,
        "support_count": support,
        "oppose_count": oppose,
        "hidden": hidden,
        "hidden_reason": hidden_reason,
        "created_at": created_at,
        "disposition": (
            {
                "outcome": outcome,
                "reason": reason,
                "next_clause_key": next_key,
                "responder_id": responder_id,
                "via_campaign_id": via_campaign_id,
                "responded_at": responded_at,
            }
            if outcome is not None
            else None
        ),
        "replies": [],
    }


def read_comment(session: Session, *, slug: str, comment_id: int, viewer: Actor | None) -> CommentView:
    """Return one comment with its disposition and its replies, oldest reply first."""
    policy = get_policy(session, slug=slug)
    comment = comment_of(session, policy=policy, comment_id=comment_id)
    full_text = can_see_hidden(viewer, policy=policy)
    view = comment_view(session, comment=comment, full_text=full_text)
    replies = session.exec(
        select(Comment).where(Comment.parent_id == comment.id).order_by(col(Comment.id))
    ).all()
    view.replies.extend(view_of(r, disposition=None, full_text=full_text) for r in replies)
    return view
