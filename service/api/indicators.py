"""Indicators of a policy and their measurements (CRUD, CSV import, trends) and revision recommendations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from policies import queries
from policies.evaluation import indicators
from policies.evaluation.recommend import recommendations_for
from policies.models import Indicator, Measurement
from service.api.evaluation import CsvDep
from service.auth import ActorDep
from service.deps import ReadSessionDep, SessionDep

router = APIRouter(tags=["evaluation"])
SOURCE = r"^(ikm|acknowledgement_reach|mentoring_coverage|manual|survey_question:[a-z0-9_]+)$"


class IndicatorIn(BaseModel):
    """A new indicator of a policy."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)
    name: str = Field(min_length=1, max_length=300)
    name_en: str = Field(default="", max_length=300)
    unit: str = Field(min_length=1, max_length=60)
    baseline: float | None = None
    target: float
    direction: str = Field(default="up", pattern="^(up|down)$")
    source: str = Field(default="manual", pattern=SOURCE)


class IndicatorPatch(BaseModel):
    """Changes to an indicator; only the fields sent change."""

    name: str | None = Field(default=None, min_length=1, max_length=300)
    name_en: str | None = Field(default=None, max_length=300)
    unit: str | None = Field(default=None, min_length=1, max_length=60)
    baseline: float | None = None
    target: float | None = None
    direction: str | None = Field(default=None, pattern="^(up|down)$")
    source: str | None = Field(default=None, pattern=SOURCE)


class TrendPointPublic(BaseModel):
    """An indicator's value at one round."""

    round_number: int
    round_id: int
    value: float
    meets: bool


class IndicatorPublic(IndicatorIn):
    """An indicator with its latest round value and its trend."""

    id: int
    latest: float | None
    meets_target: bool | None
    trend: list[TrendPointPublic]


class MeasurementIn(BaseModel):
    """A value of a manual indicator, for a round or a date."""

    value: float = Field(allow_inf_nan=False)
    round_id: int | None = None
    measured_on: date | None = None
    note: str = Field(default="", max_length=2000)


class MeasurementPublic(MeasurementIn):
    """A recorded measurement."""

    id: int
    indicator_id: int
    measured_on: date
    entered_by_id: int | None
    created_at: datetime


class RecommendationPublic(BaseModel):
    """Why a closed round recommends revision (the drafter decides)."""

    id: int
    cycle: int
    round_id: int
    summary: str
    reasons: list[dict[str, Any]]
    created_at: datetime


def indicator_public(session: Session, ind: Indicator, trend: list[indicators.TrendPoint]) -> IndicatorPublic:
    """Render an indicator with its latest value and trend."""
    last = trend[-1] if trend else None
    return IndicatorPublic(
        id=ind.id,  # type: ignore[arg-type]
        code=ind.code,
        name=ind.name,
        name_en=ind.name_en,
        unit=ind.unit,
        baseline=ind.baseline,
        target=ind.target,
        direction=ind.direction,
        source=ind.source,
        latest=last.value if last else None,
        meets_target=last.meets if last else None,
        trend=[TrendPointPublic(**p.__dict__) for p in trend],
    )


def measurement_public(m: Measurement) -> MeasurementPublic:
    """Render a measurement."""
    return MeasurementPublic(
        id=m.id,  # type: ignore[arg-type]
        indicator_id=m.indicator_id,
        value=m.value,
        round_id=m.round_id,
        measured_on=m.measured_on,
        note=m.note,
        entered_by_id=m.entered_by_id,
        created_at=m.created_at,
    )


def _one(session: Session, ind: Indicator) -> IndicatorPublic:
    trend = indicators.trends(session, policy_id=ind.policy_id).get(ind.id, [])  # type: ignore[arg-type]
    return indicator_public(session, ind, trend)


@router.get("/policies/{slug}/indicators", response_model=list[IndicatorPublic])
def list_indicators(slug: str, session: ReadSessionDep) -> list[IndicatorPublic]:
    """List a policy's indicators with their latest values against targets and their trends."""
    policy = queries.get_policy(session, slug=slug)
    trend = indicators.trends(session, policy_id=policy.id)  # type: ignore[arg-type]
    return [
        indicator_public(session, i, trend.get(i.id, []))  # type: ignore[arg-type]
        for i in indicators.list_indicators(session, policy_id=policy.id)  # type: ignore[arg-type]
    ]


@router.post("/policies/{slug}/indicators", status_code=201, response_model=IndicatorPublic)
def create_indicator(
    slug: str, payload: IndicatorIn, actor: ActorDep, session: SessionDep
) -> IndicatorPublic:
    """Add an indicator (evaluator, admin or drafter of the unit)."""
    row = indicators.create_indicator(session, actor=actor, slug=slug, **payload.model_dump())
    return _one(session, row)


@router.patch("/indicators/{indicator_id}", response_model=IndicatorPublic)
def update_indicator(
    indicator_id: int, payload: IndicatorPatch, actor: ActorDep, session: SessionDep
) -> IndicatorPublic:
    """Change an indicator's fields."""
    changes = payload.model_dump(exclude_unset=True)
    row = indicators.update_indicator(session, actor=actor, indicator_id=indicator_id, changes=changes)
    return _one(session, row)


@router.delete("/indicators/{indicator_id}", status_code=204)
def delete_indicator(indicator_id: int, actor: ActorDep, session: SessionDep) -> Response:
    """Remove an indicator that has no measurements."""
    indicators.delete_indicator(session, actor=actor, indicator_id=indicator_id)
    return Response(status_code=204)


@router.get("/indicators/{indicator_id}/measurements", response_model=list[MeasurementPublic])
def list_measurements(indicator_id: int, session: ReadSessionDep) -> list[MeasurementPublic]:
    """List an indicator's measurements, oldest first."""
    indicators.get_indicator(session, indicator_id=indicator_id)
    stmt = (
        select(Measurement)
        .where(Measurement.indicator_id == indicator_id)
        .order_by(col(Measurement.measured_on), col(Measurement.id))
    )
    return [measurement_public(m) for m in session.exec(stmt)]


@router.post("/indicators/{indicator_id}/measurements", status_code=201, response_model=MeasurementPublic)
def record_measurement(
    indicator_id: int, payload: MeasurementIn, actor: ActorDep, session: SessionDep
) -> MeasurementPublic:
    """Enter a manual indicator's value (for a round, replacing that round's value)."""
    row = indicators.record_measurement(
        session, actor=actor, indicator_id=indicator_id, **payload.model_dump()
    )
    return measurement_public(row)


@router.post("/policies/{slug}/measurements/import", status_code=201, response_model=list[MeasurementPublic])
def import_measurements(
    slug: str,
    csv_text: CsvDep,
    actor: ActorDep,
    session: SessionDep,
    round_id: Annotated[int | None, Query(description="The round the values belong to.")] = None,
) -> list[MeasurementPublic]:
    """Import manual values from CSV (code,value[,measured_on,note]); all rows or none."""
    rows = indicators.import_measurements_csv(
        session, actor=actor, slug=slug, csv_text=csv_text, round_id=round_id
    )
    return [measurement_public(m) for m in rows]


@router.get("/policies/{slug}/recommendations", response_model=list[RecommendationPublic])
def list_recommendations(
    slug: str, session: ReadSessionDep, cycle: Annotated[int | None, Query(ge=1)] = None
) -> list[RecommendationPublic]:
    """List the revision recommendations of a cycle (default: the current one)."""
    policy = queries.get_policy(session, slug=slug)
    rows = recommendations_for(session, policy_id=policy.id, cycle=cycle or policy.cycle)  # type: ignore[arg-type]
    return [
        RecommendationPublic(
            id=r.id,  # type: ignore[arg-type]
            cycle=r.cycle,
            round_id=r.round_id,
            summary=r.summary,
            reasons=r.reasons,
            created_at=r.created_at,
        )
        for r in rows
    ]
