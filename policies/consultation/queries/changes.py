"""Reads of the trace from an accepted comment to the change it caused (or the reason the text stayed)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import sqlalchemy as sa
from sqlmodel import Session, col, select

from policies.consultation.models import Comment, Disposition, DispositionChange, Outcome
from policies.consultation.queries import in_windows

# The outcomes that promise a change of the text: each owes a linked change or a reason it stayed.
ACCEPTING = (Outcome.ACCEPTED.value, Outcome.PARTLY.value)


def _accepted(window_ids: Sequence[int]) -> tuple[sa.ColumnElement[bool], ...]:
    """The visible, top-level, accepted (wholly or partly) comments of these windows."""
    return (
        in_windows(Comment.window_id, window_ids=window_ids),
        col(Comment.parent_id).is_(None),
        col(Comment.hidden_at).is_(None),
        col(Disposition.outcome).in_(ACCEPTING),
    )


def untraced_acceptances(session: Session, *, window_ids: Sequence[int]) -> list[tuple[int, str]]:
    """Return (comment id, clause key) of each accepted comment with neither a linked change nor a reason."""
    if not window_ids:
        return []
    linked = sa.exists().where(DispositionChange.disposition_id == Disposition.id)
    stmt = (
        select(Comment.id, Comment.clause_key)
        .join(Disposition, col(Disposition.comment_id) == Comment.id)
        .where(*_accepted(window_ids), Disposition.unchanged_reason == "", ~linked)
        .order_by(col(Comment.id))
    )
    return [(int(i), str(k)) for i, k in session.exec(stmt)]


def accepted_comments(session: Session, *, window_ids: Sequence[int]) -> list[tuple[Comment, Disposition]]:
    """Return the accepted (wholly or partly) visible comments of these windows with their dispositions."""
    if not window_ids:
        return []
    stmt = (
        select(Comment, Disposition)
        .join(Disposition, col(Disposition.comment_id) == Comment.id)
        .where(*_accepted(window_ids))
        .order_by(col(Comment.id))
    )
    return [(c, d) for c, d in session.exec(stmt)]


def traced_comments(session: Session, *, window_ids: Sequence[int]) -> list[tuple[Comment, Disposition]]:
    """Return the accepted visible comments of these windows that have a linked change or a reason."""
    if not window_ids:
        return []
    linked = sa.exists().where(DispositionChange.disposition_id == Disposition.id)
    stmt = (
        select(Comment, Disposition)
        .join(Disposition, col(Disposition.comment_id) == Comment.id)
        .where(*_accepted(window_ids), sa.or_(Disposition.unchanged_reason != "", linked))
        .order_by(col(Comment.id))
    )
    return [(c, d) for c, d in session.exec(stmt)]


def answered_comments(session: Session, *, window_ids: Sequence[int]) -> list[tuple[Comment, Disposition]]:
    """Return every visible top-level comment of these windows that has a disposition, oldest first."""
    if not window_ids:
        return []
    stmt = (
        select(Comment, Disposition)
        .join(Disposition, col(Disposition.comment_id) == Comment.id)
        .where(
            in_windows(Comment.window_id, window_ids=window_ids),
            col(Comment.parent_id).is_(None),
            col(Comment.hidden_at).is_(None),
        )
        .order_by(col(Comment.id))
    )
    return [(c, d) for c, d in session.exec(stmt)]


def changes_of(session: Session, *, disposition_ids: Collection[int]) -> list[DispositionChange]:
    """Return the changes linked to these dispositions, in the order they were linked."""
    if not disposition_ids:
        return []
    stmt = select(DispositionChange).where(col(DispositionChange.disposition_id).in_(list(disposition_ids)))
    return list(session.exec(stmt.order_by(col(DispositionChange.id))))


def change_rows(
    session: Session, *, disposition_ids: Collection[int], version_id: int, element_key: str
) -> list[DispositionChange]:
    """Return the links of these dispositions to one element of one version."""
    if not disposition_ids:
        return []
    stmt = select(DispositionChange).where(
        col(DispositionChange.disposition_id).in_(list(disposition_ids)),
        DispositionChange.version_id == version_id,
        DispositionChange.element_key == element_key,
    )
    return list(session.exec(stmt))


def campaign_dispositions(session: Session, *, campaign_id: int) -> list[Disposition]:
    """Return the dispositions a campaign group's one answer gave its members."""
    stmt = select(Disposition).where(Disposition.via_campaign_id == campaign_id)
    return list(session.exec(stmt.order_by(col(Disposition.id))))


def dispositions_of_comments(session: Session, *, comment_ids: Collection[int]) -> dict[int, Disposition]:
    """Return these comments' dispositions, each by its comment's id."""
    if not comment_ids:
        return {}
    stmt = select(Disposition).where(col(Disposition.comment_id).in_(list(comment_ids)))
    return {d.comment_id: d for d in session.exec(stmt)}
