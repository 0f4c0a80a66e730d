"""Reads of what the register keeps beside a comment: offline sources, signatories, "not me" reports,
and the campaign members the report's campaigns section describes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from policies.accounts.models import Account
from policies.consultation.models import Comment, ConsultationWindow, Disposition
from policies.consultation.voice_models import (
    CommentBehalf,
    CommentDisavowal,
    CommentOrigin,
    DisavowalState,
)
from policies.lifecycle.models import Policy
from policies.workshops.models import Workshop, WorkshopOutcome


def origins_of(session: Session, *, comment_ids: Sequence[int]) -> dict[int, CommentOrigin]:
    """Return the offline sources of these comments, by comment id."""
    if not comment_ids:
        return {}
    stmt = select(CommentOrigin).where(col(CommentOrigin.comment_id).in_(list(comment_ids)))
    return {o.comment_id: o for o in session.exec(stmt)}


def voices_in_windows(
    session: Session, *, window_ids: Sequence[int]
) -> tuple[dict[int, CommentOrigin], dict[int, CommentBehalf]]:
    """Return the offline sources and on-behalf records of the windows' comments, by comment id."""
    if not window_ids:
        return {}, {}
    origins = select(CommentOrigin).join(Comment, col(Comment.id) == CommentOrigin.comment_id)
    behalf = select(CommentBehalf).join(Comment, col(Comment.id) == CommentBehalf.comment_id)
    where = col(Comment.window_id).in_(list(window_ids))
    return (
        {o.comment_id: o for o in session.exec(origins.where(where))},
        {b.comment_id: b for b in session.exec(behalf.where(where))},
    )


def behalf_of(session: Session, *, comment_ids: Sequence[int]) -> dict[int, CommentBehalf]:
    """Return the on-behalf records of these comments, by comment id."""
    if not comment_ids:
        return {}
    stmt = select(CommentBehalf).where(col(CommentBehalf.comment_id).in_(list(comment_ids)))
    return {b.comment_id: b for b in session.exec(stmt)}


def reviews_of(session: Session, *, comment_ids: Sequence[int]) -> dict[int, list[CommentDisavowal]]:
    """Return the reviewed "not me" reports of these comments, oldest first, by comment id."""
    if not comment_ids:
        return {}
    stmt = (
        select(CommentDisavowal)
        .where(
            col(CommentDisavowal.comment_id).in_(list(comment_ids)),
            col(CommentDisavowal.state).in_([DisavowalState.UPHELD, DisavowalState.REJECTED]),
        )
        .order_by(col(CommentDisavowal.id))
    )
    found: dict[int, list[CommentDisavowal]] = {}
    for row in session.exec(stmt):
        found.setdefault(row.comment_id, []).append(row)
    return found


def author_account(session: Session, *, comment: Comment) -> Account | None:
    """Return the account a comment was sent from, if any."""
    return session.get(Account, comment.author_id) if comment.author_id is not None else None


def recent_disavowal(
    session: Session, *, comment_id: int, email: str, since: datetime
) -> CommentDisavowal | None:
    """Return a report of this comment to this address made since `since` (a form sent twice)."""
    stmt = select(CommentDisavowal).where(
        CommentDisavowal.comment_id == comment_id,
        CommentDisavowal.email == email,
        col(CommentDisavowal.created_at) >= since,
    )
    return session.exec(stmt).first()


def disavowals_of_policy(
    session: Session, *, policy: Policy | None, states: Sequence[DisavowalState]
) -> list[tuple[CommentDisavowal, Comment, Policy]]:
    """Return a policy's (or every policy's) "not me" reports in these states, oldest first."""
    stmt = (
        select(CommentDisavowal, Comment, Policy)
        .join(Comment, col(Comment.id) == CommentDisavowal.comment_id)
        .join(Policy, col(Policy.id) == Comment.policy_id)
        .where(col(CommentDisavowal.state).in_(list(states)))
        .order_by(col(CommentDisavowal.id))
    )
    if policy is not None:
        stmt = stmt.where(Comment.policy_id == policy.id)
    return list(session.exec(stmt).all())  # type: ignore[arg-type]


def recorded_inputs(session: Session, *, policy: Policy) -> list[tuple[Comment, CommentOrigin]]:
    """Return the offline inputs recorded in the policy's current cycle, newest first."""
    stmt = (
        select(Comment, CommentOrigin)
        .join(CommentOrigin, col(CommentOrigin.comment_id) == Comment.id)
        .join(ConsultationWindow, col(ConsultationWindow.id) == Comment.window_id)
        .where(Comment.policy_id == policy.id, ConsultationWindow.cycle == policy.cycle)
        .order_by(col(Comment.id).desc())
    )
    return list(session.exec(stmt).all())  # type: ignore[arg-type]


def linked_outcomes(session: Session, *, policy: Policy) -> list[tuple[WorkshopOutcome, Workshop]]:
    """Return the current cycle's workshop outcomes that are tied to a clause, in the order recorded."""
    stmt = (
        select(WorkshopOutcome, Workshop)
        .join(Workshop, col(Workshop.id) == WorkshopOutcome.workshop_id)
        .where(
            Workshop.policy_id == policy.id,
            Workshop.cycle == policy.cycle,
            col(WorkshopOutcome.clause_key).is_not(None),
        )
        .order_by(col(WorkshopOutcome.id))
    )
    return list(session.exec(stmt).all())  # type: ignore[arg-type]


def origin_of_outcome(session: Session, *, outcome_id: int) -> CommentOrigin | None:
    """Return the source row made from a workshop outcome, if there is one."""
    return session.exec(select(CommentOrigin).where(CommentOrigin.workshop_outcome_id == outcome_id)).first()


def campaign_members(
    session: Session, *, campaign_ids: Sequence[int]
) -> list[tuple[Comment, Disposition | None]]:
    """Return every member of these campaigns (hidden ones too) with its answer, oldest first."""
    if not campaign_ids:
        return []
    stmt = (
        select(Comment, Disposition)
        .outerjoin(Disposition, col(Disposition.comment_id) == Comment.id)
        .where(col(Comment.campaign_id).in_(list(campaign_ids)))
        .order_by(col(Comment.created_at), col(Comment.id))
    )
    return list(session.exec(stmt).all())  # type: ignore[arg-type]


def window_of(session: Session, *, window_id: int) -> ConsultationWindow | None:
    """Return a consultation window by id."""
    return session.get(ConsultationWindow, window_id)
