"""Reads of survey rounds, and of the policies whose evaluation runs them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from policies.evaluation.models import SurveyRound
from policies.lifecycle.models import Policy, Stage


def round_by_id(session: Session, *, round_id: int, for_update: bool = False) -> SurveyRound | None:
    """Return a survey round (row-locked, if asked), or None."""
    stmt = select(SurveyRound).where(SurveyRound.id == round_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def latest_round(session: Session, *, policy_id: int) -> SurveyRound | None:
    """Return a policy's newest round of any cycle."""
    stmt = select(SurveyRound).where(SurveyRound.policy_id == policy_id)
    return session.exec(stmt.order_by(col(SurveyRound.number).desc())).first()


def latest_round_of_cycle(session: Session, *, policy: Policy) -> SurveyRound | None:
    """Return the newest round of the policy's current cycle, if one was opened."""
    stmt = select(SurveyRound).where(SurveyRound.policy_id == policy.id, SurveyRound.cycle == policy.cycle)
    return session.exec(stmt.order_by(col(SurveyRound.number).desc())).first()


def rounds_closing(session: Session, *, policy_id: int, start: datetime, end: datetime) -> list[SurveyRound]:
    """Return a policy's rounds not closed yet that are due to close between two moments (both included)."""
    stmt = select(SurveyRound).where(
        SurveyRound.policy_id == policy_id,
        col(SurveyRound.closed_at).is_(None),
        SurveyRound.closes_at >= start,
        SurveyRound.closes_at <= end,
    )
    return list(session.exec(stmt))


def unclosed_round(session: Session, *, policy_id: int, cycle: int) -> SurveyRound | None:
    """Return the cycle's round that has not closed yet, if there is one."""
    return session.exec(
        select(SurveyRound).where(
            SurveyRound.policy_id == policy_id,
            SurveyRound.cycle == cycle,
            col(SurveyRound.closed_at).is_(None),
        )
    ).first()


def last_closed_round(session: Session, *, policy_id: int, cycle: int) -> SurveyRound | None:
    """Return the cycle's most recent closed round (the evaluation a revision answers to)."""
    stmt = (
        select(SurveyRound)
        .where(
            SurveyRound.policy_id == policy_id,
            SurveyRound.cycle == cycle,
            col(SurveyRound.closed_at).is_not(None),
        )
        .order_by(col(SurveyRound.number).desc())
    )
    return session.exec(stmt).first()


def previous_closed_round(session: Session, *, policy_id: int, before_number: int) -> SurveyRound | None:
    """Return the policy's closed round just before round number `before_number` (any cycle), if any."""
    stmt = (
        select(SurveyRound)
        .where(
            SurveyRound.policy_id == policy_id,
            SurveyRound.number < before_number,
            col(SurveyRound.closed_at).is_not(None),
        )
        .order_by(col(SurveyRound.number).desc())
    )
    return session.exec(stmt).first()


def rounds_after(session: Session, *, policy_id: int, after_id: int, limit: int) -> list[SurveyRound]:
    """Return a page of a policy's rounds by id, after `after_id` (keyset)."""
    stmt = (
        select(SurveyRound)
        .where(SurveyRound.policy_id == policy_id, col(SurveyRound.id) > after_id)
        .order_by(col(SurveyRound.id))
        .limit(limit)
    )
    return list(session.exec(stmt))


def round_ids_to_close(session: Session, *, now: datetime) -> Sequence[int]:
    """Return the ids of the unclosed rounds whose closing time has passed, in id order."""
    return session.exec(
        select(SurveyRound.id)
        .where(col(SurveyRound.closed_at).is_(None), SurveyRound.closes_at <= now)
        .order_by(col(SurveyRound.id))
    ).all()  # type: ignore[return-value]


def rounds_open_at(session: Session, *, now: datetime, policy_id: int | None = None) -> Sequence[SurveyRound]:
    """Return the rounds taking answers at `now` (of one policy, if given), in id order."""
    stmt = (
        select(SurveyRound)
        .where(col(SurveyRound.closed_at).is_(None), SurveyRound.opens_at <= now, SurveyRound.closes_at > now)
        .order_by(col(SurveyRound.id))
    )
    if policy_id is not None:
        stmt = stmt.where(SurveyRound.policy_id == policy_id)
    return session.exec(stmt).all()


def round_numbers(session: Session, *, policy_id: int) -> dict[int, int]:
    """Return each of a policy's rounds' number by the round's id."""
    stmt = select(SurveyRound.id, SurveyRound.number).where(SurveyRound.policy_id == policy_id)
    return {int(i): int(n) for i, n in session.exec(stmt).all()}  # type: ignore[arg-type]


def policies_in_evaluation(session: Session, *, policy_id: int | None = None) -> Sequence[Policy]:
    """Return the policies in the evaluation stage (only the given one, if any), in id order."""
    stmt = select(Policy).where(Policy.stage == Stage.EVALUATION).order_by(col(Policy.id))
    if policy_id is not None:
        stmt = stmt.where(Policy.id == policy_id)
    return session.exec(stmt).all()
