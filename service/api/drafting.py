"""Draft versions: write (Markdown), list, read with clauses, publish (freeze), diff."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from policies.drafting import queries as drafting_queries
from policies.drafting.models import DraftVersion
from policies.drafting.notes import MAX_NOTE_CHARS, write_revision_note
from policies.drafting.reading import readable_version, visible_versions
from policies.drafting.revision import RevisionNotePublic, notes_of
from policies.drafting.versions import (
    MAX_BODY_CHARS,
    create_version,
    diff_version_elements,
    diff_versions,
    discard_version,
    edit_version,
    publish_version,
)
from policies.lifecycle import queries
from service.api.params import IdPath, IdQuery, SlugPath, id_query
from service.api.schemas import Line, ReadModel, Text, read_model
from service.auth import ActorDep, OptionalActorDep
from service.deps import ReadSessionDep, SessionDep
from service.idempotency import IDEMPOTENT, IdempotentRoute

router = APIRouter(tags=["drafts"], route_class=IdempotentRoute)


class VersionCreate(BaseModel):
    """A new version's Markdown: `#` title, `##` chapters (bab), `###` clauses (pasal)."""

    body: Text = Field(min_length=1, max_length=MAX_BODY_CHARS)
    change_note: Text = Field(default="", max_length=4000)
    title: Line | None = Field(default=None, max_length=400)


class RevisionNoteIn(BaseModel):
    """The drafter's own revision note, optionally on one clause (by its key)."""

    summary: Text = Field(min_length=1, max_length=MAX_NOTE_CHARS)
    summary_en: Text = Field(default="", max_length=MAX_NOTE_CHARS)
    clause_key: Line | None = Field(default=None, max_length=40)


class ClausePublic(ReadModel):
    """A clause (pasal) with the key that stays the same across versions."""

    key: str
    heading: str
    chapter: str
    body: str


class VersionSummary(ReadModel):
    """A version in a list."""

    number: int
    cycle: int
    title: str
    change_note: str
    created_at: datetime
    published_at: datetime | None
    frozen: bool


class VersionDetail(VersionSummary):
    """A version with its text and clauses."""

    body: str
    clauses: list[ClausePublic]


class WordOpPublic(ReadModel):
    """A run of words kept, inserted or deleted."""

    op: str
    text: str


class ClauseDiffPublic(ReadModel):
    """One clause's fate between two versions."""

    key: str
    change: str
    old_heading: str | None
    new_heading: str | None
    old_body: str | None
    new_body: str | None
    words: list[WordOpPublic]


class ElementChangePublic(BaseModel):
    """One element's fate (an ayat, a huruf, …) between two versions, with the redline of its words."""

    kind: str = Field(description="unchanged, changed, added, removed, moved or renumbered.")
    clause_key: str | None
    old_key: str | None
    new_key: str | None
    old_eid: str | None
    new_eid: str | None
    old_label: str | None
    new_label: str | None
    old_text: str | None
    new_text: str | None
    words: list[WordOpPublic]


class DiffPublic(ReadModel):
    """Two versions compared clause by clause, and element by element down to ayat and huruf."""

    from_version: int
    to_version: int
    clauses: list[ClauseDiffPublic]
    elements: list[ElementChangePublic]


def version_detail(session: Session, version: DraftVersion) -> VersionDetail:
    """Read a version with its clauses."""
    clauses = drafting_queries.clauses_of(session, version_id=version.id)  # type: ignore[arg-type]
    return read_model(VersionDetail, version, clauses=clauses)


@router.post(
    "/policies/{slug}/versions", status_code=201, response_model=VersionDetail, dependencies=[IDEMPOTENT]
)
def create(slug: SlugPath, payload: VersionCreate, actor: ActorDep, session: SessionDep) -> VersionDetail:
    """Write a new version; clauses keep their keys where the text carries over."""
    version = create_version(session, actor=actor, slug=slug, **payload.model_dump())
    return version_detail(session, version)


@router.get("/policies/{slug}/versions", response_model=list[VersionSummary])
def list_versions(slug: SlugPath, session: ReadSessionDep, viewer: OptionalActorDep) -> list[DraftVersion]:
    """List the versions you may read, oldest first (unpublished ones only for the owning unit and admins)."""
    policy = queries.get_policy(session, slug=slug)
    versions = drafting_queries.list_versions(session, policy_id=policy.id)  # type: ignore[arg-type]
    return visible_versions(versions, actor=viewer, policy=policy)


@router.get("/policies/{slug}/versions/{number}", response_model=VersionDetail)
def read(slug: SlugPath, number: IdPath, session: ReadSessionDep, viewer: OptionalActorDep) -> VersionDetail:
    """Read a version with its clauses; an unpublished one is not found except by its owners."""
    _, version = readable_version(session, actor=viewer, slug=slug, number=number)
    return version_detail(session, version)


@router.put("/policies/{slug}/versions/{number}", response_model=VersionDetail)
def edit(
    slug: SlugPath, number: IdPath, payload: VersionCreate, actor: ActorDep, session: SessionDep
) -> VersionDetail:
    """Rewrite a version that is not published yet (409 once it is); clauses keep their keys."""
    version = edit_version(session, actor=actor, slug=slug, number=number, **payload.model_dump())
    return version_detail(session, version)


@router.delete("/policies/{slug}/versions/{number}", status_code=204, response_class=Response)
def discard(slug: SlugPath, number: IdPath, actor: ActorDep, session: SessionDep) -> Response:
    """Discard the newest version while it is not published (409 once it is, or when a later one exists)."""
    discard_version(session, actor=actor, slug=slug, number=number)
    return Response(status_code=204)


@router.post("/policies/{slug}/versions/{number}/publish", response_model=VersionSummary)
def publish(slug: SlugPath, number: IdPath, actor: ActorDep, session: SessionDep) -> DraftVersion:
    """Publish (freeze) a version so it can go to consultation; twice changes nothing."""
    return publish_version(session, actor=actor, slug=slug, number=number)


@router.get("/policies/{slug}/diff", response_model=DiffPublic)
def diff(
    slug: SlugPath,
    session: ReadSessionDep,
    viewer: OptionalActorDep,
    from_: Annotated[int, id_query(alias="from")],
    to: IdQuery,
) -> DiffPublic:
    """Compare two versions clause by clause and element by element, word by word (both readable to you)."""
    for number in (from_, to):
        readable_version(session, actor=viewer, slug=slug, number=number)
    changes = diff_versions(session, slug=slug, old=from_, new=to)
    parts = [
        ElementChangePublic(
            **{f: getattr(e, f) for f in ElementChangePublic.model_fields if f != "words"},
            words=[WordOpPublic(op=op, text=text) for op, text in e.words],
        )
        for e in diff_version_elements(session, slug=slug, old=from_, new=to)
    ]
    return DiffPublic(from_version=from_, to_version=to, clauses=changes, elements=parts)


@router.post(
    "/policies/{slug}/revision-notes",
    status_code=201,
    response_model=RevisionNotePublic,
    dependencies=[IDEMPOTENT],
)
def add_revision_note(
    slug: SlugPath, payload: RevisionNoteIn, actor: ActorDep, session: SessionDep
) -> RevisionNotePublic:
    """Add the drafter's own note to the cycle being revised (the owning unit, revision stage only)."""
    note = write_revision_note(session, actor=actor, slug=slug, **payload.model_dump())
    return next(n for n in notes_of(session, slug=slug, cycle=note.cycle) if n.id == note.id)
