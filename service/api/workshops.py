"""Workshops (lokakarya): schedule, attendance, minutes, outcomes, and outcomes into comments."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlmodel import Session

from policies.consultation.models import Comment
from policies.workshops import actions as workshops
from policies.workshops import queries as workshop_queries
from policies.workshops.models import Workshop, WorkshopAttendance, WorkshopOutcome
from service.api.params import IdField, IdPath, SlugPath
from service.api.schemas import Text, When
from service.auth import ActorDep
from service.deps import ReadSessionDep, SessionDep
from service.idempotency import IDEMPOTENT, IdempotentRoute

router = APIRouter(tags=["workshops"], route_class=IdempotentRoute)


class WorkshopCreate(BaseModel):
    """A workshop to schedule: a place, an online link, or both."""

    title: Text = Field(min_length=3, max_length=300)
    starts_at: When
    location: Text = Field(default="", max_length=300)
    online_url: Text = Field(default="", max_length=500)
    agenda: Text = Field(default="", max_length=20_000)


class AttendanceIn(BaseModel):
    """A person in the daftar hadir: by account id, or by name (with NIP and unit) without one."""

    account_id: IdField | None = None
    name: Text = Field(default="", max_length=200)
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


class AttendancePublic(BaseModel):
    """One line of the daftar hadir."""

    id: int
    account_id: int | None
    name: str
    nip: str
    unit: str


class OutcomePublic(BaseModel):
    """A workshop outcome and the comment it became, if any."""

    id: int
    clause_key: str | None
    text: str
    raised_by: str
    comment_id: int | None


class WorkshopPublic(BaseModel):
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
    attendance: list[AttendancePublic]
    outcomes: list[OutcomePublic]


class OutcomeComment(BaseModel):
    """The comment a workshop outcome became in the disposition register."""

    id: int
    clause_key: str
    body: str
    author_name: str
    source: str
    window_id: int | None
    version_id: int


def workshop_public(w: Workshop) -> WorkshopPublic:
    """Render a workshop without its minutes."""
    return WorkshopPublic(
        id=w.id,  # type: ignore[arg-type]
        cycle=w.cycle,
        title=w.title,
        starts_at=w.starts_at,
        location=w.location,
        online_url=w.online_url,
        agenda=w.agenda,
        minutes_recorded=w.minutes_recorded_at is not None,
    )


def attendance_public(a: WorkshopAttendance) -> AttendancePublic:
    """Render a line of the daftar hadir."""
    return AttendancePublic(id=a.id, account_id=a.account_id, name=a.name, nip=a.nip, unit=a.unit)  # type: ignore[arg-type]


def outcome_public(o: WorkshopOutcome) -> OutcomePublic:
    """Render a workshop outcome."""
    return OutcomePublic(
        id=o.id,  # type: ignore[arg-type]
        clause_key=o.clause_key,
        text=o.text,
        raised_by=o.raised_by,
        comment_id=o.comment_id,
    )


def workshop_detail(session: Session, w: Workshop) -> WorkshopDetail:
    """Render a workshop with everything recorded about it."""
    return WorkshopDetail(
        **workshop_public(w).model_dump(),
        minutes=w.minutes,
        minutes_recorded_at=w.minutes_recorded_at,
        attendance=[attendance_public(a) for a in workshop_queries.attendance_of(session, workshop_id=w.id)],  # type: ignore[arg-type]
        outcomes=[outcome_public(o) for o in workshop_queries.outcomes_of(session, workshop_id=w.id)],  # type: ignore[arg-type]
    )


@router.post(
    "/policies/{slug}/workshops", status_code=201, response_model=WorkshopPublic, dependencies=[IDEMPOTENT]
)
def schedule(slug: SlugPath, payload: WorkshopCreate, actor: ActorDep, session: SessionDep) -> WorkshopPublic:
    """Schedule a workshop on the policy's current draft."""
    return workshop_public(
        workshops.schedule_workshop(
            session,
            actor=actor,
            slug=slug,
            title=payload.title,
            starts_at=payload.starts_at,
            location=payload.location,
            online_url=payload.online_url,
            agenda=payload.agenda,
        )
    )


@router.get("/policies/{slug}/workshops", response_model=list[WorkshopPublic])
def list_workshops(slug: SlugPath, session: ReadSessionDep) -> list[WorkshopPublic]:
    """List a policy's workshops, earliest first."""
    return [workshop_public(w) for w in workshop_queries.list_workshops(session, slug=slug)]


@router.get("/policies/{slug}/workshops/{workshop_id}", response_model=WorkshopDetail)
def read(slug: SlugPath, workshop_id: IdPath, session: ReadSessionDep) -> WorkshopDetail:
    """Read a workshop with its minutes, attendance and outcomes."""
    workshop = workshop_queries.get_workshop(session, slug=slug, workshop_id=workshop_id)
    return workshop_detail(session, workshop)


@router.post(
    "/policies/{slug}/workshops/{workshop_id}/attendance",
    status_code=201,
    response_model=AttendancePublic,
    dependencies=[IDEMPOTENT],
)
def attend(
    slug: SlugPath, workshop_id: IdPath, payload: AttendanceIn, actor: ActorDep, session: SessionDep
) -> AttendancePublic:
    """Add a person to the daftar hadir."""
    return attendance_public(
        workshops.record_attendance(
            session,
            actor=actor,
            slug=slug,
            workshop_id=workshop_id,
            name=payload.name,
            nip=payload.nip,
            unit=payload.unit,
            account_id=payload.account_id,
        )
    )


@router.post("/policies/{slug}/workshops/{workshop_id}/minutes", response_model=WorkshopDetail)
def minutes(
    slug: SlugPath, workshop_id: IdPath, payload: MinutesIn, actor: ActorDep, session: SessionDep
) -> WorkshopDetail:
    """Record (or correct) the notula of a workshop."""
    workshop = workshops.record_minutes(
        session, actor=actor, slug=slug, workshop_id=workshop_id, minutes=payload.minutes
    )
    return workshop_detail(session, workshop)


@router.post(
    "/policies/{slug}/workshops/{workshop_id}/outcomes",
    status_code=201,
    response_model=OutcomePublic,
    dependencies=[IDEMPOTENT],
)
def add_outcome(
    slug: SlugPath, workshop_id: IdPath, payload: OutcomeIn, actor: ActorDep, session: SessionDep
) -> OutcomePublic:
    """Record a point raised in the workshop, linked to a clause."""
    return outcome_public(
        workshops.add_outcome(
            session,
            actor=actor,
            slug=slug,
            workshop_id=workshop_id,
            text=payload.text,
            clause_key=payload.clause_key,
            raised_by=payload.raised_by,
        )
    )


@router.post(
    "/policies/{slug}/workshops/{workshop_id}/outcomes/{outcome_id}/comment",
    status_code=201,
    response_model=OutcomeComment,
)
def outcome_to_comment(
    slug: SlugPath, workshop_id: IdPath, outcome_id: IdPath, actor: ActorDep, session: SessionDep
) -> OutcomeComment:
    """Enter an outcome into the comment register of the cycle's scheduled or open consultation window.

    Without such a window it is refused (409): the outcome stays recorded and can be converted
    once the window is scheduled.
    """
    comment: Comment = workshops.outcome_to_comment(
        session, actor=actor, slug=slug, workshop_id=workshop_id, outcome_id=outcome_id
    )
    return OutcomeComment(
        id=comment.id,  # type: ignore[arg-type]
        clause_key=comment.clause_key,
        body=comment.body,
        author_name=comment.author_name,
        source=comment.source,
        window_id=comment.window_id,
        version_id=comment.version_id,
    )
