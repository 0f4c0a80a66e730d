"""The trends' SQL: a policy's closed rounds in order."""

from __future__ import annotations

from sqlmodel import Session, col, select

from policies.evaluation.models import SurveyRound


def closed_rounds(session: Session, *, policy_id: int) -> list[SurveyRound]:
    """Return a policy's closed rounds, oldest first."""
    stmt = (
        select(SurveyRound)
        .where(SurveyRound.policy_id == policy_id, col(SurveyRound.closed_at).is_not(None))
        .order_by(col(SurveyRound.number))
    )
    return list(session.exec(stmt))
