"""From comment to change over HTTP: link an accepted comment to the elements it changed, say why a
text stayed, read a comment's trace and the matriks perubahan."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlmodel import Session

from policies.consultation import changes
from policies.consultation.models import Outcome
from policies.consultation.record import chosen_windows
from policies.consultation.trace import CommentTrace, change_matrix, comment_trace
from policies.lifecycle.queries import get_policy
from service.api.consultation.choice import CycleQuery, WindowQuery
from service.api.params import IdField, IdPath, SlugPath
from service.api.schemas import ReadModel, Text
from service.auth import WriterDep
from service.deps import ReadSessionDep, SessionDep
from service.idempotency import IDEMPOTENT, IdempotentRoute

router = APIRouter(tags=["changes"], route_class=IdempotentRoute)


class ChangeLink(BaseModel):
    """An element of a later, published version that the comment changed."""

    version_number: IdField
    element_key: Text = Field(min_length=1, max_length=40, description="Kunci unsur (pasal, ayat, huruf).")


class UnchangedIn(BaseModel):
    """Why the text stayed as it was although the comment was accepted; blank withdraws it."""

    reason: Text = Field(default="", max_length=20_000)


class LinkedElementPublic(ReadModel):
    """An element a comment changed: its version, its address and label, its text before and after."""

    version_number: int
    key: str
    eid: str
    label: str
    text: str
    old_text: str


class CommentTracePublic(BaseModel):
    """A comment's answer and where it led: the elements it changed, or why the text stayed."""

    comment_id: int
    clause_key: str
    clause_label: str
    outcome: Outcome
    reason: str
    unchanged_reason: str
    changes: list[LinkedElementPublic]


class MatrixRowPublic(ReadModel):
    """A line of the matriks perubahan: old text, new text, the reasons and the comments behind it."""

    label: str
    old_text: str
    new_text: str
    reasons: list[str]
    comment_ids: list[int]
    version_number: int | None = Field(description="Versi yang berubah; null bila teksnya tetap.")
    unchanged: bool


def _public(trace: CommentTrace) -> CommentTracePublic:
    return CommentTracePublic(
        comment_id=trace.comment.id or 0,
        clause_key=trace.comment.clause_key,
        clause_label=trace.clause_label,
        outcome=trace.disposition.outcome,
        reason=trace.disposition.reason,
        unchanged_reason=trace.disposition.unchanged_reason,
        changes=[LinkedElementPublic.model_validate(c) for c in trace.changes],
    )


def _trace(session: Session, *, slug: str, comment_id: int) -> CommentTracePublic:
    return _public(comment_trace(session, policy=get_policy(session, slug=slug), comment_id=comment_id))


@router.get("/policies/{slug}/comments/{comment_id}/changes", response_model=CommentTracePublic)
def read(slug: SlugPath, comment_id: IdPath, session: ReadSessionDep) -> CommentTracePublic:
    """Read a comment's answer and the elements of later versions it changed (or why the text stayed)."""
    return _trace(session, slug=slug, comment_id=comment_id)


@router.post(
    "/policies/{slug}/comments/{comment_id}/changes",
    status_code=201,
    response_model=CommentTracePublic,
    dependencies=[IDEMPOTENT],
)
def link(
    slug: SlugPath, comment_id: IdPath, payload: ChangeLink, session: SessionDep, actor: WriterDep
) -> CommentTracePublic:
    """Link an accepted comment (its campaign group too) to an element of a later published version."""
    changes.link_change(
        session,
        actor=actor,
        slug=slug,
        comment_id=comment_id,
        version_number=payload.version_number,
        element_key=payload.element_key,
    )
    return _trace(session, slug=slug, comment_id=comment_id)


@router.post(
    "/policies/{slug}/comments/{comment_id}/changes/unlink",
    response_model=CommentTracePublic,
    dependencies=[IDEMPOTENT],
)
def unlink(
    slug: SlugPath, comment_id: IdPath, payload: ChangeLink, session: SessionDep, actor: WriterDep
) -> CommentTracePublic:
    """Remove an accepted comment's (and its group's) link to an element."""
    changes.unlink_change(
        session,
        actor=actor,
        slug=slug,
        comment_id=comment_id,
        version_number=payload.version_number,
        element_key=payload.element_key,
    )
    return _trace(session, slug=slug, comment_id=comment_id)


@router.put("/policies/{slug}/comments/{comment_id}/unchanged-reason", response_model=CommentTracePublic)
def unchanged(
    slug: SlugPath, comment_id: IdPath, payload: UnchangedIn, session: SessionDep, actor: WriterDep
) -> CommentTracePublic:
    """Say why an accepted comment (its campaign group too) left the text as it was."""
    changes.state_unchanged(session, actor=actor, slug=slug, comment_id=comment_id, reason=payload.reason)
    return _trace(session, slug=slug, comment_id=comment_id)


@router.get("/policies/{slug}/changes", response_model=list[MatrixRowPublic])
def matrix(
    slug: SlugPath, session: ReadSessionDep, cycle: CycleQuery = None, window_id: WindowQuery = None
) -> list[MatrixRowPublic]:
    """Read the matriks perubahan of a cycle's consultation (default: this cycle's)."""
    policy = get_policy(session, slug=slug)
    chosen = chosen_windows(session, policy=policy, cycle=cycle, window_id=window_id)
    return [
        MatrixRowPublic.model_validate(row) for row in change_matrix(session, window_ids=chosen.window_ids)
    ]
