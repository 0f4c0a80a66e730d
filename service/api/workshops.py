"""Workshops (lokakarya): schedule, attendance, minutes, outcomes, and outcomes into comments."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlmodel import Session

from policies.accounts.access import Actor
from policies.consultation.models import Comment
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_policy
from policies.workshops import actions as workshops
from policies.workshops import privacy
from policies.workshops import queries as workshop_queries
from policies.workshops.models import Workshop, WorkshopAttendance, WorkshopOutcome
from policies.workshops.privacy import Disclosure
from service.api.params import IdField, IdPath, SlugPath
from service.api.schemas import Line, ReadModel, Text, When, read_model
from service.auth import OptionalActorDep, WriterDep
from service.deps import ReadSessionDep, SessionDep
from service.idempotency import IDEMPOTENT, IdempotentRoute

router = APIRouter(tags=["workshops"], route_class=IdempotentRoute)


class WorkshopCreate(BaseModel):
    """A workshop to schedule: a place, an online link, or both."""

    title: Line = Field(min_length=3, max_length=300)
    starts_at: When
    location: Text = Field(default="", max_length=300)
    online_url: Text = Field(default="", max_length=500)
    agenda: Text = Field(default="", max_length=20_000)


class AttendanceIn(BaseModel):
    """A person in the daftar hadir: by account id, or by name (with NIP and unit) without one."""

    account_id: IdField | None = None
    name: Line = Field(default="", max_length=200)
    nip: Text = Field(default="", max_length=30)
    unit: Text = Field(default="", max_length=200)


class MinutesIn(BaseModel):
    """The notula of a workshop that was held."""

    minutes: Text = Field(min_length=1, max_length=200_000)


class OutcomeIn(BaseModel):
    """A point raised in the workshop, tied to a clause key of the current draft."""

    text: Text = Field(min_length=1, max_length=20_000)
    clause_key: Text | None = Field(default=None, max_length=40)
    raised_by: Text = Field(default="", max_length=200)


NIP_SHOWN = "Tampil hanya bagi staf unit pemilik dan admin; null bagi pembaca lain."


class AttendancePublic(ReadModel):
    """One line of the daftar hadir."""

    id: int
    account_id: int | None = Field(description=NIP_SHOWN)
    name: str
    nip: str | None = Field(description=NIP_SHOWN)
    unit: str


class OutcomePublic(ReadModel):
    """A workshop outcome and the comment it became, if any."""

    id: int
    clause_key: str | None
    text: str
    raised_by: str
    comment_id: int | None


class WorkshopPublic(ReadModel):
    """A workshop in a list."""

    id: int
    cycle: int
    title: str
    starts_at: datetime
    location: str
    online_url: str
    agenda: str
    minutes_recorded: bool


class WorkshopDetail(WorkshopPublic):
    """A workshop with its minutes, attendance and outcomes."""

    minutes: str
    minutes_recorded_at: datetime | None
    attendance_count: int = Field(description="Jumlah peserta dalam daftar hadir.")
    attendance_shown: Disclosure = Field(
        description="full: nama, unit dan NIP (staf unit pemilik, admin); names: nama dan unit (jenis "
        "kebijakan yang membuka daftar hadir); count: hanya jumlah."
    )
    attendance: list[AttendancePublic] = Field(
        description="Daftar hadir sebanyak yang boleh dilihat pembaca (kosong bila hanya jumlah)."
    )
    outcomes: list[OutcomePublic]


class OutcomeComment(ReadModel):
    """The comment a workshop outcome became in the disposition register."""

    id: int
    clause_key: str
    body: str
    author_name: str
    source: str
    window_id: int | None
    version_id: int


def workshop_public(workshop: Workshop) -> WorkshopPublic:
    """Read a workshop without its minutes."""
    return read_model(WorkshopPublic, workshop, minutes_recorded=workshop.minutes_recorded_at is not None)


def workshop_detail(
    session: Session, workshop: Workshop, *, policy: Policy, actor: Actor | None
) -> WorkshopDetail:
    """Read a workshop with everything recorded about it, its people as far as the actor may see them."""
    seen = privacy.disclosure(session, actor=actor, policy=policy)
    attendance = workshop_queries.attendance_of(session, workshop_id=workshop.id)  # type: ignore[arg-type]
    return read_model(
        WorkshopDetail,
        workshop,
        minutes_recorded=workshop.minutes_recorded_at is not None,
        attendance_count=len(attendance),
        attendance_shown=seen,
        attendance=privacy.shown_attendance(attendance, seen=seen),
        outcomes=workshop_queries.outcomes_of(session, workshop_id=workshop.id),  # type: ignore[arg-type]
    )


@router.post(
    "/policies/{slug}/workshops", status_code=201, response_model=WorkshopPublic, dependencies=[IDEMPOTENT]
)
def schedule(
    slug: SlugPath, payload: WorkshopCreate, actor: WriterDep, session: SessionDep
) -> WorkshopPublic:
    """Schedule a workshop on the policy's current draft."""
    return workshop_public(
        workshops.schedule_workshop(session, actor=actor, slug=slug, **payload.model_dump())
    )


@router.get("/policies/{slug}/workshops", response_model=list[WorkshopPublic])
def list_workshops(slug: SlugPath, session: ReadSessionDep) -> list[WorkshopPublic]:
    """List a policy's workshops, earliest first."""
    return [workshop_public(w) for w in workshop_queries.list_workshops(session, slug=slug)]


@router.get("/policies/{slug}/workshops/{workshop_id}", response_model=WorkshopDetail)
def read(
    slug: SlugPath, workshop_id: IdPath, session: ReadSessionDep, viewer: OptionalActorDep
) -> WorkshopDetail:
    """Read a workshop with its minutes, outcomes and attendance (NIPs for the owning unit's staff only)."""
    policy = get_policy(session, slug=slug)
    workshop = workshop_queries.workshop_of(session, policy=policy, workshop_id=workshop_id)
    return workshop_detail(session, workshop, policy=policy, actor=viewer)


@router.post(
    "/policies/{slug}/workshops/{workshop_id}/attendance",
    status_code=201,
    response_model=AttendancePublic,
    dependencies=[IDEMPOTENT],
)
def attend(
    slug: SlugPath, workshop_id: IdPath, payload: AttendanceIn, actor: WriterDep, session: SessionDep
) -> WorkshopAttendance:
    """Add a person to the daftar hadir."""
    return workshops.record_attendance(
        session, actor=actor, slug=slug, workshop_id=workshop_id, **payload.model_dump()
    )


@router.post("/policies/{slug}/workshops/{workshop_id}/minutes", response_model=WorkshopDetail)
def minutes(
    slug: SlugPath, workshop_id: IdPath, payload: MinutesIn, actor: WriterDep, session: SessionDep
) -> WorkshopDetail:
    """Record (or correct) the notula of a workshop."""
    workshop = workshops.record_minutes(
        session, actor=actor, slug=slug, workshop_id=workshop_id, minutes=payload.minutes
    )
    return workshop_detail(session, workshop, policy=get_policy(session, slug=slug), actor=actor)


@router.post(
    "/policies/{slug}/workshops/{workshop_id}/outcomes",
    status_code=201,
    response_model=OutcomePublic,
    dependencies=[IDEMPOTENT],
)
def add_outcome(
    slug: SlugPath, workshop_id: IdPath, payload: OutcomeIn, actor: WriterDep, session: SessionDep
) -> WorkshopOutcome:
    """Record a point raised in the workshop, linked to a clause."""
    return workshops.add_outcome(
        session, actor=actor, slug=slug, workshop_id=workshop_id, **payload.model_dump()
    )


@router.post(
    "/policies/{slug}/workshops/{workshop_id}/outcomes/{outcome_id}/comment",
    status_code=201,
    response_model=OutcomeComment,
)
def outcome_to_comment(
    slug: SlugPath, workshop_id: IdPath, outcome_id: IdPath, actor: WriterDep, session: SessionDep
) -> Comment:
    """Enter an outcome into the comment register of the cycle's scheduled or open consultation window.

    Without such a window it is refused (409): the outcome stays recorded and can be converted
    once the window is scheduled.
    """
    return workshops.outcome_to_comment(
        session, actor=actor, slug=slug, workshop_id=workshop_id, outcome_id=outcome_id
    )
