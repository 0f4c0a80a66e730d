"""The comment register over HTTP: comments, replies, votes, moderation, dispositions, campaigns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from policies.accounts.models import StakeholderGroup
from policies.consultation import comments, moderation
from policies.consultation.campaigns import list_campaigns
from policies.consultation.comment_queries import (
    CommentPage,
    CommentPublic,
    can_see_hidden,
    comment_public,
    new_comment_public,
    read_comment,
)
from policies.consultation.comments import CommentRules
from policies.consultation.models import Outcome, Stance
from policies.consultation.pages import CommentFilter, CommentSort, list_comment_records
from policies.consultation.record import chosen_windows
from policies.lifecycle.queries import get_policy
from service.api import contained
from service.api.consultation.anchors import AnchorIn
from service.api.consultation.choice import CycleQuery, WindowQuery
from service.api.params import IdPath, OptionalIdQuery, SlugPath, id_query, text_query
from service.api.schemas import NoNul, Text
from service.auth import TOKEN_SENT, OptionalActorDep, WriterDep
from service.deps import ReadSessionDep, SessionDep, SettingsDep
from service.idempotency import IDEMPOTENT, IdempotencyKeyDep, IdempotentRoute

router = APIRouter(tags=["comments"], route_class=IdempotentRoute)
RATE_LIMITED = {429: {"description": "Terlalu banyak masukan dalam satu menit (lihat Retry-After)."}}


class CommentCreate(BaseModel):
    """A masukan on a clause of the version under consultation."""

    clause_key: Text = Field(min_length=1, max_length=40)
    body: Text = Field(min_length=1, max_length=100_000, description="Batas sebenarnya: comment_max_length.")
    stance: Stance = Stance.NEUTRAL
    quote: Text = Field(default="", max_length=5_000, description="Kutipan persis dari teks pasal.")
    anchor: AnchorIn | None = Field(
        default=None, description="Bagian (ayat, huruf) dan kutipan yang dikomentari."
    )


class ReplyCreate(BaseModel):
    """A reply to a comment."""

    body: Text = Field(min_length=1, max_length=100_000)


class VoteIn(BaseModel):
    """Support (1), oppose (-1) or withdraw one's vote (0)."""

    value: int = Field(ge=-1, le=1)


class ModerationIn(BaseModel):
    """Why a comment is hidden or shown again."""

    reason: Text = Field(min_length=1, max_length=1_000)


class FlagIn(BaseModel):
    """Why a comment is reported to the moderators."""

    reason: Text = Field(min_length=1, max_length=1_000)


class FlagPublic(BaseModel):
    """A report of a comment to the moderators, as its author sees it."""

    model_config = ConfigDict(from_attributes=True)

    comment_id: int
    reason: str
    created_at: datetime


class DispositionIn(BaseModel):
    """A tindak lanjut: the outcome, the reason owed to the commenter, the clause it led to."""

    outcome: Outcome
    reason: Text = Field(min_length=1, max_length=20_000)
    next_clause_key: Annotated[str | None, NoNul] = Field(
        default=None, max_length=40, description="Pasal versi berikutnya; diperiksa bila versi itu sudah ada."
    )


class CampaignPublic(BaseModel):
    """A group of identical or near-identical comments."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    size: int
    fresh_accounts: int = Field(
        description="Authors in the group whose account was registered after the consultation opened."
    )
    representative_comment_id: int
    representative_text: str
    created_at: datetime


class CampaignDispositionResult(BaseModel):
    """How many members of a campaign received the answer."""

    campaign_id: int
    disposed: int


@router.get("/policies/{slug}/comments", response_model=CommentPage)
async def list_(
    slug: SlugPath,
    request: Request,
    settings: SettingsDep,
    clause_key: Annotated[str | None, text_query(max_length=40), NoNul] = None,
    stance: Stance | None = None,
    undisposed: bool = False,
    author_group: StakeholderGroup | None = None,
    campaign_id: OptionalIdQuery = None,
    window_id: Annotated[
        int | None,
        id_query(description="Satu jendela (juga siklus lalu); tanpa ini: semua jendela siklus ini."),
    ] = None,
    cycle: CycleQuery = None,
    sort: CommentSort = CommentSort.NEWEST,
    cursor: Annotated[str | None, text_query(max_length=200), NoNul] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    """List the comments of every window of a cycle (default: the current one), or of one window."""
    filters = CommentFilter(
        clause_key=clause_key,
        stance=stance,
        undisposed=undisposed,
        author_group=author_group.value if author_group else None,
        campaign_id=campaign_id,
        window_id=window_id,
        cycle=cycle,
    )
    # The busiest read: on the contained fast path (session, token, query, JSON in one trip).
    return await contained.read(
        request,
        settings,
        lambda session, viewer: list_comment_records(
            session, slug=slug, viewer=viewer, filters=filters, sort=sort, cursor=cursor, limit=limit
        ),
    )


@router.post(
    "/policies/{slug}/comments",
    status_code=201,
    response_model=CommentPublic,
    responses=RATE_LIMITED,
    dependencies=[TOKEN_SENT],
)
async def create(
    slug: SlugPath,
    payload: CommentCreate,
    request: Request,
    settings: SettingsDep,
    idempotency_key: IdempotencyKeyDep = None,
) -> Response:
    """Comment on a clause while the consultation is open; copies join a campaign group."""
    rules = CommentRules.of(settings)
    # The busiest write: on the contained fast path (session, token, comment, campaign, commit).
    return await contained.write(
        request,
        settings,
        lambda session, actor: new_comment_public(
            comments.create_comment(
                session,
                actor=actor,
                slug=slug,
                clause_key=payload.clause_key,
                body=payload.body,
                stance=payload.stance,
                quote=payload.quote,
                anchor=payload.anchor.request() if payload.anchor else None,
                rules=rules,
            )
        ),
        payload=payload,
        idempotency_key=idempotency_key,
        status_code=201,
    )


@router.get("/policies/{slug}/comments/{comment_id}", response_model=CommentPublic)
def read(
    slug: SlugPath, comment_id: IdPath, session: ReadSessionDep, viewer: OptionalActorDep
) -> CommentPublic:
    """Read one comment with its disposition and replies."""
    return read_comment(session, slug=slug, comment_id=comment_id, viewer=viewer)


@router.post(
    "/policies/{slug}/comments/{comment_id}/replies",
    status_code=201,
    response_model=CommentPublic,
    responses=RATE_LIMITED,
    dependencies=[IDEMPOTENT],
)
def reply(
    slug: SlugPath,
    comment_id: IdPath,
    payload: ReplyCreate,
    session: SessionDep,
    actor: WriterDep,
    settings: SettingsDep,
) -> CommentPublic:
    """Reply while the consultation is open (stakeholders, drafters of the owning unit, admins)."""
    made = comments.create_reply(
        session,
        actor=actor,
        slug=slug,
        parent_id=comment_id,
        body=payload.body,
        rules=CommentRules.of(settings),
    )
    return new_comment_public(made)


@router.put("/policies/{slug}/comments/{comment_id}/vote", response_model=CommentPublic)
def vote(
    slug: SlugPath, comment_id: IdPath, payload: VoteIn, session: SessionDep, actor: WriterDep
) -> CommentPublic:
    """Support or oppose a comment while the consultation is open (stakeholders; one vote each)."""
    comments.vote(session, actor=actor, slug=slug, comment_id=comment_id, value=payload.value)
    return comment_public(session, comment_id=comment_id, full_text=False)


@router.post("/policies/{slug}/comments/{comment_id}/flags", response_model=FlagPublic, status_code=201)
def flag(
    slug: SlugPath, comment_id: IdPath, payload: FlagIn, session: SessionDep, actor: WriterDep
) -> FlagPublic:
    """Report a comment to the moderators with a reason (any verified account; again: a new reason)."""
    row = moderation.flag_comment(
        session, actor=actor, slug=slug, comment_id=comment_id, reason=payload.reason
    )
    return FlagPublic.model_validate(row)


def _moderate(
    session: SessionDep, actor: WriterDep, *, slug: str, comment_id: int, hidden: bool, reason: str
) -> CommentPublic:
    comments.set_hidden(session, actor=actor, slug=slug, comment_id=comment_id, hidden=hidden, reason=reason)
    return comment_public(session, comment_id=comment_id, full_text=True)


@router.post("/policies/{slug}/comments/{comment_id}/hide", response_model=CommentPublic)
def hide(
    slug: SlugPath, comment_id: IdPath, payload: ModerationIn, session: SessionDep, actor: WriterDep
) -> CommentPublic:
    """Hide a comment (moderators); its text stays stored and the reason is shown instead."""
    return _moderate(session, actor, slug=slug, comment_id=comment_id, hidden=True, reason=payload.reason)


@router.post("/policies/{slug}/comments/{comment_id}/unhide", response_model=CommentPublic)
def unhide(
    slug: SlugPath, comment_id: IdPath, payload: ModerationIn, session: SessionDep, actor: WriterDep
) -> CommentPublic:
    """Show a hidden comment again (moderators), with the reason on record."""
    return _moderate(session, actor, slug=slug, comment_id=comment_id, hidden=False, reason=payload.reason)


@router.put("/policies/{slug}/comments/{comment_id}/disposition", response_model=CommentPublic)
def dispose(
    slug: SlugPath, comment_id: IdPath, payload: DispositionIn, session: SessionDep, actor: WriterDep
) -> CommentPublic:
    """Give or change a comment's tindak lanjut (a drafter of the owning unit, or an admin)."""
    comments.dispose(
        session,
        actor=actor,
        slug=slug,
        comment_id=comment_id,
        outcome=payload.outcome,
        reason=payload.reason,
        next_clause_key=payload.next_clause_key,
    )
    return comment_public(session, comment_id=comment_id, full_text=True)


@router.get("/policies/{slug}/campaigns", response_model=list[CampaignPublic])
def campaigns(
    slug: SlugPath,
    session: ReadSessionDep,
    viewer: OptionalActorDep,
    cycle: CycleQuery = None,
    window_id: WindowQuery = None,
) -> list[CampaignPublic]:
    """List the campaign groups of a cycle's consultation (default: this cycle's), largest first.

    A campaign whose every member is hidden is listed only for moderators, admins and the
    owning unit's drafters; everyone else sees each campaign by a visible member's text.
    """
    policy = get_policy(session, slug=slug)
    rows = list_campaigns(
        session,
        window_ids=chosen_windows(session, policy=policy, cycle=cycle, window_id=window_id).window_ids,
        visible_only=not can_see_hidden(viewer, policy=policy),
    )
    return [CampaignPublic.model_validate(c) for c in rows]


@router.put("/policies/{slug}/campaigns/{campaign_id}/disposition", response_model=CampaignDispositionResult)
def dispose_campaign(
    slug: SlugPath, campaign_id: IdPath, payload: DispositionIn, session: SessionDep, actor: WriterDep
) -> CampaignDispositionResult:
    """Answer a campaign once; each member gets its own disposition with the same answer."""
    rows = comments.dispose_campaign(
        session,
        actor=actor,
        slug=slug,
        campaign_id=campaign_id,
        outcome=payload.outcome,
        reason=payload.reason,
        next_clause_key=payload.next_clause_key,
    )
    return CampaignDispositionResult(campaign_id=campaign_id, disposed=len(rows))
