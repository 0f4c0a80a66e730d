"""Reads of indicators, their measurements, and the revision recommendations they lead to."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

from policies.evaluation.models import (
    Indicator,
    Measurement,
    RevisionRecommendation,
    SurveyRound,
)


def list_indicators(session: Session, *, policy_id: int) -> list[Indicator]:
    """Return a policy's indicators by code."""
    stmt = select(Indicator).where(Indicator.policy_id == policy_id).order_by(col(Indicator.code))
    return list(session.exec(stmt))


def indicators_in_order_added(session: Session, *, policy_id: int) -> list[Indicator]:
    """Return a policy's indicators by id."""
    return list(
        session.exec(select(Indicator).where(Indicator.policy_id == policy_id).order_by(col(Indicator.id)))
    )


def indicators_after(
    session: Session, *, policy_id: int, after_code: str | None, limit: int
) -> list[Indicator]:
    """Return up to `limit` of a policy's indicators by code, after `after_code` (keyset)."""
    stmt = select(Indicator).where(Indicator.policy_id == policy_id)
    if after_code is not None:
        stmt = stmt.where(col(Indicator.code) > after_code)
    return list(session.exec(stmt.order_by(col(Indicator.code)).limit(limit)))


def indicator_code_taken(session: Session, *, policy_id: int, code: str) -> bool:
    """Tell whether the policy already has an indicator with this code."""
    exists = select(Indicator.id).where(Indicator.policy_id == policy_id, Indicator.code == code)
    return session.exec(exists).first() is not None


def indicator_codes(session: Session, *, policy_id: int) -> dict[int, str]:
    """Return each of a policy's indicators' code by the indicator's id."""
    stmt = select(Indicator.id, Indicator.code).where(Indicator.policy_id == policy_id)
    return {int(i): str(c) for i, c in session.exec(stmt).all()}  # type: ignore[arg-type]


def measurement_count(session: Session, *, indicator_id: int) -> int:
    """Count an indicator's measurements."""
    used = select(func.count()).select_from(Measurement).where(Measurement.indicator_id == indicator_id)
    return int(session.exec(used).one())


def round_measurement(session: Session, *, indicator_id: int, round_id: int) -> Measurement | None:
    """Return an indicator's measurement for a round, if recorded."""
    return session.exec(
        select(Measurement).where(Measurement.indicator_id == indicator_id, Measurement.round_id == round_id)
    ).first()


def measurements_of_round(session: Session, *, round_id: int) -> list[Measurement]:
    """Return every measurement recorded for a round."""
    return list(session.exec(select(Measurement).where(Measurement.round_id == round_id)))


def latest_measurement(session: Session, *, indicator_id: int) -> Measurement | None:
    """Return an indicator's most recent measurement (by date, then by id), if any."""
    return session.exec(
        select(Measurement)
        .where(Measurement.indicator_id == indicator_id)
        .order_by(col(Measurement.measured_on).desc(), col(Measurement.id).desc())
    ).first()


def measurements_by_round_number(
    session: Session, *, indicator_ids: list[int], closed_only: bool = False
) -> list[tuple[Measurement, int]]:
    """Return the indicators' round measurements with each round's number, oldest round first."""
    stmt = (
        select(Measurement, SurveyRound.number)
        .join(SurveyRound, col(SurveyRound.id) == Measurement.round_id)
        .where(col(Measurement.indicator_id).in_(indicator_ids))
        .order_by(col(SurveyRound.number))
    )
    if closed_only:
        stmt = stmt.where(col(SurveyRound.closed_at).is_not(None))
    return list(session.exec(stmt))  # type: ignore[arg-type]


def visible_rounds_filter(staff: bool) -> ColumnElement[bool]:
    """Return the condition on Measurement.round_id that keeps what the viewer may see."""
    if staff:
        return sa.true()
    # A round still open is not public yet: its values could be read as a preview of the results.
    closed = select(SurveyRound.id).where(col(SurveyRound.closed_at).is_not(None))
    return or_(col(Measurement.round_id).is_(None), col(Measurement.round_id).in_(closed))


def measurements_after(
    session: Session, *, indicator_id: int, staff: bool, after: tuple[date, int] | None, limit: int
) -> list[Measurement]:
    """Return up to `limit` of the measurements a viewer may see, by date then id, after `after`."""
    stmt = select(Measurement).where(Measurement.indicator_id == indicator_id, visible_rounds_filter(staff))
    if after is not None:
        on, last = after
        stmt = stmt.where(
            or_(
                col(Measurement.measured_on) > on,
                and_(col(Measurement.measured_on) == on, col(Measurement.id) > last),
            )
        )
    return list(session.exec(stmt.order_by(col(Measurement.measured_on), col(Measurement.id)).limit(limit)))


def recommendation_of(session: Session, *, round_id: int) -> RevisionRecommendation | None:
    """Return a round's recommendation, if it has one."""
    stmt = select(RevisionRecommendation).where(RevisionRecommendation.round_id == round_id)
    return session.exec(stmt).first()


def recommendations_for(session: Session, *, policy_id: int, cycle: int) -> list[RevisionRecommendation]:
    """Return a cycle's recommendations, oldest round first."""
    stmt = (
        select(RevisionRecommendation)
        .where(RevisionRecommendation.policy_id == policy_id, RevisionRecommendation.cycle == cycle)
        .order_by(col(RevisionRecommendation.round_id))
    )
    return list(session.exec(stmt))


def recommendations_after(
    session: Session, *, policy_id: int, cycle: int, after_id: int | None, limit: int
) -> list[RevisionRecommendation]:
    """Return up to `limit` of a cycle's recommendations by id, after `after_id` (keyset)."""
    stmt = select(RevisionRecommendation).where(
        RevisionRecommendation.policy_id == policy_id,
        RevisionRecommendation.cycle == cycle,
    )
    if after_id is not None:
        stmt = stmt.where(col(RevisionRecommendation.id) > after_id)
    return list(session.exec(stmt.order_by(col(RevisionRecommendation.id)).limit(limit)))
