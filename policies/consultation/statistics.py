"""Statistics of a consultation: who commented, on what, and how much is answered."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from policies.consultation.campaigns import has_visible_member
from policies.consultation.models import Campaign, Comment, Disposition
from policies.consultation.queries import in_windows


@dataclass(frozen=True)
class ConsultationStats:
    """Counts over the windows' visible top-level comments (replies and hidden ones counted apart)."""

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


def _grouped(session: Session, column: Any, *, in_window: Any) -> dict[str, int]:
    stmt = (
        select(column, func.count())
        .where(in_window, col(Comment.parent_id).is_(None), col(Comment.hidden_at).is_(None))
        .group_by(column)
        .order_by(column)
    )
    return {str(key): int(n) for key, n in session.exec(stmt)}


def consultation_stats(
    session: Session, *, window_ids: Sequence[int], by_clause: bool = True
) -> ConsultationStats:
    """Count the windows' comments by stance, clause (unless not wanted), group, source and answer."""
    if not window_ids:
        return ConsultationStats()
    in_window = in_windows(Comment.window_id, window_ids=window_ids)
    top = col(Comment.parent_id).is_(None)
    visible = col(Comment.hidden_at).is_(None)
    # One pass over the windows' comments instead of one per figure: a report page, the cockpit
    # and the gates all ask for these, and each pass reads every comment of the window.
    reply, shown = sa.case((top, 0), else_=1), sa.case((visible, 1), else_=0)
    keys = (Comment.stance, Comment.author_group, Comment.source, reply, shown)
    by: dict[str, Counter[str]] = {"stance": Counter(), "group": Counter(), "source": Counter()}
    comments = replies = hidden = 0
    for stance, group, source, is_reply, is_shown, n in session.exec(
        select(*keys, func.count()).where(in_window).group_by(*keys)  # type: ignore[call-overload]
    ):
        if is_reply:
            replies += n
        elif not is_shown:
            hidden += n
        else:
            comments += n
            by["stance"][str(stance)] += n
            by["group"][str(group)] += n
            by["source"][str(source)] += n
    outcomes = session.exec(
        select(Disposition.outcome, func.count())
        .join(Comment, col(Comment.id) == Disposition.comment_id)
        .where(in_window, top, visible)
        .group_by(Disposition.outcome)
        .order_by(Disposition.outcome)
    )
    by_outcome = {str(o): int(n) for o, n in outcomes}
    answered = sum(by_outcome.values())
    # Statistics are public: a campaign whose every member is hidden is not one the public sees.
    campaigns = session.exec(
        select(func.count())
        .select_from(Campaign)
        .where(in_windows(Campaign.window_id, window_ids=window_ids), has_visible_member())
    ).one()
    return ConsultationStats(
        comments=int(comments),
        replies=int(replies),
        hidden=int(hidden),
        answered=answered,
        unanswered=int(comments) - answered,
        campaigns=int(campaigns),
        by_stance=dict(sorted(by["stance"].items())),
        by_clause=_grouped(session, Comment.clause_key, in_window=in_window) if by_clause else {},
        by_group=dict(sorted(by["group"].items())),
        by_source=dict(sorted(by["source"].items())),
        by_outcome=by_outcome,
    )
