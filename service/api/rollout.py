"""Adoption (penetapan) and roll-out: socialization sessions, mentoring pairs, acknowledgements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlmodel import Session

from policies.core.errors import NotFound
from policies.drafting.models import DraftVersion
from policies.lifecycle import queries
from policies.rollout import actions as rollout
from policies.rollout import queries as rollout_queries
from policies.rollout.models import Acknowledgement, Adoption, MentoringPair, SocializationSession
from service.api.params import IdField, SlugPath
from service.api.schemas import Day, Text
from service.auth import ActorDep
from service.deps import ReadSessionDep, SessionDep
from service.idempotency import IDEMPOTENT, IdempotentRoute

router = APIRouter(tags=["rollout"], route_class=IdempotentRoute)


class AdoptionIn(BaseModel):
    """The legal instrument that adopted a published version."""

    version_number: IdField
    instrument_type: Text = Field(min_length=1, max_length=120, examples=["Peraturan Wali Kota"])
    number: Text = Field(min_length=1, max_length=80)
    adopted_on: Day
    signed_by: Text = Field(min_length=1, max_length=200)


class AdoptionPublic(AdoptionIn):
    """A recorded adoption."""

    id: int
    cycle: int
    recorded_at: datetime


class SessionIn(BaseModel):
    """A socialization session held, with how many attended."""

    title: Text = Field(min_length=3, max_length=300)
    held_on: Day
    attendance_count: int = Field(ge=0, le=10_000_000)
    audience_units: list[Annotated[Text, Field(max_length=200)]] = Field(default_factory=list, max_length=200)
    location: Text = Field(default="", max_length=300)
    notes: Text = Field(default="", max_length=20_000)


class SessionPublic(SessionIn):
    """A recorded socialization session."""

    id: int
    cycle: int


class MentoringIn(BaseModel):
    """A senior ASN mentoring a colleague."""

    mentor_name: Text = Field(min_length=1, max_length=200)
    mentee_name: Text = Field(min_length=1, max_length=200)
    started_on: Day
    mentor_nip: Text = Field(default="", max_length=30)
    mentee_nip: Text = Field(default="", max_length=30)
    unit: Text = Field(default="", max_length=200)


class MentoringPublic(MentoringIn):
    """A recorded mentoring pair."""

    id: int
    cycle: int
    ended_on: date | None


class AcknowledgementPublic(BaseModel):
    """A confirmation of having read the adopted version."""

    id: int
    version_number: int
    account_id: int
    acknowledged_at: datetime


def adoption_public(session: Session, a: Adoption) -> AdoptionPublic:
    """Render an adoption with its version's number."""
    version = session.get(DraftVersion, a.version_id)
    return AdoptionPublic(
        id=a.id,  # type: ignore[arg-type]
        cycle=a.cycle,
        version_number=version.number if version else 0,
        instrument_type=a.instrument_type,
        number=a.number,
        adopted_on=a.adopted_on,
        signed_by=a.signed_by,
        recorded_at=a.recorded_at,
    )


def session_public(s: SocializationSession) -> SessionPublic:
    """Render a socialization session."""
    return SessionPublic(
        id=s.id,  # type: ignore[arg-type]
        cycle=s.cycle,
        title=s.title,
        held_on=s.held_on,
        attendance_count=s.attendance_count,
        audience_units=list(s.audience_units),
        location=s.location,
        notes=s.notes,
    )


def mentoring_public(p: MentoringPair) -> MentoringPublic:
    """Render a mentoring pair."""
    return MentoringPublic(
        id=p.id,  # type: ignore[arg-type]
        cycle=p.cycle,
        mentor_name=p.mentor_name,
        mentee_name=p.mentee_name,
        mentor_nip=p.mentor_nip,
        mentee_nip=p.mentee_nip,
        unit=p.unit,
        started_on=p.started_on,
        ended_on=p.ended_on,
    )


@router.post(
    "/policies/{slug}/adoption", status_code=201, response_model=AdoptionPublic, dependencies=[IDEMPOTENT]
)
def adopt(slug: SlugPath, payload: AdoptionIn, actor: ActorDep, session: SessionDep) -> AdoptionPublic:
    """Record the adoption (penetapan) of a published version in this cycle."""
    adoption = rollout.record_adoption(
        session,
        actor=actor,
        slug=slug,
        version_number=payload.version_number,
        instrument_type=payload.instrument_type,
        number=payload.number,
        adopted_on=payload.adopted_on,
        signed_by=payload.signed_by,
    )
    return adoption_public(session, adoption)


@router.get("/policies/{slug}/adoption", response_model=AdoptionPublic)
def read_adoption(slug: SlugPath, session: ReadSessionDep) -> AdoptionPublic:
    """Read the most recent adoption."""
    policy = queries.get_policy(session, slug=slug)
    adoption = rollout_queries.latest_adoption(session, policy_id=policy.id)  # type: ignore[arg-type]
    if adoption is None:
        raise NotFound("Kebijakan ini belum ditetapkan.", en="This policy is not adopted yet.")
    return adoption_public(session, adoption)


@router.post(
    "/policies/{slug}/socialization/sessions",
    status_code=201,
    response_model=SessionPublic,
    dependencies=[IDEMPOTENT],
)
def add_session(slug: SlugPath, payload: SessionIn, actor: ActorDep, session: SessionDep) -> SessionPublic:
    """Record a socialization session."""
    return session_public(
        rollout.add_session(
            session,
            actor=actor,
            slug=slug,
            title=payload.title,
            held_on=payload.held_on,
            attendance_count=payload.attendance_count,
            audience_units=payload.audience_units,
            location=payload.location,
            notes=payload.notes,
        )
    )


@router.get("/policies/{slug}/socialization/sessions", response_model=list[SessionPublic])
def list_sessions(slug: SlugPath, session: ReadSessionDep) -> list[SessionPublic]:
    """List the socialization sessions."""
    policy = queries.get_policy(session, slug=slug)
    return [session_public(s) for s in rollout_queries.list_sessions(session, policy_id=policy.id)]  # type: ignore[arg-type]


@router.post(
    "/policies/{slug}/mentoring", status_code=201, response_model=MentoringPublic, dependencies=[IDEMPOTENT]
)
def add_pair(slug: SlugPath, payload: MentoringIn, actor: ActorDep, session: SessionDep) -> MentoringPublic:
    """Pair a mentor with a colleague for the roll-out."""
    return mentoring_public(
        rollout.add_mentoring_pair(
            session,
            actor=actor,
            slug=slug,
            mentor_name=payload.mentor_name,
            mentee_name=payload.mentee_name,
            started_on=payload.started_on,
            mentor_nip=payload.mentor_nip,
            mentee_nip=payload.mentee_nip,
            unit=payload.unit,
        )
    )


@router.get("/policies/{slug}/mentoring", response_model=list[MentoringPublic])
def list_pairs(slug: SlugPath, session: ReadSessionDep) -> list[MentoringPublic]:
    """List the mentoring pairs."""
    policy = queries.get_policy(session, slug=slug)
    pairs = rollout_queries.list_mentoring_pairs(session, policy_id=policy.id)  # type: ignore[arg-type]
    return [mentoring_public(p) for p in pairs]


@router.post("/policies/{slug}/acknowledge", response_model=AcknowledgementPublic)
def acknowledge(slug: SlugPath, actor: ActorDep, session: SessionDep) -> AcknowledgementPublic:
    """Confirm having read the adopted version (stakeholder accounts); again returns the first one."""
    ack: Acknowledgement = rollout.acknowledge(session, actor=actor, slug=slug)
    version = session.get(DraftVersion, ack.version_id)
    return AcknowledgementPublic(
        id=ack.id,  # type: ignore[arg-type]
        version_number=version.number if version else 0,
        account_id=ack.account_id,
        acknowledged_at=ack.acknowledged_at,
    )
