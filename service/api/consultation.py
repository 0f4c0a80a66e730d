"""Consultation windows: open on a published version, close, publish the report, statistics."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, Field
from sqlmodel import Session

from policies import queries
from policies.actions import consultation
from policies.db import utcnow
from policies.errors import InvalidInput, NotFound
from policies.lifecycle import KindRules
from policies.models import ConsultationWindow, DraftVersion
from policies.statistics import consultation_stats
from service.api.params import MAX_ID
from service.auth import ActorDep
from service.deps import ReadSessionDep, SessionDep

router = APIRouter(tags=["consultation"])


class WindowOpen(BaseModel):
    """A window on a published version; it closes at `closes_at`, or after `days` (default: the kind's
    minimum)."""

    version_number: int = Field(ge=1, le=MAX_ID)
    opens_at: AwareDatetime | None = None
    closes_at: AwareDatetime | None = None
    days: int | None = Field(default=None, ge=1, le=365)


class WindowPublic(BaseModel):
    """A consultation window."""

    id: int
    cycle: int
    version_number: int
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    report_published_at: datetime | None
    is_open: bool


class StatsPublic(BaseModel):
    """Counts of the window's comments."""

    comments: int
    replies: int
    hidden: int
    answered: int
    unanswered: int
    campaigns: int
    by_stance: dict[str, int]
    by_clause: dict[str, int]
    by_group: dict[str, int]
    by_source: dict[str, int]
    by_outcome: dict[str, int]


class ConsultationPublic(BaseModel):
    """The current window and its statistics."""

    window: WindowPublic
    statistics: StatsPublic


def window_public(session: Session, window: ConsultationWindow) -> WindowPublic:
    """Render a window with the number of its version."""
    version = session.get(DraftVersion, window.version_id)
    now = utcnow()
    return WindowPublic(
        id=window.id,  # type: ignore[arg-type]
        cycle=window.cycle,
        version_number=version.number if version else 0,
        opens_at=window.opens_at,
        closes_at=window.closes_at,
        closed_at=window.closed_at,
        report_published_at=window.report_published_at,
        is_open=window.closed_at is None and window.opens_at <= now < window.closes_at,
    )


@router.post("/policies/{slug}/consultation", status_code=201, response_model=WindowPublic)
def open_window(slug: str, payload: WindowOpen, actor: ActorDep, session: SessionDep) -> WindowPublic:
    """Open (schedule) the public consultation of a published version."""
    if payload.closes_at is not None and payload.days is not None:
        raise InvalidInput("Isi closes_at atau days, bukan keduanya.", field="days")
    opens_at = payload.opens_at or utcnow()
    closes_at = payload.closes_at
    if closes_at is None:
        policy = queries.get_policy(session, slug=slug)
        rules = KindRules.from_mapping(queries.get_kind(session, kind_id=policy.kind_id).rules)
        closes_at = opens_at + timedelta(days=payload.days or rules.min_consultation_days)
    window = consultation.open_window(
        session,
        actor=actor,
        slug=slug,
        version_number=payload.version_number,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    return window_public(session, window)


@router.post("/policies/{slug}/consultation/close", response_model=WindowPublic)
def close(slug: str, actor: ActorDep, session: SessionDep) -> WindowPublic:
    """Close the current window now; closing twice changes nothing."""
    return window_public(session, consultation.close_window(session, actor=actor, slug=slug))


@router.post("/policies/{slug}/consultation/report/publish", response_model=WindowPublic)
def publish_report(slug: str, actor: ActorDep, session: SessionDep) -> WindowPublic:
    """Publish the consultation report once every comment has its disposition."""
    return window_public(session, consultation.publish_report(session, actor=actor, slug=slug))


@router.get("/policies/{slug}/consultation", response_model=ConsultationPublic)
def read(slug: str, session: ReadSessionDep) -> ConsultationPublic:
    """Read the current window and its statistics (no account needed)."""
    policy = queries.get_policy(session, slug=slug)
    window = queries.current_window(session, policy=policy)
    if window is None:
        raise NotFound("Kebijakan ini belum memiliki jendela konsultasi pada siklus ini.")
    stats = consultation_stats(session, window_id=window.id)  # type: ignore[arg-type]
    return ConsultationPublic(window=window_public(session, window), statistics=StatsPublic(**stats.__dict__))
