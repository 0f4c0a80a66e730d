"""Reads of a cycle's consultation windows and of what is still unanswered in them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from policies.consultation.models import Comment, ConsultationWindow, Disposition
from policies.lifecycle.models import Policy, Stage


def current_window(session: Session, *, policy: Policy) -> ConsultationWindow | None:
    """Return the current cycle's latest consultation window."""
    stmt = (
        select(ConsultationWindow)
        .where(ConsultationWindow.policy_id == policy.id, ConsultationWindow.cycle == policy.cycle)
        .order_by(col(ConsultationWindow.id).desc())
    )
    return session.exec(stmt).first()


def cycle_windows(session: Session, *, policy: Policy) -> list[ConsultationWindow]:
    """Return every consultation window of the current cycle, oldest first."""
    stmt = (
        select(ConsultationWindow)
        .where(ConsultationWindow.policy_id == policy.id, ConsultationWindow.cycle == policy.cycle)
        .order_by(col(ConsultationWindow.id))
    )
    return list(session.exec(stmt))


def cycle_window_ids(session: Session, *, policy: Policy) -> list[int]:
    """Return the ids of the current cycle's consultation windows, oldest first."""
    stmt = (
        select(ConsultationWindow.id)
        .where(ConsultationWindow.policy_id == policy.id, ConsultationWindow.cycle == policy.cycle)
        .order_by(col(ConsultationWindow.id))
    )
    return [int(i) for i in session.exec(stmt)]  # type: ignore[arg-type]


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


def windows_without_report(
    session: Session, *, closed_by: datetime
) -> list[tuple[ConsultationWindow, Policy]]:
    """Return the windows closed by a moment whose report is unpublished, of policies not withdrawn."""
    stmt = (
        select(ConsultationWindow, Policy)
        .join(Policy, col(Policy.id) == ConsultationWindow.policy_id)
        .where(
            col(ConsultationWindow.closed_at).is_not(None),
            col(ConsultationWindow.closed_at) <= closed_by,
            col(ConsultationWindow.report_published_at).is_(None),
            Policy.stage != Stage.WITHDRAWN,
        )
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
