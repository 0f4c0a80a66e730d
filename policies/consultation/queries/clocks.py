"""Reads of the answer clocks: a comment by its tracking number, the comments whose answers are owed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from policies.accounts.models import Account
from policies.consultation.models import Comment, ConsultationWindow, Disposition
from policies.lifecycle.models import Policy, PolicyKind, Stage

_TAKEN = sa.select(Comment.__table__.c.id).where(  # type: ignore[attr-defined]
    Comment.__table__.c.tracking_number == sa.bindparam("number")  # type: ignore[attr-defined]
)


def tracking_number_taken(session: Session, *, number: str) -> bool:
    """Tell whether a tracking number is in use."""
    # Built once: every comment POST asks.
    return session.execute(_TAKEN, {"number": number}).first() is not None


def comment_by_tracking_number(
    session: Session, *, number: str
) -> tuple[Comment, Disposition | None, ConsultationWindow | None, Policy, PolicyKind] | None:
    """Return the comment a tracking number names, with its answer, window, policy and kind."""
    stmt = (
        select(Comment, Disposition, ConsultationWindow, Policy, PolicyKind)
        .join(Policy, col(Policy.id) == Comment.policy_id)
        .join(PolicyKind, col(PolicyKind.id) == Policy.kind_id)
        .outerjoin(Disposition, col(Disposition.comment_id) == Comment.id)
        .outerjoin(ConsultationWindow, col(ConsultationWindow.id) == Comment.window_id)
        .where(Comment.tracking_number == number)
    )
    row = session.exec(stmt).first()
    return tuple(row) if row is not None else None  # type: ignore[return-value]


def clocked_comments(
    session: Session, *, unit: str | None = None, window_ids: Sequence[int] | None = None
) -> list[tuple[Any, ...]]:
    """Return the visible top-level comments with an answer clock, newest windows first.

    Each row: (comment id, tracking number, clause key, window id, window close (planned or
    actual), window opener, policy slug, policy title, policy unit, kind rules, answered at,
    responder). Windows of withdrawn policies and of published reports are left out unless named.
    """
    stmt = (
        select(
            Comment.id,
            Comment.tracking_number,
            Comment.clause_key,
            ConsultationWindow.id,
            ConsultationWindow.closes_at,
            ConsultationWindow.closed_at,
            ConsultationWindow.created_by_id,
            Policy.slug,
            Policy.title,
            Policy.unit,
            PolicyKind.rules,
            Disposition.responded_at,
            Disposition.responder_id,
        )
        .join(ConsultationWindow, col(ConsultationWindow.id) == Comment.window_id)
        .join(Policy, col(Policy.id) == Comment.policy_id)
        .join(PolicyKind, col(PolicyKind.id) == Policy.kind_id)
        .outerjoin(Disposition, col(Disposition.comment_id) == Comment.id)
        .where(col(Comment.parent_id).is_(None), col(Comment.hidden_at).is_(None))
        .order_by(col(ConsultationWindow.id).desc(), col(Comment.id))
    )
    if window_ids is not None:
        stmt = stmt.where(col(ConsultationWindow.id).in_(list(window_ids)))
    else:
        stmt = stmt.where(
            col(ConsultationWindow.report_published_at).is_(None), Policy.stage != Stage.WITHDRAWN
        )
    if unit is not None:
        stmt = stmt.where(Policy.unit == unit)
    return [tuple(row) for row in session.exec(stmt)]  # type: ignore[call-overload]


def windows_owing_answers(session: Session) -> list[tuple[ConsultationWindow, Policy, PolicyKind]]:
    """Return the windows with a visible comment still unanswered, report unpublished, policy alive."""
    owed = (
        select(Comment.id)
        .outerjoin(Disposition, col(Disposition.comment_id) == Comment.id)
        .where(
            col(Comment.window_id) == ConsultationWindow.id,
            col(Comment.parent_id).is_(None),
            col(Comment.hidden_at).is_(None),
            col(Disposition.id).is_(None),
        )
        .exists()
    )
    stmt = (
        select(ConsultationWindow, Policy, PolicyKind)
        .join(Policy, col(Policy.id) == ConsultationWindow.policy_id)
        .join(PolicyKind, col(PolicyKind.id) == Policy.kind_id)
        .where(col(ConsultationWindow.report_published_at).is_(None), Policy.stage != Stage.WITHDRAWN, owed)
        .order_by(col(ConsultationWindow.id))
    )
    return [tuple(row) for row in session.exec(stmt)]  # type: ignore[misc]


def account_names(session: Session, *, account_ids: Sequence[int]) -> dict[int, str]:
    """Return the names of these accounts by id."""
    if not account_ids:
        return {}
    stmt = select(Account.id, Account.name).where(col(Account.id).in_(list(set(account_ids))))
    return {int(i): str(n) for i, n in session.exec(stmt)}
