"""Statistics of a consultation: who commented, on what, and how much is answered."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from policies.consultation.queries import (
    comment_counts,
    outcome_counts,
    visible_campaign_count,
    visible_counts_by_clause,
)


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


def consultation_stats(
    session: Session, *, window_ids: Sequence[int], by_clause: bool = True
) -> ConsultationStats:
    """Count the windows' comments by stance, clause (unless not wanted), group, source and answer."""
    if not window_ids:
        return ConsultationStats()
    by: dict[str, Counter[str]] = {"stance": Counter(), "group": Counter(), "source": Counter()}
    comments = replies = hidden = 0
    for stance, group, source, is_reply, is_shown, n in comment_counts(session, window_ids=window_ids):
        if is_reply:
            replies += n
        elif not is_shown:
            hidden += n
        else:
            comments += n
            by["stance"][str(stance)] += n
            by["group"][str(group)] += n
            by["source"][str(source)] += n
    by_outcome = outcome_counts(session, window_ids=window_ids)
    answered = sum(by_outcome.values())
    # Statistics are public: a campaign whose every member is hidden is not one the public sees.
    campaigns = visible_campaign_count(session, window_ids=window_ids)
    return ConsultationStats(
        comments=int(comments),
        replies=int(replies),
        hidden=int(hidden),
        answered=answered,
        unanswered=int(comments) - answered,
        campaigns=int(campaigns),
        by_stance=dict(sorted(by["stance"].items())),
        by_clause=visible_counts_by_clause(session, window_ids=window_ids) if by_clause else {},
        by_group=dict(sorted(by["group"].items())),
        by_source=dict(sorted(by["source"].items())),
        by_outcome=by_outcome,
    )
