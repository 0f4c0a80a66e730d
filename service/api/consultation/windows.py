"""Consultation windows: open on a published version, extend, close, publish the report, statistics."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlmodel import Session

from policies.consultation import windows as consultation
from policies.consultation.models import ConsultationWindow
from policies.consultation.record import chosen_windows, consultations
from policies.consultation.statistics import consultation_stats
from policies.consultation.windows import is_open
from policies.core.db import utcnow
from policies.core.errors import NotFound
from policies.drafting.queries import version_number
from policies.lifecycle import queries
from service.api.consultation.choice import CycleQuery, WindowQuery
from service.api.params import IdField, SlugPath
from service.api.schemas import ReadModel, When, read_model
from service.auth import WriterDep
from service.deps import ReadSessionDep, SessionDep
from service.idempotency import IDEMPOTENT, IdempotentRoute

router = APIRouter(tags=["consultation"], route_class=IdempotentRoute)


class WindowOpen(BaseModel):
    """A window on a published version; it closes at `closes_at`, or after `days` (default: the kind's
    minimum)."""

    version_number: IdField
    opens_at: When | None = None
    closes_at: When | None = None
    days: int | None = Field(default=None, ge=1, le=365)


class WindowExtend(BaseModel):
    """The window's new, later closing time (its pending reminders move along)."""

    closes_at: When


class WindowClose(BaseModel):
    """Why the consultation closes before its planned end (recorded and shown)."""

    reason: str = Field(default="", max_length=1000)


class WindowPublic(ReadModel):
    """A consultation window."""

    id: int
    cycle: int
    version_number: int
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    close_reason: str | None
    report_published_at: datetime | None
    is_open: bool


class StatsPublic(ReadModel):
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
    """The chosen window (the cycle's latest), the chosen windows, and statistics over all of them."""

    window: WindowPublic
    windows: list[WindowPublic]
    statistics: StatsPublic
    cycle: int = Field(description="Siklus yang dibaca.")
    cycles: list[int] = Field(
        description="Setiap siklus yang memiliki konsultasi publik (baca dengan ?cycle=)."
    )


class CyclePublic(BaseModel):
    """One cycle's public consultation: its windows and when its report was published."""

    cycle: int
    windows: list[WindowPublic]
    report_published_at: datetime | None


def window_public(session: Session, window: ConsultationWindow) -> WindowPublic:
    """Read a window with the number of its version and whether it is open now."""
    number = version_number(session, version_id=window.version_id)
    return read_model(WindowPublic, window, version_number=number, is_open=is_open(window, now=utcnow()))


@router.post(
    "/policies/{slug}/consultation", status_code=201, response_model=WindowPublic, dependencies=[IDEMPOTENT]
)
def open_window(slug: SlugPath, payload: WindowOpen, actor: WriterDep, session: SessionDep) -> WindowPublic:
    """Open (schedule) the public consultation of a published version."""
    window = consultation.open_window(session, actor=actor, slug=slug, **payload.model_dump())
    return window_public(session, window)


@router.post("/policies/{slug}/consultation/extend", response_model=WindowPublic)
def extend(slug: SlugPath, payload: WindowExtend, actor: WriterDep, session: SessionDep) -> WindowPublic:
    """Move the current window's closing time later while it has not ended."""
    window = consultation.extend_window(session, actor=actor, slug=slug, closes_at=payload.closes_at)
    return window_public(session, window)


@router.post("/policies/{slug}/consultation/close", response_model=WindowPublic)
def close(
    slug: SlugPath, actor: WriterDep, session: SessionDep, payload: WindowClose | None = None
) -> WindowPublic:
    """Close the current window now, with the reason when early; closing twice changes nothing."""
    reason = payload.reason if payload else ""
    return window_public(session, consultation.close_window(session, actor=actor, slug=slug, reason=reason))


@router.post("/policies/{slug}/consultation/report/publish", response_model=WindowPublic)
def publish_report(slug: SlugPath, actor: WriterDep, session: SessionDep) -> WindowPublic:
    """Publish the consultation report once every comment has its disposition."""
    return window_public(session, consultation.publish_report(session, actor=actor, slug=slug))


@router.get("/policies/{slug}/consultation", response_model=ConsultationPublic)
def read(
    slug: SlugPath, session: ReadSessionDep, cycle: CycleQuery = None, window_id: WindowQuery = None
) -> ConsultationPublic:
    """Read a cycle's windows (default: the current cycle's), or one window, with their statistics."""
    policy = queries.get_policy(session, slug=slug)
    chosen = chosen_windows(session, policy=policy, cycle=cycle, window_id=window_id)
    if not chosen.windows:
        where = "pada siklus ini" if not chosen.named else f"pada siklus {chosen.cycle}"
        where_en = "in this cycle" if not chosen.named else f"in cycle {chosen.cycle}"
        raise NotFound(
            f"Kebijakan ini belum memiliki jendela konsultasi {where}.",
            en=f"This policy has no consultation window {where_en}.",
        )
    stats = consultation_stats(session, window_ids=chosen.window_ids)
    shown = [window_public(session, w) for w in chosen.windows]
    return ConsultationPublic(
        window=shown[-1],
        windows=shown,
        statistics=StatsPublic.model_validate(stats),
        cycle=chosen.cycle,
        cycles=[c.cycle for c in consultations(session, policy=policy)],
    )


@router.get("/policies/{slug}/consultation/cycles", response_model=list[CyclePublic])
def cycles(slug: SlugPath, session: ReadSessionDep) -> list[CyclePublic]:
    """List every cycle's public consultation, oldest first, each readable by ?cycle= (no account needed)."""
    policy = queries.get_policy(session, slug=slug)
    return [
        CyclePublic(
            cycle=c.cycle,
            windows=[window_public(session, w) for w in c.windows],
            report_published_at=c.report_published_at,
        )
        for c in consultations(session, policy=policy)
    ]
