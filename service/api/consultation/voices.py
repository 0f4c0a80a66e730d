"""Offline inputs and their scans, workshop outcomes as inputs, comments on behalf of signatories,
and "this was not me" reports over HTTP."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from policies.accounts.models import StakeholderGroup
from policies.consultation import behalf, disavowal, offline, scans
from policies.consultation.comment_queries import CommentPublic, comment_public
from policies.consultation.comments import CommentRules
from policies.consultation.models import Comment, CommentSource, Stance
from policies.consultation.offline import OfflineInput
from policies.consultation.voice_models import CommentDisavowal, CommentOrigin
from policies.core.errors import InvalidInput
from service.api.consultation.anchors import AnchorIn
from service.api.params import IdPath, SlugPath
from service.api.schemas import Text
from service.auth import ActorDep, OptionalActorDep, WriterDep
from service.deps import ReadSessionDep, SessionDep, SettingsDep
from service.secret_key import ensure_secret_key

router = APIRouter(tags=["comments"])


class OfflineInputIn(BaseModel):
    """An input heard or received offline, as the officer writes it down."""

    clause_key: Text = Field(min_length=1, max_length=40)
    body: Text = Field(min_length=1, max_length=100_000)
    source: CommentSource = Field(description="oral, paper or letter.")
    attributed_to: Text = Field(min_length=1, max_length=200, description="The person or organisation.")
    occasion: Text = Field(min_length=1, max_length=300, description="e.g. sosialisasi di Kecamatan Serpong.")
    occasion_on: date
    author_group: StakeholderGroup = StakeholderGroup.PUBLIC
    stance: Stance = Stance.NEUTRAL
    quote: Text = Field(default="", max_length=5_000)
    anchor: AnchorIn | None = None
    contact_email: Text = Field(default="", max_length=254)
    contact_nip: Text = Field(default="", max_length=30)


class SourcePublic(BaseModel):
    """Where an offline input came from, as anyone may read it (the contact stays inside)."""

    model_config = ConfigDict(from_attributes=True)

    comment_id: int
    occasion: str
    occasion_on: date | None
    workshop_outcome_id: int | None
    has_scan: bool
    scan_public: bool


class OfflineInputPublic(BaseModel):
    """A recorded input: the comment as the register shows it, its source and its attribution."""

    comment: CommentPublic
    source: SourcePublic
    attribution: str
    attribution_en: str


class ConvertedPublic(BaseModel):
    """A workshop outcome entered into the register."""

    model_config = ConfigDict(from_attributes=True)

    outcome_id: int
    comment_id: int
    created: bool


class BehalfIn(BaseModel):
    """One comment on behalf of signatories: the list as CSV or one name a line."""

    clause_key: Text = Field(min_length=1, max_length=40)
    body: Text = Field(min_length=1, max_length=100_000)
    stance: Stance = Stance.NEUTRAL
    organisation: Text = Field(min_length=1, max_length=200)
    signatories: Text = Field(min_length=1, max_length=1_000_000)
    anchor: AnchorIn | None = None


class BehalfPublic(BaseModel):
    """A comment on behalf of signatories as everyone sees it: the count, not the names."""

    comment: CommentPublic
    organisation: str
    signatory_count: int


class SignatoriesPublic(BaseModel):
    """The list of signatories (moderators and admins)."""

    comment_id: int
    organisation: str
    signatory_count: int
    signatories: list[str]


class NotMeIn(BaseModel):
    """The email or NIP the comment carries, and optionally what the reporter wants to say."""

    email: Text = Field(default="", max_length=254)
    nip: Text = Field(default="", max_length=30)
    statement: Text = Field(default="", max_length=2_000)


class NotMeSent(BaseModel):
    """The same answer whether or not anything matched."""

    detail: str
    detail_en: str


class ConfirmIn(BaseModel):
    """The token from the confirmation email."""

    token: Text = Field(min_length=1, max_length=500)


class DisavowalPublic(BaseModel):
    """A "not me" report and its review."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    comment_id: int
    matched_by: str
    statement: str
    state: str
    confirmed_at: datetime | None
    reviewed_at: datetime | None
    review_reason: str


class ReviewPublic(BaseModel):
    """A reviewed "not me" report as the record shows it (not who reported, nor what they said)."""

    model_config = ConfigDict(from_attributes=True)

    state: str
    reviewed_at: datetime | None
    review_reason: str


class ReviewIn(BaseModel):
    """A moderator's review: upheld (the comment stays hidden) or rejected (shown again), and why."""

    upheld: bool
    reason: Text = Field(min_length=1, max_length=2_000)


def source_public(origin: CommentOrigin) -> SourcePublic:
    """Describe an input's source without its contact."""
    return SourcePublic(
        comment_id=origin.comment_id,
        occasion=origin.occasion,
        occasion_on=origin.occasion_on,
        workshop_outcome_id=origin.workshop_outcome_id,
        has_scan=bool(origin.scan_file),
        scan_public=origin.scan_public,
    )


def _input_public(session: SessionDep, comment: Comment, origin: CommentOrigin) -> OfflineInputPublic:
    return OfflineInputPublic(
        comment=comment_public(session, comment_id=comment.id, full_text=True),  # type: ignore[arg-type]
        source=source_public(origin),
        attribution=offline.attribution(comment, origin=origin),
        attribution_en=offline.attribution(comment, origin=origin, locale="en"),
    )


@router.post("/policies/{slug}/offline-inputs", status_code=201, response_model=OfflineInputPublic)
def record_input(
    slug: SlugPath, payload: OfflineInputIn, session: SessionDep, actor: WriterDep, settings: SettingsDep
) -> OfflineInputPublic:
    """Record an input heard or received offline (drafters of the owning unit, moderators, admins)."""
    given = OfflineInput(
        **payload.model_dump(exclude={"anchor", "author_group"}),
        author_group=payload.author_group.value,
        anchor=payload.anchor.request() if payload.anchor else None,
    )
    comment = offline.record_offline_input(
        session, actor=actor, slug=slug, given=given, rules=CommentRules.of(settings)
    )
    _, origin = offline.origin_of_comment(session, slug=slug, comment_id=comment.id)  # type: ignore[arg-type]
    assert origin is not None  # just recorded
    return _input_public(session, comment, origin)


@router.get("/policies/{slug}/comments/{comment_id}/source", response_model=OfflineInputPublic)
def read_source(slug: SlugPath, comment_id: IdPath, session: ReadSessionDep) -> OfflineInputPublic:
    """Read where an offline input came from, with its attribution."""
    comment, origin = offline.origin_of_comment(session, slug=slug, comment_id=comment_id)
    if origin is None:
        raise InvalidInput(
            f"Masukan {comment_id} dikirim daring, bukan dicatat petugas.",
            en=f"Comment {comment_id} was sent online, not recorded by an officer.",
            field="comment_id",
        )
    return _input_public(session, comment, origin)


SCAN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {t: {"schema": {"type": "string", "format": "binary"}} for _, t, _ in scans.KINDS},
    }
}


@router.put(
    "/policies/{slug}/comments/{comment_id}/scan", response_model=SourcePublic, openapi_extra=SCAN_BODY
)
async def put_scan(
    slug: SlugPath,
    comment_id: IdPath,
    request: Request,
    actor: WriterDep,
    session: SessionDep,
    settings: SettingsDep,
    filename: Annotated[str, Query(max_length=200)] = "",
    public: bool = False,
) -> SourcePublic:
    """Attach the scan of a recorded input (PDF, PNG or JPEG as the body; officers)."""
    content = await request.body()
    origin = scans.attach_scan(
        session,
        actor=actor,
        slug=slug,
        comment_id=comment_id,
        content=content,
        filename=filename,
        public=public,
        settings=settings,
    )
    return source_public(origin)


@router.get(
    "/policies/{slug}/comments/{comment_id}/scan",
    response_class=FileResponse,
    responses={200: {"content": {t: {} for _, t, _ in scans.KINDS}}},
)
def get_scan(
    slug: SlugPath,
    comment_id: IdPath,
    session: ReadSessionDep,
    viewer: OptionalActorDep,
    settings: SettingsDep,
) -> FileResponse:
    """Download a scan: staff always; others a public scan of a visible comment."""
    found = scans.read_scan(session, viewer=viewer, slug=slug, comment_id=comment_id, settings=settings)
    return FileResponse(
        found.path,
        media_type=found.media_type,
        filename=found.name,
        content_disposition_type="attachment",
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


@router.post("/policies/{slug}/workshop-inputs", response_model=list[ConvertedPublic])
def convert_workshop_outcomes(slug: SlugPath, session: SessionDep, actor: WriterDep) -> list[ConvertedPublic]:
    """Enter every clause-linked workshop outcome of the cycle as an input (again: nothing new)."""
    return [
        ConvertedPublic.model_validate(c) for c in offline.workshop_inputs(session, actor=actor, slug=slug)
    ]


@router.post("/policies/{slug}/comments/on-behalf", status_code=201, response_model=BehalfPublic)
def on_behalf(
    slug: SlugPath, payload: BehalfIn, session: SessionDep, actor: WriterDep, settings: SettingsDep
) -> BehalfPublic:
    """Send one comment on behalf of signatories (stakeholders); the count is public, the names are not."""
    comment, row = behalf.comment_on_behalf(
        session,
        actor=actor,
        slug=slug,
        clause_key=payload.clause_key,
        body=payload.body,
        stance=payload.stance,
        organisation=payload.organisation,
        signatories=payload.signatories,
        anchor=payload.anchor.request() if payload.anchor else None,
        rules=CommentRules.of(settings),
    )
    return BehalfPublic(
        comment=comment_public(session, comment_id=comment.id, full_text=True),  # type: ignore[arg-type]
        organisation=row.organisation,
        signatory_count=row.signatory_count,
    )


@router.get("/policies/{slug}/comments/{comment_id}/signatories", response_model=SignatoriesPublic)
def signatories(
    slug: SlugPath, comment_id: IdPath, session: ReadSessionDep, actor: ActorDep
) -> SignatoriesPublic:
    """Read the list of signatories of a comment sent on their behalf (moderators and admins)."""
    row = behalf.signatories_of(session, actor=actor, slug=slug, comment_id=comment_id)
    return SignatoriesPublic(
        comment_id=row.comment_id,
        organisation=row.organisation,
        signatory_count=row.signatory_count,
        signatories=row.signatories.splitlines(),
    )


@router.post("/policies/{slug}/comments/{comment_id}/not-me", status_code=202, response_model=NotMeSent)
def not_me(slug: SlugPath, comment_id: IdPath, payload: NotMeIn, session: SessionDep) -> NotMeSent:
    """Report that a comment carrying your email or NIP was not sent by you (no account needed)."""
    disavowal.report_not_me(
        session,
        slug=slug,
        comment_id=comment_id,
        email=payload.email,
        nip=payload.nip,
        statement=payload.statement,
    )
    return NotMeSent(detail=disavowal.SENT[0], detail_en=disavowal.SENT[1])


@router.post("/not-me/confirm", response_model=DisavowalPublic)
def confirm_not_me(payload: ConfirmIn, session: SessionDep, settings: SettingsDep) -> DisavowalPublic:
    """Confirm a "not me" report with the token from its email: the comment is hidden pending review."""
    row = disavowal.confirm_not_me(session, token=payload.token, secret=ensure_secret_key(settings))
    return DisavowalPublic.model_validate(row)


@router.get("/policies/{slug}/not-me-reports", response_model=list[DisavowalPublic])
def not_me_reports(
    slug: SlugPath, session: ReadSessionDep, actor: ActorDep, all_states: bool = False
) -> list[DisavowalPublic]:
    """List the confirmed "not me" reports awaiting review (or all of them; moderators and admins)."""
    rows = disavowal.review_queue(session, actor=actor, slug=slug, all_states=all_states)
    return [DisavowalPublic.model_validate(r) for r, _, _ in rows]


@router.post("/policies/{slug}/not-me-reports/{report_id}/review", response_model=DisavowalPublic)
def review(
    slug: SlugPath, report_id: IdPath, payload: ReviewIn, session: SessionDep, actor: WriterDep
) -> DisavowalPublic:
    """Record a moderator's review of a confirmed "not me" report."""
    row: CommentDisavowal = disavowal.review_not_me(
        session, actor=actor, slug=slug, disavowal_id=report_id, upheld=payload.upheld, reason=payload.reason
    )
    return DisavowalPublic.model_validate(row)


@router.get("/policies/{slug}/comments/{comment_id}/not-me-reviews", response_model=list[ReviewPublic])
def reviews(slug: SlugPath, comment_id: IdPath, session: ReadSessionDep) -> list[ReviewPublic]:
    """Read the reviews of "not me" reports on a comment: upheld or rejected, when, and why."""
    return [
        ReviewPublic.model_validate(r)
        for r in disavowal.reviews_on(session, slug=slug, comment_id=comment_id)
    ]
