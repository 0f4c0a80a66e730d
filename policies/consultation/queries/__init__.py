"""Reads of a cycle's consultation windows, of what is still unanswered in them and of a
consultation's statistics; campaign groups and the copy detection in `campaigns.py`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from policies.consultation.models import (
    Campaign,
    Comment,
    ConsultationWindow,
    Disposition,
)
from policies.lifecycle.models import Policy, Stage
from policies.outbox import hooks


def current_window(
    session: Session, *, policy: Policy, cycle: int | None = None
) -> ConsultationWindow | None:
    """Return a cycle's latest consultation window (default: the current cycle's)."""
    stmt = (
        select(ConsultationWindow)
        .where(ConsultationWindow.policy_id == policy.id, ConsultationWindow.cycle == (cycle or policy.cycle))
        .order_by(col(ConsultationWindow.id).desc())
    )
    return session.exec(stmt).first()


def cycle_windows(session: Session, *, policy: Policy, cycle: int | None = None) -> list[ConsultationWindow]:
    """Return every consultation window of a cycle (default: the current one), oldest first."""
    stmt = (
        select(ConsultationWindow)
        .where(ConsultationWindow.policy_id == policy.id, ConsultationWindow.cycle == (cycle or policy.cycle))
        .order_by(col(ConsultationWindow.id))
    )
    return list(session.exec(stmt))


def cycle_window_ids(session: Session, *, policy: Policy, cycle: int | None = None) -> list[int]:
    """Return the ids of a cycle's consultation windows (default: the current cycle's), oldest first."""
    stmt = (
        select(ConsultationWindow.id)
        .where(ConsultationWindow.policy_id == policy.id, ConsultationWindow.cycle == (cycle or policy.cycle))
        .order_by(col(ConsultationWindow.id))
    )
    return [int(i) for i in session.exec(stmt)]  # type: ignore[arg-type]


def every_window(session: Session, *, policy: Policy) -> list[ConsultationWindow]:
    """Return every consultation window of the policy, of every cycle, oldest first."""
    stmt = (
        select(ConsultationWindow)
        .where(ConsultationWindow.policy_id == policy.id)
        .order_by(col(ConsultationWindow.cycle), col(ConsultationWindow.id))
    )
    return list(session.exec(stmt))


def window_of_policy(session: Session, *, policy: Policy, window_id: int) -> ConsultationWindow | None:
    """Return one consultation window of the policy (of any cycle), if it is the policy's."""
    stmt = select(ConsultationWindow).where(
        ConsultationWindow.policy_id == policy.id, ConsultationWindow.id == window_id
    )
    return session.exec(stmt).first()


def in_windows(column: Any, *, window_ids: Sequence[int]) -> Any:
    """Return the condition "column is one of these windows" (an equality for one, as is usual)."""
    if len(window_ids) == 1:
        # An equality keeps the planners on the (window_id, ...) indexes' fast path.
        return column == window_ids[0]
    return column.in_(list(window_ids))


def count_rows(session: Session, stmt: sa.Select) -> int:
    return int(session.exec(stmt).one() or 0)  # type: ignore[call-overload]


def undisposed_comments(session: Session, *, window_id: int) -> int:
    """Count visible top-level comments of one window still lacking a disposition."""
    return undisposed_in_windows(session, window_ids=[window_id])


def undisposed_in_windows(session: Session, *, window_ids: Sequence[int]) -> int:
    """Count visible top-level comments of these windows still lacking a disposition.

    Hidden comments are left out: a moderator hid them with a recorded reason, and that reason
    is the answer the register gives instead.
    """
    if not window_ids:
        return 0
    stmt = (
        select(func.count())
        .select_from(Comment)
        .outerjoin(Disposition, col(Disposition.comment_id) == Comment.id)
        .where(
            in_windows(Comment.window_id, window_ids=window_ids),
            col(Comment.parent_id).is_(None),
            col(Comment.hidden_at).is_(None),
            col(Disposition.id).is_(None),
        )
    )
    return count_rows(session, stmt)


def undisposed_in_cycle(session: Session, *, policy: Policy) -> int:
    """Count the visible comments of every window of the current cycle still lacking a disposition."""
    return undisposed_in_windows(session, window_ids=cycle_window_ids(session, policy=policy))


def open_windows(session: Session, *, policy: Policy) -> list[ConsultationWindow]:
    """Return every window of the policy, of any cycle, not closed yet."""
    stmt = select(ConsultationWindow).where(
        ConsultationWindow.policy_id == policy.id, col(ConsultationWindow.closed_at).is_(None)
    )
    return list(session.exec(stmt))


def windows_open_now(session: Session, *, now: datetime) -> list[tuple[Policy, ConsultationWindow]]:
    """Return the policies in consultation with their window open now, closing soonest first."""
    stmt = (
        select(Policy, ConsultationWindow)
        .join(ConsultationWindow, col(ConsultationWindow.policy_id) == Policy.id)
        .where(
            Policy.stage == Stage.CONSULTATION.value,
            ConsultationWindow.cycle == Policy.cycle,
            col(ConsultationWindow.closed_at).is_(None),
            ConsultationWindow.opens_at <= now,
            ConsultationWindow.closes_at > now,
        )
        .order_by(col(ConsultationWindow.closes_at))
    )
    return list(session.exec(stmt).all())  # type: ignore[arg-type]


def windows_due_to_close(session: Session, *, now: datetime) -> list[tuple[ConsultationWindow, Policy]]:
    """Return the windows not closed yet whose end has passed, with their policies, oldest first."""
    stmt = (
        select(ConsultationWindow, Policy)
        .join(Policy, col(Policy.id) == ConsultationWindow.policy_id)
        .where(col(ConsultationWindow.closed_at).is_(None), col(ConsultationWindow.closes_at) <= now)
        .order_by(col(ConsultationWindow.id))
    )
    return list(session.exec(stmt))  # type: ignore[arg-type]


def top_level_comments_of_cycle(
    session: Session, *, policy_id: int, cycle: int
) -> list[tuple[Comment, Disposition | None]]:
    """Return a cycle's visible top-level comments, each with its disposition if answered, in order."""
    stmt = (
        select(Comment, Disposition)
        .join(ConsultationWindow, col(ConsultationWindow.id) == Comment.window_id)
        .outerjoin(Disposition, col(Disposition.comment_id) == Comment.id)
        .where(
            Comment.policy_id == policy_id,
            ConsultationWindow.cycle == cycle,
            col(Comment.parent_id).is_(None),
            col(Comment.hidden_at).is_(None),
        )
        .order_by(col(Comment.id))
    )
    return list(session.exec(stmt).all())  # type: ignore[arg-type]


def comment_counts(session: Session, *, window_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Count the windows' comments by stance, group and source, and by whether each is a reply
    (1 or 0) and shown (1 or 0): (stance, group, source, is_reply, is_shown, count) rows."""
    in_window = in_windows(Comment.window_id, window_ids=window_ids)
    top = col(Comment.parent_id).is_(None)
    visible = col(Comment.hidden_at).is_(None)
    # One pass over the windows' comments instead of one per figure: a report page, the cockpit
    # and the gates all ask for these, and each pass reads every comment of the window.
    reply, shown = sa.case((top, 0), else_=1), sa.case((visible, 1), else_=0)
    keys = (Comment.stance, Comment.author_group, Comment.source, reply, shown)
    return list(session.exec(select(*keys, func.count()).where(in_window).group_by(*keys)))  # type: ignore[call-overload]


def outcome_counts(session: Session, *, window_ids: Sequence[int]) -> dict[str, int]:
    """Count the dispositions of the windows' visible top-level comments by outcome."""
    in_window = in_windows(Comment.window_id, window_ids=window_ids)
    outcomes = session.exec(
        select(Disposition.outcome, func.count())
        .join(Comment, col(Comment.id) == Disposition.comment_id)
        .where(in_window, col(Comment.parent_id).is_(None), col(Comment.hidden_at).is_(None))
        .group_by(Disposition.outcome)
        .order_by(Disposition.outcome)
    )
    return {str(o): int(n) for o, n in outcomes}


def visible_campaign_count(session: Session, *, window_ids: Sequence[int]) -> int:
    """Count the windows' campaigns that have a member the public may read."""
    stmt = (
        select(func.count())
        .select_from(Campaign)
        .where(in_windows(Campaign.window_id, window_ids=window_ids), has_visible_member())
    )
    return int(session.exec(stmt).one())


def visible_counts_by_clause(session: Session, *, window_ids: Sequence[int]) -> dict[str, int]:
    """Count the windows' visible top-level comments on each clause."""
    in_window = in_windows(Comment.window_id, window_ids=window_ids)
    stmt = (
        select(Comment.clause_key, func.count())
        .where(in_window, col(Comment.parent_id).is_(None), col(Comment.hidden_at).is_(None))
        .group_by(Comment.clause_key)
        .order_by(Comment.clause_key)
    )
    return {str(key): int(n) for key, n in session.exec(stmt)}


def window_still_open(*, prefix: str, now: datetime) -> sa.ColumnElement[bool]:
    """Hold for a reminder whose key names a window neither closed nor ended at `now`."""
    window = ConsultationWindow
    return (
        select(window.id)
        .where(
            hooks.key_names(prefix=prefix, ident=col(window.id)),
            col(window.closed_at).is_(None),
            col(window.closes_at) > now,
        )
        .exists()
    )


def answers_still_owed(*, prefix: str) -> sa.ColumnElement[bool]:
    """Hold for a reminder whose key names a window whose answers are still owed.

    Owed: the report is not published, the policy is not withdrawn, and a visible comment of the
    window still lacks a disposition.
    """
    window = ConsultationWindow
    owed = (
        select(Comment.id)
        .outerjoin(Disposition, col(Disposition.comment_id) == Comment.id)
        .where(
            col(Comment.window_id) == window.id,
            col(Comment.parent_id).is_(None),
            col(Comment.hidden_at).is_(None),
            col(Disposition.id).is_(None),
        )
        .exists()
    )
    return (
        select(window.id)
        .join(Policy, col(Policy.id) == window.policy_id)
        .where(
            hooks.key_names(prefix=prefix, ident=col(window.id)),
            col(window.report_published_at).is_(None),
            Policy.stage != Stage.WITHDRAWN.value,
            owed,
        )
        .exists()
    )


# Campaign groups' reads live in queries/campaigns.py; named here too, as every caller reads them.
# Last: campaigns.py reads `in_windows` from this module, which is defined by now.
from policies.consultation.queries.campaigns import (  # noqa: E402, F401  (re-exported)
    MAX_CANDIDATES,
    campaign_fresh_accounts,
    campaign_member_ids,
    campaign_size,
    campaigns_with_size,
    copy_candidates,
    earliest_visible_member,
    has_visible_member,
    locked_comment,
    match_campaign,
    store_fingerprint,
)
