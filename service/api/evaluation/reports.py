"""Evaluation: a closed round's SKM report downloads (.docx, .xlsx) and its publication for the public."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import Response

from policies.evaluation import publication
from policies.evaluation.report.as_docx import DOCX_TYPE, report_docx
from policies.evaluation.report.as_xlsx import XLSX_TYPE, report_xlsx
from service.api.evaluation.schemas import RoundPublic
from service.api.evaluation.surveys import UNPUBLISHED, round_public
from service.api.params import IdPath
from service.auth import WriterDep
from service.deps import ReadSessionDep, SessionDep

router = APIRouter(tags=["evaluation"])


@router.post("/rounds/{round_id}/publish", response_model=RoundPublic)
def publish_round(round_id: IdPath, actor: WriterDep, session: SessionDep) -> RoundPublic:
    """Publish a closed round's results on its public page (evaluators and admins of the unit; idempotent)."""
    return round_public(session, publication.publish_results(session, actor=actor, round_id=round_id))


def _download(content: bytes, *, media_type: str, name: str) -> Response:
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get(
    "/rounds/{round_id}/report.docx",
    response_class=Response,
    responses={**UNPUBLISHED, 200: {"content": {DOCX_TYPE: {}}}},
)
def report_as_docx(round_id: IdPath, session: ReadSessionDep, lang: Literal["id", "en"] = "id") -> Response:
    """Download the SKM report as a Word document (published when the round closes)."""
    content = report_docx(session, round_id=round_id, locale=lang)
    return _download(content, media_type=DOCX_TYPE, name=f"laporan-skm-putaran-{round_id}.docx")


@router.get(
    "/rounds/{round_id}/report.xlsx",
    response_class=Response,
    responses={**UNPUBLISHED, 200: {"content": {XLSX_TYPE: {}}}},
)
def report_as_xlsx(round_id: IdPath, session: ReadSessionDep, lang: Literal["id", "en"] = "id") -> Response:
    """Download the SKM report as a spreadsheet, a sheet per section (published when the round closes)."""
    content = report_xlsx(session, round_id=round_id, locale=lang)
    return _download(content, media_type=XLSX_TYPE, name=f"laporan-skm-putaran-{round_id}.xlsx")
