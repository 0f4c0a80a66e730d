"""The amending instrument of a proposed version (Markdown) and the consolidated text at a point in time."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from policies.drafting.amendment.consolidated import consolidated_text
from policies.drafting.amendment.documents import amending_instrument
from policies.drafting.amendment.exports import MARKDOWN, instrument_akn, instrument_docx, instrument_markdown
from policies.drafting.documents import AKN_XML, DOCX, Download
from service.api.params import OptionalIdQuery, SlugPath
from service.api.schemas import Day
from service.auth import OptionalActorDep
from service.deps import ReadSessionDep, SettingsDep

router = APIRouter(tags=["drafts"])

VersionQuery = Annotated[OptionalIdQuery, Query(description="Versi yang diusulkan (bawaan: yang terbaru).")]
AtQuery = Annotated[Day | None, Query(description="Tanggal berlaku (bawaan: hari ini).")]


class ReasonPublic(BaseModel):
    """Why the regulation is better replaced than amended."""

    id: str
    en: str


class ChangePublic(BaseModel):
    """One item of Pasal I."""

    kind: str
    sentence: str
    quoted: list[str]
    pasal: list[str]
    eids: list[str]


class InstrumentPublic(BaseModel):
    """The amending regulation of a proposed version (Markdown in the drafting format)."""

    adopted_version: int
    proposed_version: int
    ordinal: int
    title: str
    advice: str
    reasons: list[ReasonPublic]
    changes: list[ChangePublic]
    touched: int
    total: int
    markdown: str
    amending_markdown: str
    replacing_markdown: str | None


class PointPublic(BaseModel):
    """One adoption: the point in time after it."""

    cycle: int
    version: int
    instrument: str
    adopted_on: date


class MarkPublic(BaseModel):
    """What an instrument did to an element."""

    how: str
    by: PointPublic


class RowPublic(BaseModel):
    """An element of the consolidated text."""

    eid: str
    kind: str
    num: str
    label: str
    text: str
    depth: int
    mark: MarkPublic | None
    marker: str


class ConsolidatedPublic(BaseModel):
    """The text in force at a point in time, each changed element marked by its instrument."""

    at: PointPublic
    points: list[PointPublic]
    rows: list[RowPublic]
    deleted: list[RowPublic]


def _instrument(
    session: ReadSessionDep, viewer: OptionalActorDep, slug: str, version: int | None
) -> InstrumentPublic:
    doc = amending_instrument(session, actor=viewer, slug=slug, version=version)
    return InstrumentPublic(
        adopted_version=doc.adopted_version,
        proposed_version=doc.proposed_version,
        ordinal=doc.ordinal,
        title=doc.title,
        advice=doc.advice,
        reasons=[ReasonPublic(id=r.id, en=r.en) for r in doc.reasons],
        changes=[
            ChangePublic(
                kind=c.kind,
                sentence=c.sentence,
                quoted=list(c.quoted),
                pasal=list(c.pasal),
                eids=list(c.eids),
            )
            for c in doc.changes
        ],
        touched=doc.touched,
        total=doc.total,
        markdown=doc.markdown,
        amending_markdown=doc.amending,
        replacing_markdown=doc.replacing,
    )


@router.get("/policies/{slug}/amendment", response_model=InstrumentPublic)
def amendment(
    slug: SlugPath, session: ReadSessionDep, viewer: OptionalActorDep, version: VersionQuery = None
) -> InstrumentPublic:
    """Write the amending regulation from the adopted text to a proposed version (both readable to you)."""
    return _instrument(session, viewer, slug, version)


def _file(download: Download) -> Response:
    return Response(
        download.content,
        media_type=download.media_type,
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
    )


@router.get(
    "/policies/{slug}/amendment.md", response_class=Response, responses={200: {"content": {MARKDOWN: {}}}}
)
def amendment_markdown(
    slug: SlugPath, session: ReadSessionDep, viewer: OptionalActorDep, version: VersionQuery = None
) -> Response:
    """Download the amending regulation (or the replacing one, when advised) as Markdown."""
    return _file(instrument_markdown(session, actor=viewer, slug=slug, version=version))


@router.get(
    "/policies/{slug}/amendment.docx", response_class=Response, responses={200: {"content": {DOCX: {}}}}
)
def amendment_docx(
    slug: SlugPath,
    session: ReadSessionDep,
    viewer: OptionalActorDep,
    settings: SettingsDep,
    version: VersionQuery = None,
) -> Response:
    """Download the amending regulation (or the replacing one) laid out as a regulation in .docx."""
    return _file(
        instrument_docx(session, actor=viewer, slug=slug, version=version, font=settings.document_font)
    )


@router.get(
    "/policies/{slug}/amendment.akn.xml", response_class=Response, responses={200: {"content": {AKN_XML: {}}}}
)
def amendment_akn(
    slug: SlugPath, session: ReadSessionDep, viewer: OptionalActorDep, version: VersionQuery = None
) -> Response:
    """Download the amending regulation as an Akoma Ntoso 3.0 `amendment` (mods quoting the new text)."""
    return _file(instrument_akn(session, actor=viewer, slug=slug, version=version))


@router.get("/policies/{slug}/consolidated", response_model=ConsolidatedPublic)
def consolidated(slug: SlugPath, session: ReadSessionDep, at: AtQuery = None) -> ConsolidatedPublic:
    """Read the text in force on a day, each changed element marked by the instrument that changed it."""
    text = consolidated_text(session, slug=slug, at=at)
    return ConsolidatedPublic.model_validate(text, from_attributes=True)
