"""Tracking numbers and answer clocks: a comment's public status, the closed days, what is owed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from policies.accounts.access import require_role
from policies.accounts.models import Role
from policies.calendar import actions as calendar
from policies.calendar import queries as calendar_queries
from policies.calendar.models import HolidayKind
from policies.consultation.clocks import ClockState, Tally, clock_board
from policies.consultation.tracking import TrackingStatus, tracking_status
from policies.core.db import utcnow
from policies.lifecycle.overview import board_unit
from service.api.params import IdPath
from service.api.schemas import Line, ReadModel, Text, read_model
from service.auth import ActorDep, WriterDep
from service.deps import ReadSessionDep, SessionDep
from service.idempotency import IDEMPOTENT, IdempotentRoute

router = APIRouter(tags=["tracking"], route_class=IdempotentRoute)

NumberPath = Annotated[
    str, Path(min_length=1, max_length=64, description="Nomor pelacakan, mis. SKL-7K3M-Q9PX.")
]


class ChangedElement(ReadModel):
    """An element of a later version an accepted comment changed."""

    version_number: int
    eid: str
    label: str
    text: str
    old_text: str


class TextFatePublic(ReadModel):
    """What a later version did to the passage commented on."""

    version_number: int
    status: str = Field(description="relevant: masih ada; moved: berpindah; moot: dihapus.")
    label: str
    change_label: str


class TrackingPublic(ReadModel):
    """The public status of one comment or reply, by its tracking number."""

    tracking_number: str
    policy_slug: str
    policy_title: str
    version_number: int
    clause_key: str
    clause_heading: str
    element_label: str
    is_reply: bool
    hidden: bool = Field(description="Disembunyikan moderator: teksnya tidak ditampilkan.")
    body: str
    stance: str
    created_at: datetime
    due_on: date | None = Field(description="Tanggal jawaban jatuh tempo (hari kerja); null untuk balasan.")
    state: ClockState | None = Field(description="due, overdue, on_time atau late.")
    outcome: str | None
    reason: str
    responded_at: datetime | None
    changes: list[ChangedElement]
    unchanged_reason: str
    fates: list[TextFatePublic]
    attribution: str = Field(default="", description="Untuk masukan luring: siapa menyampaikan, di mana.")
    attribution_en: str = Field(default="", description="The same in English.")


def tracking_public(status: TrackingStatus) -> TrackingPublic:
    """Read a status as the API shows it."""
    return read_model(TrackingPublic, status)


@router.get("/tracking/{number}", response_model=TrackingPublic)
def track(number: NumberPath, session: ReadSessionDep) -> TrackingPublic:
    """Read a comment's status by its tracking number (no account needed)."""
    return tracking_public(tracking_status(session, number=number, now=utcnow()))


class HolidayIn(BaseModel):
    """A closed day to record: a regional holiday, a decree, a cuti bersama."""

    closed_on: date = Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))
    name: Line = Field(min_length=1, max_length=200)
    kind: HolidayKind = HolidayKind.REGIONAL
    basis: Text = Field(default="", max_length=2000)


class HolidayPublic(ReadModel):
    """A recorded closed day."""

    id: int
    closed_on: date
    name: str
    kind: HolidayKind
    basis: str


@router.get("/holidays", response_model=list[HolidayPublic])
def list_holidays(
    session: ReadSessionDep, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> list[HolidayPublic]:
    """List the recorded closed days (national holidays come from the holidays library, not here)."""
    if year is None:
        rows = calendar_queries.all_holidays(session)
    else:
        rows = calendar_queries.holidays_between(session, start=date(year, 1, 1), end=date(year, 12, 31))
    return [read_model(HolidayPublic, row) for row in rows]


@router.post("/holidays", status_code=201, response_model=HolidayPublic, dependencies=[IDEMPOTENT])
def add_holiday(payload: HolidayIn, session: SessionDep, actor: WriterDep) -> HolidayPublic:
    """Record a closed day (admins); every answer clock it falls in moves."""
    row = calendar.add_holiday(session, actor=actor, **payload.model_dump())
    return read_model(HolidayPublic, row)


@router.delete("/holidays/{holiday_id}", status_code=204, response_class=Response)
def remove_holiday(holiday_id: IdPath, session: SessionDep, actor: WriterDep) -> Response:
    """Remove a recorded closed day (admins)."""
    calendar.remove_holiday(session, actor=actor, holiday_id=holiday_id)
    return Response(status_code=204)


class TallyPublic(ReadModel):
    """Answers due, overdue, given on time and given late."""

    due: int
    overdue: int
    on_time: int
    late: int


class OwedPublic(ReadModel):
    """A comment whose answer is still owed."""

    comment_id: int
    tracking_number: str
    policy_slug: str = Field(validation_alias="slug")
    clause_key: str
    unit: str
    due_on: date
    state: ClockState


class ClocksPublic(BaseModel):
    """The answer clocks a board shows: what is owed, and the tallies per unit and per drafter."""

    owed: list[OwedPublic]
    by_unit: dict[str, TallyPublic]
    by_drafter: dict[str, TallyPublic]


def _tallies(tallies: dict[str, Tally]) -> dict[str, TallyPublic]:
    return {name: read_model(TallyPublic, tally) for name, tally in tallies.items()}


@router.get("/answer-clocks", response_model=ClocksPublic)
def answer_clocks(session: ReadSessionDep, actor: ActorDep) -> ClocksPublic:
    """Read the answer clocks of my unit's policies (drafters) or of every unit (moderators, evaluators)."""
    me = require_role(actor, Role.DRAFTER, Role.MODERATOR, Role.EVALUATOR)
    board = clock_board(session, unit=board_unit(me), now=utcnow())
    return ClocksPublic(
        owed=[read_model(OwedPublic, item) for item in board.owed],
        by_unit=_tallies(board.by_unit),
        by_drafter=_tallies(board.by_drafter),
    )
