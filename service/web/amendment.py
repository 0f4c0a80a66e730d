"""Pages of the amending instrument (preview and download) and of the consolidated text at a point in time."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse
from starlette.responses import Response

from policies.drafting.amendment.consolidated import consolidated_text
from policies.drafting.amendment.documents import amending_instrument
from policies.lifecycle import queries
from service.api.params import OptionalIdQuery
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
    return render(request, "web/amendment.html", {"policy": policy, "doc": doc})


@router.get("/policies/{slug}/amendment.md", name="amendment_download")
def amendment_download(
    slug: str, session: PageReadSessionDep, actor: PageActorDep, version: VersionQuery = None
) -> Response:
    """Download the draft to take (the amending regulation, or the replacing one when advised) as Markdown."""
    doc = amending_instrument(session, actor=actor, slug=slug, version=version)
    name = f"{slug}-{'pengganti' if doc.replacing else 'perubahan'}-v{doc.proposed_version}.md"
    return PlainTextResponse(
        doc.markdown,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/policies/{slug}/consolidated", name="consolidated")
def consolidated_page(
    slug: str, request: Request, session: PageReadSessionDep, at: Annotated[date | None, Query()] = None
) -> Response:
    """Show the text in force on a day, each changed element marked by the instrument that changed it."""
    text = consolidated_text(session, slug=slug, at=at)
    policy = queries.get_policy(session, slug=slug)
    return render(request, "web/consolidated.html", {"policy": policy, "text": text})
