"""Documents of a policy: a version as .docx or Akoma Ntoso, JDIHN metadata, the report as .docx, .docx in."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from policies.core.db import utcnow
from policies.core.errors import InvalidInput
from policies.drafting import documents
from service.api.consultation.choice import CycleQuery
from service.api.drafting import VersionSummary
from service.api.params import IdPath, SlugPath
from service.api.schemas import ReadModel, read_model
from service.auth import OptionalActorDep, WriterDep
from service.deps import ReadSessionDep, SessionDep, SettingsDep
from service.idempotency import IDEMPOTENT, IdempotentRoute

router = APIRouter(tags=["documents"], route_class=IdempotentRoute)


def _file(download: documents.Download) -> Response:
    return Response(
        download.content,
        media_type=download.media_type,
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
    )


DOCX_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {documents.DOCX: {}}}}


@router.get(
    "/policies/{slug}/versions/{number}/document.docx", response_class=Response, responses=DOCX_RESPONSE
)
def version_docx(
    slug: SlugPath, number: IdPath, session: ReadSessionDep, viewer: OptionalActorDep, settings: SettingsDep
) -> Response:
    """Download a version laid out as a regulation (.docx, in SIKLUS_DOCUMENT_FONT)."""
    return _file(
        documents.version_docx(session, actor=viewer, slug=slug, number=number, font=settings.document_font)
    )


@router.get(
    "/policies/{slug}/versions/{number}/akn.xml",
    response_class=Response,
    responses={200: {"content": {documents.AKN_XML: {}}}},
)
def version_akn(
    slug: SlugPath, number: IdPath, session: ReadSessionDep, viewer: OptionalActorDep
) -> Response:
    """Download a version as Akoma Ntoso 3.0 XML, every element with the eId of the structure."""
    return _file(documents.version_akn(session, actor=viewer, slug=slug, number=number))


class JdihPublic(BaseModel):
    """The adopted regulation in the field names of the JDIHN integration (docs/drafting-format.md)."""

    idData: str
    tipeDokumen: str
    jenis: str = Field(description="Jenis peraturan, e.g. Peraturan Wali Kota.")
    singkatanJenis: str
    noPeraturan: str
    tahun_pengundangan: str = Field(description="Tahun penetapan (the promulgation date is not recorded).")
    tanggal_penetapan: str
    judul: str
    teuBadan: str
    tempatTerbit: str
    penerbit: str
    penandatangan: str
    subjek: str
    status: str = Field(description="Berlaku, or Dicabut once the policy is withdrawn.")
    bahasa: str
    bidangHukum: str
    siklus: int
    akn: str = Field(description="The FRBR work URI of the regulation's Akoma Ntoso document.")
    urlDetailPeraturan: str
    urlDownload: str
    fileDownload: str


@router.get("/policies/{slug}/jdih.json", response_model=JdihPublic)
def jdih_metadata(slug: SlugPath, session: ReadSessionDep, settings: SettingsDep) -> dict[str, Any]:
    """Describe the adopted regulation in JDIHN's fields (404 until an adoption is recorded)."""
    return documents.jdihn_metadata(session, slug=slug, base_url=settings.base_url)


@router.get("/policies/{slug}/consultation/report.docx", response_class=Response, responses=DOCX_RESPONSE)
def report_docx(
    slug: SlugPath,
    session: ReadSessionDep,
    viewer: OptionalActorDep,
    settings: SettingsDep,
    cycle: CycleQuery = None,
) -> Response:
    """Download a cycle's consultation report as .docx once published (owners get the draft, marked)."""
    download = documents.report_docx(
        session, actor=viewer, slug=slug, cycle=cycle, now=utcnow(), font=settings.document_font
    )
    return _file(download)


async def docx_upload(request: Request) -> bytes:
    """Read an uploaded .docx: a multipart `file`, or the request body itself."""
    # The body-size middleware already caps what can arrive here (SIKLUS_MAX_BODY_BYTES).
    if request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        try:
            form = await request.form()
        except Exception as exc:  # Starlette raises several types for a malformed multipart body
            raise InvalidInput(
                "Formulir unggahan tidak dapat dibaca; kirim berkas .docx di isian 'file'.",
                en="The upload form cannot be read; send the .docx file in the field 'file'.",
                field="file",
            ) from exc
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput(
                "Kirim berkas .docx di isian 'file'.",
                en="Send the .docx file in the field 'file'.",
                field="file",
            )
        return await upload.read()
    return await request.body()


DocxDep = Annotated[bytes, Depends(docx_upload)]
DOCX_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            documents.DOCX: {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


class UnplacedPublic(BaseModel):
    """A paragraph of the .docx the import could not place, and why."""

    paragraph: int
    text: str
    reason: str
    reason_en: str


class ImportPublic(ReadModel):
    """The version a .docx became, and the paragraphs it left out."""

    version: VersionSummary
    paragraphs: int
    unplaced: list[UnplacedPublic]


@router.post(
    "/policies/{slug}/versions/import",
    status_code=201,
    response_model=ImportPublic,
    dependencies=[IDEMPOTENT],
    openapi_extra=DOCX_BODY,
)
def import_docx(slug: SlugPath, data: DocxDep, actor: WriterDep, session: SessionDep) -> ImportPublic:
    """Import a draft from .docx as a new version; every paragraph it could not place is listed."""
    version, imported = documents.import_version(session, actor=actor, slug=slug, data=data)
    return ImportPublic(
        version=read_model(VersionSummary, version),
        paragraphs=imported.paragraphs,
        unplaced=[UnplacedPublic(**vars(u)) for u in imported.unplaced],
    )
