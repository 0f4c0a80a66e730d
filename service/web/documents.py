"""The page where a drafter imports a draft from Word and sees every paragraph it could not place."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from policies.accounts.access import require_owner
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput
from policies.core.settings import Settings
from policies.drafting.documents import Download, import_version, report_docx, version_akn, version_docx
from policies.lifecycle import queries
from policies.lifecycle.models import Policy
from service.api.params import IdPath
from service.deps import SessionDep, SettingsDep
from service.web.render import (
    FormDep,
    PageActorDep,
    PageReadSessionDep,
    PageRoute,
    message_of,
    render,
    signed_in,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
TEMPLATE = "web/import_docx.html"


def _file(download: Download) -> Response:
    return Response(
        download.content,
        media_type=download.media_type,
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
    )


@router.get("/policies/{slug}/versions/{number}/document.docx", name="version_docx")
def docx_download(
    slug: str, number: IdPath, session: PageReadSessionDep, actor: PageActorDep, settings: SettingsDep
) -> Response:
    """Download a version laid out as a regulation (.docx); an unpublished one for its owners only."""
    return _file(version_docx(session, actor=actor, slug=slug, number=number, font=settings.document_font))


@router.get("/policies/{slug}/versions/{number}/akn.xml", name="version_akn")
def akn_download(slug: str, number: IdPath, session: PageReadSessionDep, actor: PageActorDep) -> Response:
    """Download a version as Akoma Ntoso 3.0 XML."""
    return _file(version_akn(session, actor=actor, slug=slug, number=number))


@router.get("/policies/{slug}/report.docx", name="report_docx")
def report_download(
    slug: str, session: PageReadSessionDep, actor: PageActorDep, settings: SettingsDep
) -> Response:
    """Download this cycle's consultation report as .docx (its owners get the unpublished draft)."""
    return _file(
        report_docx(session, actor=actor, slug=slug, cycle=None, now=utcnow(), font=settings.document_font)
    )


@router.get("/policies/{slug}/versions/import", name="import_docx")
def import_form(
    slug: str, request: Request, session: PageReadSessionDep, actor: PageActorDep, settings: SettingsDep
) -> Response:
    """Show the form that imports a .docx as a new version (the owning unit's drafters and admins)."""
    policy = queries.get_policy(session, slug=slug)
    require_owner(signed_in(actor), policy=policy)
    return render(request, TEMPLATE, _context(policy, settings, errors={}, result=None))


def _context(policy: Policy, settings: Settings, **extra: object) -> dict[str, object]:
    # A larger file never reaches the form: the body-size limit answers it first (413).
    return {"policy": policy, "max_mb": settings.max_body_bytes / 1_000_000, **extra}


@router.post("/policies/{slug}/versions/import")
def post_import(
    slug: str,
    request: Request,
    form: FormDep,
    session: SessionDep,
    actor: PageActorDep,
    settings: SettingsDep,
) -> Response:
    """Import the chosen .docx as a new version and show the paragraphs it left out."""
    me = signed_in(actor)
    policy = queries.get_policy(session, slug=slug)
    require_owner(me, policy=policy)
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput(
                "Pilih berkas .docx terlebih dahulu.", en="Choose a .docx file first.", field="file"
            )
        note = str(form.get("change_note", ""))
        version, imported = import_version(
            session, actor=me, slug=slug, data=upload.file.read(), change_note=note
        )
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        errors = {"file": message_of(request, exc)}
        context = _context(policy, settings, errors=errors, result=None)
        return render(request, TEMPLATE, context, status_code=422)
    result = {"version": version, "imported": imported}
    return render(request, TEMPLATE, _context(policy, settings, errors={}, result=result), status_code=201)
