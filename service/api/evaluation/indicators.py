"""Indicators of a policy and their measurements (CRUD, CSV import, trends), revision recommendations
and the revision notes they become."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from policies.core.fields import FiniteNumber
from policies.drafting import revision
from policies.drafting.revision import RevisionNotePublic
from policies.evaluation import indicators, measurements
from policies.evaluation.recommend import (
    MAX_RECOMMENDATION_CHARS,
    recommendations_page,
    record_recommendation,
)
from service.api.evaluation.surveys import CSV_BODY, CsvDep
from service.api.params import MAX_ID, IdPath
from service.api.schemas import read_model
from service.auth import OptionalActorDep, WriterDep
from service.deps import ReadSessionDep, SessionDep

router = APIRouter(tags=["evaluation"])
SOURCE = r"^(ikm|acknowledgement_reach|mentoring_coverage|manual|survey_question:[a-z0-9_]+)$"
Cursor = Annotated[str | None, Query(max_length=400, description="next_cursor of the previous page.")]
Limit = Annotated[int, Query(ge=1, le=200)]


class IndicatorIn(BaseModel):
    """A new indicator of a policy."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)
    name: str = Field(min_length=1, max_length=300)
    name_en: str = Field(default="", max_length=300)
    unit: str = Field(min_length=1, max_length=60)
    baseline: FiniteNumber | None = None
    target: FiniteNumber
    direction: str = Field(default="up", pattern="^(up|down)$")
    source: str = Field(default="manual", pattern=SOURCE)


class IndicatorPatch(BaseModel):
    """Changes to an indicator; only the fields sent change."""

    name: str | None = Field(default=None, min_length=1, max_length=300)
    name_en: str | None = Field(default=None, max_length=300)
    unit: str | None = Field(default=None, min_length=1, max_length=60)
    baseline: FiniteNumber | None = None
    target: FiniteNumber | None = None
    direction: str | None = Field(default=None, pattern="^(up|down)$")
    source: str | None = Field(default=None, pattern=SOURCE)


class TrendPointPublic(BaseModel):
    """An indicator's value at one round."""

    round_number: int
    round_id: int
    value: float
    meets: bool


class IndicatorPublic(IndicatorIn):
    """An indicator with its latest round value and its trend (closed rounds only, except for staff)."""

    id: int
    latest: float | None
    meets_target: bool | None
    trend: list[TrendPointPublic]


class IndicatorPage(BaseModel):
    """A page of indicators by code; pass `next_cursor` as `cursor` for the following page."""

    items: list[IndicatorPublic]
    next_cursor: str | None


class MeasurementIn(BaseModel):
    """A value of a manual indicator, for a round or a date."""

    value: FiniteNumber
    round_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    measured_on: date | None = None
    note: str = Field(default="", max_length=2000)


class MeasurementPublic(BaseModel):
    """A recorded measurement; who entered it and the note are shown to the evaluation staff only."""

    id: int
    indicator_id: int
    value: float
    round_id: int | None
    measured_on: date
    note: str
    entered_by_id: int | None
    created_at: datetime


class MeasurementPage(BaseModel):
    """A page of measurements, oldest first; pass `next_cursor` as `cursor` for the following page."""

    items: list[MeasurementPublic]
    next_cursor: str | None


class RecommendationPublic(BaseModel):
    """Why a closed round recommends revision (the drafter decides), in Indonesian and English."""

    id: int
    cycle: int
    round_id: int
    summary: str
    summary_en: str
    reasons: list[dict[str, Any]]
    created_at: datetime


class RecommendationPage(BaseModel):
    """A page of recommendations, oldest first; pass `next_cursor` as `cursor` for the following page."""

    items: list[RecommendationPublic]
    next_cursor: str | None


class RecommendationIn(BaseModel):
    """An evaluator's own reason to revise, added to a closed round's recommendation."""

    text: str = Field(min_length=1, max_length=MAX_RECOMMENDATION_CHARS)
    text_en: str = Field(default="", max_length=MAX_RECOMMENDATION_CHARS)


class RevisionNotes(BaseModel):
    """Every revision note of a policy, or of one cycle."""

    policy_slug: str
    cycle: int | None
    items: list[RevisionNotePublic]


def indicator_public(view: indicators.IndicatorView) -> IndicatorPublic:
    """Render an indicator with its latest value and trend."""
    return read_model(
        IndicatorPublic, view.indicator, latest=view.latest, meets_target=view.meets_target, trend=view.trend
    )


def _staff_view(m: Any) -> MeasurementPublic:
    return MeasurementPublic.model_validate(m, from_attributes=True)


@router.get("/policies/{slug}/indicators", response_model=IndicatorPage)
def list_indicators(
    slug: str, session: ReadSessionDep, viewer: OptionalActorDep, cursor: Cursor = None, limit: Limit = 50
) -> IndicatorPage:
    """List a policy's indicators with their latest values against targets and their trends."""
    page = indicators.indicators_page(session, slug=slug, viewer=viewer, cursor=cursor, limit=limit)
    return IndicatorPage(items=[indicator_public(v) for v in page.items], next_cursor=page.next_cursor)


@router.post("/policies/{slug}/indicators", status_code=201, response_model=IndicatorPublic)
def create_indicator(
    slug: str, payload: IndicatorIn, actor: WriterDep, session: SessionDep
) -> IndicatorPublic:
    """Add an indicator (evaluator, admin or drafter of the unit)."""
    row = indicators.create_indicator(session, actor=actor, slug=slug, **payload.model_dump())
    return indicator_public(indicators.indicator_view(session, indicator=row, viewer=actor))


@router.patch("/indicators/{indicator_id}", response_model=IndicatorPublic)
def update_indicator(
    indicator_id: IdPath, payload: IndicatorPatch, actor: WriterDep, session: SessionDep
) -> IndicatorPublic:
    """Change an indicator's fields."""
    changes = payload.model_dump(exclude_unset=True)
    row = indicators.update_indicator(session, actor=actor, indicator_id=indicator_id, changes=changes)
    return indicator_public(indicators.indicator_view(session, indicator=row, viewer=actor))


@router.delete("/indicators/{indicator_id}", status_code=204)
def delete_indicator(indicator_id: IdPath, actor: WriterDep, session: SessionDep) -> Response:
    """Remove an indicator that has no measurements."""
    indicators.delete_indicator(session, actor=actor, indicator_id=indicator_id)
    return Response(status_code=204)


@router.get("/indicators/{indicator_id}/measurements", response_model=MeasurementPage)
def list_measurements(
    indicator_id: IdPath,
    session: ReadSessionDep,
    viewer: OptionalActorDep,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> MeasurementPage:
    """List an indicator's measurements, oldest first (an open round's values: evaluation staff only)."""
    page = measurements.measurements_page(
        session, indicator_id=indicator_id, viewer=viewer, cursor=cursor, limit=limit
    )
    return MeasurementPage(items=[_staff_view(m) for m in page.items], next_cursor=page.next_cursor)


@router.post("/indicators/{indicator_id}/measurements", status_code=201, response_model=MeasurementPublic)
def record_measurement(
    indicator_id: IdPath, payload: MeasurementIn, actor: WriterDep, session: SessionDep
) -> MeasurementPublic:
    """Enter a manual value for a round (replacing it; a closed round is re-evaluated) or a date."""
    row = measurements.record_measurement(
        session, actor=actor, indicator_id=indicator_id, **payload.model_dump()
    )
    return _staff_view(row)


@router.post(
    "/policies/{slug}/measurements/import",
    status_code=201,
    response_model=list[MeasurementPublic],
    openapi_extra=CSV_BODY,
)
def import_measurements(
    slug: str,
    csv_text: CsvDep,
    actor: WriterDep,
    session: SessionDep,
    round_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="The round the values belong to.")
    ] = None,
) -> list[MeasurementPublic]:
    """Import manual values from CSV (code,value[,measured_on,note]; 76,61 or 76.61); all rows or none."""
    rows = measurements.import_measurements_csv(
        session, actor=actor, slug=slug, csv_text=csv_text, round_id=round_id
    )
    return [_staff_view(m) for m in rows]


@router.get("/policies/{slug}/recommendations", response_model=RecommendationPage)
def list_recommendations(
    slug: str,
    session: ReadSessionDep,
    cycle: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> RecommendationPage:
    """List the revision recommendations of a cycle (default: the current one), oldest first."""
    page = recommendations_page(session, slug=slug, cycle=cycle, cursor=cursor, limit=limit)
    items = [read_model(RecommendationPublic, r, summary_en=r.summary_en or r.summary) for r in page.items]
    return RecommendationPage(items=items, next_cursor=page.next_cursor)


@router.post("/rounds/{round_id}/recommendations", status_code=201, response_model=RecommendationPublic)
def add_recommendation(
    round_id: IdPath, payload: RecommendationIn, actor: WriterDep, session: SessionDep
) -> RecommendationPublic:
    """Add an evaluator's own reason to revise to a closed round's recommendation (drafters are told)."""
    row = record_recommendation(session, actor=actor, round_id=round_id, **payload.model_dump())
    return read_model(RecommendationPublic, row, summary_en=row.summary_en or row.summary)


@router.get("/policies/{slug}/revision-notes", response_model=RevisionNotes)
def list_revision_notes(
    slug: str, session: ReadSessionDep, cycle: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None
) -> RevisionNotes:
    """List every revision note (of one cycle if asked) with its source, detail and link."""
    notes = revision.notes_of(session, slug=slug, cycle=cycle)
    return RevisionNotes(policy_slug=slug, cycle=cycle, items=notes)
