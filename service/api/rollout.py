"""Adoption (penetapan) and roll-out: socialization sessions, mentoring pairs, acknowledgements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlmodel import Session

from policies.core.db import utcnow
from policies.core.errors import NotFound
from policies.drafting.queries import version_number
from policies.lifecycle import queries
from policies.rollout import actions as rollout
from policies.rollout import queries as rollout_queries
from policies.rollout.models import Adoption, MentoringPair, SocializationSession
from policies.rollout.privacy import shown_pairs, shown_session_attendance
from policies.rollout.reach import reach_of
from policies.workshops.privacy import Disclosure, disclosure
from service.api.params import IdField, IdPath, SlugPath
from service.api.schemas import Day, Line, ReadModel, Text, read_model
from service.auth import OptionalActorDep, WriterDep
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


class AdoptionPublic(AdoptionIn, ReadModel):
    """A recorded adoption."""

    id: int
    cycle: int
    recorded_at: datetime


class SessionIn(BaseModel):
    """A socialization session held, with how many attended."""

    title: Line = Field(min_length=3, max_length=300)
    held_on: Day
    attendance_count: int = Field(default=0, ge=0, le=10_000_000)
    audience_units: list[Annotated[Text, Field(max_length=200)]] = Field(default_factory=list, max_length=200)
    location: Text = Field(default="", max_length=300)
    notes: Text = Field(default="", max_length=20_000)


class SessionPublic(SessionIn, ReadModel):
    """A recorded socialization session."""

    id: int
    cycle: int


class SessionAttendeeIn(BaseModel):
    """A person who attended a socialization session: name, NIP (18 digits) and work unit."""

    name: Line = Field(min_length=1, max_length=200)
    nip: Text = Field(default="", max_length=30)
    unit: Text = Field(default="", max_length=200)


class SessionAttendeePublic(ReadModel):
    """A person in a session's daftar hadir."""

    id: int
    name: str
    unit: str
    nip: str | None = Field(
        description="Tampil hanya bagi staf unit pemilik dan admin; null bagi pembaca lain."
    )


class SessionAttendance(BaseModel):
    """A session's daftar hadir, as far as the reader may see it."""

    count: int = Field(description="Jumlah orang dalam daftar hadir.")
    shown: Disclosure
    people: list[SessionAttendeePublic] = Field(description="Kosong bila hanya jumlah yang terbuka.")


class ReachPublic(BaseModel):
    """The socialization reach of the current cycle, as the gate to evaluation reads it."""

    audience_size: int
    attendance_total: int
    acknowledgements: int
    reach: float = Field(description="Bagian sasaran yang terjangkau (0–1).")
    target: float
    met: bool


class MentoringIn(BaseModel):
    """A senior ASN mentoring a colleague."""

    mentor_name: Line = Field(min_length=1, max_length=200)
    mentee_name: Line = Field(min_length=1, max_length=200)
    started_on: Day
    mentor_nip: Text = Field(default="", max_length=30)
    mentee_nip: Text = Field(default="", max_length=30)
    unit: Text = Field(default="", max_length=200)


NIP_SHOWN = "Tampil hanya bagi staf unit pemilik dan admin; null bagi pembaca lain."


class MentoringPublic(ReadModel):
    """A recorded mentoring pair."""

    id: int
    cycle: int
    mentor_name: str
    mentee_name: str
    unit: str
    started_on: date
    ended_on: date | None
    mentor_nip: str | None = Field(description=NIP_SHOWN)
    mentee_nip: str | None = Field(description=NIP_SHOWN)


class MentoringRegister(BaseModel):
    """A policy's mentoring pairs, as far as the reader may see them."""

    count: int = Field(description="Jumlah pasangan pendampingan.")
    shown: Disclosure = Field(
        description="full: nama, unit dan NIP (staf unit pemilik, admin); names: nama dan unit (jenis "
        "kebijakan yang membuka daftar peserta); count: hanya jumlah."
    )
    pairs: list[MentoringPublic] = Field(description="Kosong bila hanya jumlah yang terbuka.")


class AcknowledgementPublic(ReadModel):
    """A confirmation of having read the adopted version."""

    id: int
    version_number: int
    account_id: int
    content_hash: str = Field(description="SHA-256 teks versi yang dibaca (kosong bila dicatat sebelum ada).")
    acknowledged_at: datetime


def adoption_public(session: Session, adoption: Adoption) -> AdoptionPublic:
    """Read an adoption with its version's number."""
    number = version_number(session, version_id=adoption.version_id)
    return read_model(AdoptionPublic, adoption, version_number=number)


@router.post(
    "/policies/{slug}/adoption", status_code=201, response_model=AdoptionPublic, dependencies=[IDEMPOTENT]
)
def adopt(slug: SlugPath, payload: AdoptionIn, actor: WriterDep, session: SessionDep) -> AdoptionPublic:
    """Record the adoption (penetapan) of a published version in this cycle."""
    adoption = rollout.record_adoption(session, actor=actor, slug=slug, **payload.model_dump())
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
def add_session(
    slug: SlugPath, payload: SessionIn, actor: WriterDep, session: SessionDep
) -> SocializationSession:
    """Record a socialization session."""
    return rollout.add_session(session, actor=actor, slug=slug, **payload.model_dump())


@router.get("/policies/{slug}/socialization/sessions", response_model=list[SessionPublic])
def list_sessions(slug: SlugPath, session: ReadSessionDep) -> list[SocializationSession]:
    """List the socialization sessions."""
    policy = queries.get_policy(session, slug=slug)
    return rollout_queries.list_sessions(session, policy_id=policy.id)  # type: ignore[arg-type]


@router.post(
    "/policies/{slug}/socialization/sessions/{session_id}/attendance",
    status_code=201,
    response_model=SessionAttendeePublic,
    dependencies=[IDEMPOTENT],
)
def add_attendee(
    slug: SlugPath, session_id: IdPath, payload: SessionAttendeeIn, actor: WriterDep, session: SessionDep
) -> SessionAttendeePublic:
    """Add a person to a held session's daftar hadir (its headcount never falls below the list)."""
    row = rollout.record_session_attendance(
        session, actor=actor, slug=slug, session_id=session_id, **payload.model_dump()
    )
    return read_model(SessionAttendeePublic, row)


@router.get(
    "/policies/{slug}/socialization/sessions/{session_id}/attendance", response_model=SessionAttendance
)
def list_attendees(
    slug: SlugPath, session_id: IdPath, session: ReadSessionDep, viewer: OptionalActorDep
) -> SessionAttendance:
    """List a session's daftar hadir: NIPs for the owning unit's staff, names where the kind says so."""
    policy = queries.get_policy(session, slug=slug)
    sessions = {s.id for s in rollout_queries.list_sessions(session, policy_id=policy.id)}  # type: ignore[arg-type]
    if session_id not in sessions:
        raise NotFound(
            f"Sesi sosialisasi {session_id} tidak ditemukan pada kebijakan ini.",
            en=f"Socialization session {session_id} was not found in this policy.",
        )
    rows = rollout_queries.attendance_of_sessions(session, session_ids=[session_id])[session_id]
    seen = disclosure(session, actor=viewer, policy=policy)
    return SessionAttendance(
        count=len(rows),
        shown=seen,
        people=[read_model(SessionAttendeePublic, r) for r in shown_session_attendance(rows, seen=seen)],
    )


@router.get("/policies/{slug}/socialization/reach", response_model=ReachPublic)
def read_reach(slug: SlugPath, session: ReadSessionDep) -> ReachPublic:
    """Read the current cycle's reach: attendance and acknowledgements against the audience and target."""
    policy = queries.get_policy(session, slug=slug)
    r = reach_of(session, policy=policy, now=utcnow())
    return ReachPublic(
        audience_size=r.audience_size,
        attendance_total=r.attendance_total,
        acknowledgements=r.acknowledgements,
        reach=r.share,
        target=r.target,
        met=r.met,
    )


@router.post(
    "/policies/{slug}/mentoring", status_code=201, response_model=MentoringPublic, dependencies=[IDEMPOTENT]
)
def add_pair(slug: SlugPath, payload: MentoringIn, actor: WriterDep, session: SessionDep) -> MentoringPair:
    """Pair a mentor with a colleague for the roll-out."""
    return rollout.add_mentoring_pair(session, actor=actor, slug=slug, **payload.model_dump())


@router.get("/policies/{slug}/mentoring", response_model=MentoringRegister)
def list_pairs(slug: SlugPath, session: ReadSessionDep, viewer: OptionalActorDep) -> MentoringRegister:
    """List the mentoring pairs: NIPs for the owning unit's staff, names where the kind makes them public."""
    policy = queries.get_policy(session, slug=slug)
    pairs = rollout_queries.list_mentoring_pairs(session, policy_id=policy.id)  # type: ignore[arg-type]
    seen = disclosure(session, actor=viewer, policy=policy)
    return MentoringRegister(
        count=len(pairs),
        shown=seen,
        pairs=[read_model(MentoringPublic, p) for p in shown_pairs(pairs, seen=seen)],
    )


@router.post("/policies/{slug}/acknowledge", response_model=AcknowledgementPublic)
def acknowledge(slug: SlugPath, actor: WriterDep, session: SessionDep) -> AcknowledgementPublic:
    """Confirm having read the adopted version (stakeholder accounts); again returns the first one."""
    ack = rollout.acknowledge(session, actor=actor, slug=slug)
    number = version_number(session, version_id=ack.version_id)
    return read_model(AcknowledgementPublic, ack, version_number=number)
