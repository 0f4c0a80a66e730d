"""Following a policy and choosing how to hear about it: immediately, a daily or weekly digest, or not."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from policies.digest import preferences
from policies.digest import queries as digest_queries
from policies.digest.models import Cadence
from service.api.params import SlugPath
from service.api.schemas import ReadModel, read_model
from service.auth import ActorDep, OptionalActorDep, WriterDep
from service.deps import ReadSessionDep, SessionDep
from service.idempotency import IdempotentRoute

router = APIRouter(tags=["notices"], route_class=IdempotentRoute)

CADENCE_HELP = "immediate (seperti biasa), daily (ringkasan harian), weekly (ringkasan mingguan) atau off."


class NoticePreferences(BaseModel):
    """How you hear about each kind of event of the policies you follow or commented on."""

    stage: Cadence = Field(description="Tahap baru. " + CADENCE_HELP)
    answer: Cadence = Field(description="Jawaban atas masukan saya. " + CADENCE_HELP)
    reply: Cadence = Field(description="Balasan atas masukan saya. " + CADENCE_HELP)
    version: Cadence = Field(description="Versi baru. " + CADENCE_HELP)
    survey: Cadence = Field(description="Survei dibuka. " + CADENCE_HELP)


class NoticePreferencesIn(BaseModel):
    """The kinds whose cadence changes (the others stay as they are)."""

    stage: Cadence | None = None
    answer: Cadence | None = None
    reply: Cadence | None = None
    version: Cadence | None = None
    survey: Cadence | None = None


class FollowState(BaseModel):
    """Whether you follow a policy."""

    following: bool


class WaitingEvent(ReadModel):
    """An event recorded for your digest (sent, or waiting for the day or week to end)."""

    kind: str
    cadence: str
    occurred_at: datetime
    digested_at: datetime | None
    context: dict[str, Any]


def _public(chosen: dict[Any, Cadence]) -> NoticePreferences:
    return NoticePreferences(**{kind.value: cadence for kind, cadence in chosen.items()})


@router.get("/me/notice-preferences", response_model=NoticePreferences)
def read_preferences(actor: ActorDep, session: ReadSessionDep) -> NoticePreferences:
    """Read how you hear about each kind of event (immediately where you chose nothing)."""
    return _public(preferences.preferences(session, actor=actor))


@router.put("/me/notice-preferences", response_model=NoticePreferences)
def write_preferences(
    payload: NoticePreferencesIn, actor: WriterDep, session: SessionDep
) -> NoticePreferences:
    """Choose, per kind of event, immediately, a daily or weekly digest, or not at all."""
    given = {k: v.value for k, v in payload.model_dump(exclude_none=True).items()}
    return _public(preferences.set_preferences(session, actor=actor, cadences=given))


@router.get("/me/digest-events", response_model=list[WaitingEvent])
def read_digest_events(actor: ActorDep, session: ReadSessionDep) -> list[WaitingEvent]:
    """List the events recorded for your digests, newest first (the last 50)."""
    rows = digest_queries.events_of(session, account_id=actor.id or 0)
    return [read_model(WaitingEvent, r) for r in rows]


@router.get("/policies/{slug}/follow", response_model=FollowState)
def read_follow(slug: SlugPath, actor: OptionalActorDep, session: ReadSessionDep) -> FollowState:
    """Tell whether you follow a policy (nobody signed in follows nothing)."""
    return FollowState(following=preferences.is_following(session, actor=actor, slug=slug))


@router.put("/policies/{slug}/follow", response_model=FollowState)
def follow(slug: SlugPath, actor: WriterDep, session: SessionDep) -> FollowState:
    """Follow a policy: hear about it as your notice preferences say (again changes nothing)."""
    preferences.follow(session, actor=actor, slug=slug)
    return FollowState(following=True)


@router.delete("/policies/{slug}/follow", response_model=FollowState)
def unfollow(slug: SlugPath, actor: WriterDep, session: SessionDep) -> FollowState:
    """Stop following a policy (having commented on it still brings its news)."""
    preferences.unfollow(session, actor=actor, slug=slug)
    return FollowState(following=False)
