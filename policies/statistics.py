"""Statistics of a consultation window: who commented, on what, and how much is answered."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from policies.models import Campaign, Comment, Disposition


@dataclass(frozen=True)
class ConsultationStats:
    """Counts over a window's visible top-level comments (replies and hidden ones counted apart)."""

    comments: int = 0
    replies: int = 0
    hidden: int = 0
    answered: int = 0
    unanswered: int = 0
    campaigns: int = 0
    by_stance: dict[str, int] = field(default_factory=dict)
    by_clause: dict[str, int] = field(default_factory=dict)
    by_group: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)


def _grouped(session: Session, column: object, *, window_id: int) -> dict[str, int]:
    stmt = (
        select(column, func.count())  # type: ignore[call-overload]
        .where(
            Comment.window_id == window_id,
            col(Comment.parent_id).is_(None),
            col(Comment.hidden_at).is_(None),
        )
        .group_by(column)
        .order_by(column)
    )
    return {str(key): int(n) for key, n in session.exec(stmt)}


def consultation_stats(session: Session, *, window_id: int) -> ConsultationStats:
    """Count a window's comments by stance, clause, author group, source and disposition."""
    in_window = Comment.window_id == window_id
    top = col(Comment.parent_id).is_(None)
    visible = col(Comment.hidden_at).is_(None)
    comments = session.exec(select(func.count()).select_from(Comment).where(in_window, top, visible)).one()
    replies = session.exec(
        select(func.count()).select_from(Comment).where(in_window, col(Comment.parent_id).is_not(None))
    ).one()
    hidden = session.exec(
        select(func.count()).select_from(Comment).where(in_window, top, col(Comment.hidden_at).is_not(None))
    ).one()
    outcomes = session.exec(
        select(Disposition.outcome, func.count())
        .join(Comment, col(Comment.id) == Disposition.comment_id)
        .where(in_window, top, visible)
        .group_by(Disposition.outcome)
        .order_by(Disposition.outcome)
    )
    by_outcome = {str(o): int(n) for o, n in outcomes}
    answered = sum(by_outcome.values())
    campaigns = session.exec(
        select(func.count()).select_from(Campaign).where(Campaign.window_id == window_id)
    ).one()
    return ConsultationStats(
        comments=int(comments),
        replies=int(replies),
        hidden=int(hidden),
        answered=answered,
        unanswered=int(comments) - answered,
        campaigns=int(campaigns),
        by_stance=_grouped(session, Comment.stance, window_id=window_id),
        by_clause=_grouped(session, Comment.clause_key, window_id=window_id),
        by_group=_grouped(session, Comment.author_group, window_id=window_id),
        by_source=_grouped(session, Comment.source, window_id=window_id),
        by_outcome=by_outcome,
    )
