"""Pages of the amending instrument (preview and download) and of the consolidated text at a point in time."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from policies.drafting.amendment.consolidated import consolidated_text
from policies.drafting.amendment.documents import amending_instrument
from policies.drafting.amendment.exports import instrument_akn, instrument_docx, instrument_markdown
from policies.drafting.documents import Download
from policies.drafting.reading import is_owner
from policies.lifecycle import queries
from service.api.params import OptionalIdQuery
from service.deps import SettingsDep
from service.web.render import PageActorDep, PageReadSessionDep, PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

VersionQuery = Annotated[OptionalIdQuery, Query()]


@router.get("/policies/{slug}/amendment", name="amendment")
def amendment_page(
    slug: str,
    request: Request,
    session: PageReadSessionDep,
    actor: PageActorDep,
    version: VersionQuery = None,
) -> Response:
    """Preview the amending regulation of a proposed version (or the advice to replace, and the new text)."""
    doc = amending_instrument(session, actor=actor, slug=slug, version=version)
    policy = queries.get_policy(session, slug=slug)
    can_edit = is_owner(actor, policy=policy)  # a visitor reading an adopted instrument has no cockpit
    return render(request, "web/amendment.html", {"policy": policy, "doc": doc, "can_edit": can_edit})


def _file(download: Download) -> Response:
    return Response(
        download.content,
        media_type=download.media_type,
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
    )


@router.get("/policies/{slug}/amendment.md", name="amendment_markdown")
def amendment_markdown(
    slug: str, session: PageReadSessionDep, actor: PageActorDep, version: VersionQuery = None
) -> Response:
    """Download the draft to take (the amending regulation, or the replacing one) as Markdown."""
    return _file(instrument_markdown(session, actor=actor, slug=slug, version=version))


@router.get("/policies/{slug}/amendment.docx", name="amendment_docx")
def amendment_docx(
    slug: str,
    session: PageReadSessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
    version: VersionQuery = None,
) -> Response:
    """Download the draft to take laid out as a regulation in .docx."""
    return _file(
        instrument_docx(session, actor=actor, slug=slug, version=version, font=settings.document_font)
    )


@router.get("/policies/{slug}/amendment.akn.xml", name="amendment_akn")
def amendment_akn(
    slug: str, session: PageReadSessionDep, actor: PageActorDep, version: VersionQuery = None
) -> Response:
    """Download the amending regulation as Akoma Ntoso 3.0 XML."""
    return _file(instrument_akn(session, actor=actor, slug=slug, version=version))


@router.get("/policies/{slug}/consolidated", name="consolidated")
def consolidated_page(
    slug: str, request: Request, session: PageReadSessionDep, at: Annotated[date | None, Query()] = None
) -> Response:
    """Show the text in force on a day, each changed element marked by the instrument that changed it."""
    text = consolidated_text(session, slug=slug, at=at)
    policy = queries.get_policy(session, slug=slug)
    return render(request, "web/consolidated.html", {"policy": policy, "text": text})
