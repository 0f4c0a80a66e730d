"""Evaluation: survey templates, rounds, populations and tokens, token-authenticated responses,
results and the report."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Security
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.security import APIKeyHeader
from sqlmodel import Session
from starlette.datastructures import UploadFile as StarletteUpload

from policies.core.db import utcnow
from policies.core.errors import InvalidInput, NotAuthenticated
from policies.core.listing import MAX_PAGE, cursor_id, id_cursor
from policies.core.secret_key import ensure_secret_key
from policies.evaluation import exports, population, receipts, responses, rounds, views
from policies.evaluation.common import get_round
from policies.evaluation.models import SurveyRound
from policies.evaluation.population import PopulationImport
from policies.evaluation.report import render_report
from policies.evaluation.results import ResultsPublic
from policies.evaluation.sample import adequacy_of
from service.api.evaluation.schemas import (
    AccountsIn,
    LinkIssuePublic,
    PopulationPublic,
    QuestionnairePublic,
    QuestionPublic,
    ReceiptCheckPublic,
    ReceiptIn,
    ReissueIn,
    RespondentPage,
    RespondentPublic,
    ResponseIn,
    ResponseReceipt,
    RoundIn,
    RoundPage,
    RoundPublic,
)
from service.api.params import IdPath
from service.api.schemas import read_model
from service.auth import ActorDep, WriterDep
from service.deps import ReadSessionDep, SessionDep, SettingsDep

router = APIRouter(tags=["evaluation"])
TOKEN_HEADER = "X-Survey-Token"
# The token travels in a header (or the body of a submission), never in a URL that gets logged.
SURVEY_TOKEN = APIKeyHeader(
    name=TOKEN_HEADER,
    scheme_name="SurveyToken",
    description="The respondent's one-time survey token, from the personal link of their invitation "
    "(the part after `token=`). No account is needed.",
    auto_error=False,
)
SurveyTokenDep = Annotated[str | None, Security(SURVEY_TOKEN)]
NO_TOKEN: dict[int | str, dict[str, Any]] = {
    401: {
        "description": f"Token survei tidak dikirim atau tidak dikenal (header {TOKEN_HEADER}); tautan "
        "yang diterbitkan ulang membuat token lama tidak berlaku."
    }
}
UNPUBLISHED: dict[int | str, dict[str, Any]] = {
    409: {
        "description": "Putaran masih berjalan: hasil dan laporan diterbitkan ketika putaran ditutup; "
        "sampai saat itu hanya jumlah diundang dan sudah menjawab yang ditampilkan (GET /rounds/{id})."
    }
}

BELOW_SAMPLE: dict[int | str, dict[str, Any]] = {
    409: {
        "description": "Jumlah jawaban di bawah sampel minimum Krejcie–Morgan dan aturan jenis kebijakan "
        "menolak penutupan (`evaluation_refuse_below_sample: true`); problem berisi `population`, "
        "`responses`, `minimum_sample`, `shortfall`. Dengan aturan `warn` putaran ditutup dan "
        "`sample_warning` menyebut kekurangannya."
    }
}


def round_public(session: Session, survey: SurveyRound) -> RoundPublic:
    """Render a round with its counts."""
    counts = views.round_counts(session, round_id=survey.id)  # type: ignore[arg-type]
    policy = rounds.policy_of(session, survey=survey)
    sample = adequacy_of(session, survey=survey, policy=policy)
    return read_model(
        RoundPublic,
        survey,
        policy_slug=policy.slug,
        population=counts.population,
        invited=counts.invited,
        responses=counts.responses,
        target_sample=counts.target_sample,
        shortfall=sample.shortfall,
        sample_adequate=sample.adequate,
        sample_rule=sample.rule,
        sample_warning=sample.warning(),
        sample_warning_en=sample.warning(locale="en"),
        margin_of_error=str(sample.margin_of_error) if sample.margin_of_error is not None else None,
    )


def population_public(session: Session, result: PopulationImport, round_id: int) -> PopulationPublic:
    """Render an upload's outcome: counts and NIPs, never a token (invitations carry them)."""
    counts = views.round_counts(session, round_id=round_id)
    return PopulationPublic(
        added=len(result.issued),
        skipped_existing=result.skipped_existing,
        unreachable=result.unreachable,
        population=counts.population,
        invited=counts.invited,
        target_sample=counts.target_sample,
    )


def _after(after: str | None) -> int:
    return cursor_id(after, field="after") if after else 0


After = Annotated[str | None, Query(max_length=400, description="Kursor 'next' halaman sebelumnya.")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]


@router.get("/policies/{slug}/survey-template", response_model=list[QuestionPublic])
def read_template(slug: str, session: ReadSessionDep) -> list[QuestionPublic]:
    """Read the questions a new round would ask: nine unsur, the kind's own, the profile."""
    return [QuestionPublic.model_validate(q) for q in views.survey_template(session, slug=slug)]


@router.post("/policies/{slug}/rounds", status_code=201, response_model=RoundPublic)
def open_round(slug: str, payload: RoundIn, actor: WriterDep, session: SessionDep) -> RoundPublic:
    """Open the cycle's survey round (an already open one is returned as is)."""
    now = utcnow()
    survey = rounds.open_round(
        session,
        actor=actor,
        slug=slug,
        opens_at=payload.opens_at or now,
        closes_at=payload.closes_at,
        now=now,
        reminder_max=payload.reminder_max,
        reminder_interval_days=payload.reminder_interval_days,
    )
    return round_public(session, survey)


@router.get("/policies/{slug}/rounds", response_model=RoundPage)
def list_rounds(slug: str, session: ReadSessionDep, after: After = None, limit: Limit = 50) -> RoundPage:
    """List a policy's survey rounds, oldest first, page by page."""
    items = views.rounds_page(session, slug=slug, after_id=_after(after), limit=limit)
    nxt = id_cursor(items[-1].id) if len(items) == limit else None
    return RoundPage(items=[round_public(session, r) for r in items], next=nxt)


@router.get("/rounds/{round_id}", response_model=RoundPublic)
def read_round(round_id: IdPath, session: ReadSessionDep) -> RoundPublic:
    """Read a round with its population, responses and target sample."""
    return round_public(session, get_round(session, round_id=round_id))


@router.post("/rounds/{round_id}/close", response_model=RoundPublic, responses=BELOW_SAMPLE)
def close_round(round_id: IdPath, actor: WriterDep, session: SessionDep) -> RoundPublic:
    """Close a round now: results, measurements, the report and any revision recommendation."""
    return round_public(session, rounds.close_round(session, actor=actor, round_id=round_id))


async def csv_upload(request: Request) -> str:
    """Read an uploaded CSV: a multipart `file`, or the request body itself (text/csv)."""
    # The body-size middleware already caps what can arrive here (SIKLUS_MAX_BODY_BYTES). The body
    # is read once, one way or the other: a declared form field would have consumed the stream.
    if request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        try:
            form = await request.form()
        except Exception as exc:  # Starlette raises several types for a malformed multipart body
            raise InvalidInput(
                "Formulir unggahan tidak dapat dibaca; kirim berkas CSV di isian 'file'.",
                en="The upload form cannot be read; send the CSV file in the field 'file'.",
                field="file",
            ) from exc
        upload = form.get("file")
        if not isinstance(upload, StarletteUpload):
            raise InvalidInput(
                "Kirim berkas CSV di isian 'file'.", en="Send the CSV file in the field 'file'.", field="file"
            )
        raw = await upload.read()
    else:
        raw = await request.body()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            "Berkas CSV harus berenkode UTF-8.", en="The CSV file must be encoded as UTF-8.", field="file"
        ) from exc


CsvDep = Annotated[str, Depends(csv_upload)]
# The body csv_upload reads, for the OpenAPI document: a CSV as the body, or a multipart `file`.
CSV_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
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


@router.post(
    "/rounds/{round_id}/population", status_code=201, response_model=PopulationPublic, openapi_extra=CSV_BODY
)
def upload_population(
    round_id: IdPath, csv_text: CsvDep, actor: WriterDep, session: SessionDep, settings: SettingsDep
) -> PopulationPublic:
    """Upload ASN (nip, nama, unit, email) as CSV; each gets a personal link by email and inbox only."""
    result = population.import_population_csv(
        session, actor=actor, round_id=round_id, csv_text=csv_text, secret=ensure_secret_key(settings)
    )
    return population_public(session, result, round_id)


@router.post("/rounds/{round_id}/population/accounts", status_code=201, response_model=PopulationPublic)
def add_accounts(
    round_id: IdPath, payload: AccountsIn, actor: WriterDep, session: SessionDep, settings: SettingsDep
) -> PopulationPublic:
    """Add active accounts (optionally of one unit) as respondents; each is invited personally."""
    result = population.add_accounts(
        session, actor=actor, round_id=round_id, unit=payload.unit, secret=ensure_secret_key(settings)
    )
    return population_public(session, result, round_id)


@router.get("/rounds/{round_id}/respondents", response_model=RespondentPage)
def list_respondents(
    round_id: IdPath, actor: ActorDep, session: ReadSessionDep, after: After = None, limit: Limit = 50
) -> RespondentPage:
    """List a round's population (admins, the unit's evaluators and drafters); never who answered."""
    rows = population.list_respondents(
        session, actor=actor, round_id=round_id, after_id=_after(after), limit=limit
    )
    nxt = id_cursor(rows[-1].id) if len(rows) == limit else None
    return RespondentPage(items=[read_model(RespondentPublic, r) for r in rows], next=nxt)


@router.post("/respondents/{respondent_id}/token", status_code=201, response_model=LinkIssuePublic)
def reissue_token(
    respondent_id: IdPath, payload: ReissueIn, actor: WriterDep, session: SessionDep, settings: SettingsDep
) -> LinkIssuePublic:
    """Reissue a respondent's lost link, with a reason: the old one stops working, and the new one goes
    to the respondent only (email and in-app inbox), with who reissued it, when and why."""
    issue = population.reissue_token(
        session,
        actor=actor,
        respondent_id=respondent_id,
        secret=ensure_secret_key(settings),
        reason=payload.reason,
    )
    return read_model(LinkIssuePublic, issue)


@router.get("/respondents/{respondent_id}/link-issues", response_model=list[LinkIssuePublic])
def read_link_issues(
    respondent_id: IdPath, actor: ActorDep, session: ReadSessionDep
) -> list[LinkIssuePublic]:
    """Read the record of a respondent's link issues and reissues: who, when and why."""
    rows = population.link_issues(session, actor=actor, respondent_id=respondent_id)
    return [read_model(LinkIssuePublic, r) for r in rows]


def _token(header: str | None, body: str | None = None) -> str:
    token = (header or body or "").strip()
    if not token:
        raise NotAuthenticated(
            f"Kirim token survei di header {TOKEN_HEADER} atau di isian 'token'.",
            en=f"Send the survey token in the {TOKEN_HEADER} header or in the field 'token'.",
        )
    return token


@router.get("/survey", response_model=QuestionnairePublic, responses=NO_TOKEN)
def read_questionnaire(session: ReadSessionDep, x_survey_token: SurveyTokenDep = None) -> QuestionnairePublic:
    """Read the questionnaire a survey token (header X-Survey-Token) opens; no account needed."""
    form = views.questionnaire(session, token=_token(x_survey_token))
    return QuestionnairePublic(
        round_id=form.survey.id,  # type: ignore[arg-type]
        policy_title=rounds.policy_of(session, survey=form.survey).title,
        closes_at=form.survey.closes_at,
        answered=form.answered,
        questions=[QuestionPublic.model_validate(q) for q in form.questions],
    )


@router.post("/survey/responses", status_code=201, response_model=ResponseReceipt, responses=NO_TOKEN)
def submit(
    payload: ResponseIn, session: SessionDep, x_survey_token: SurveyTokenDep = None
) -> ResponseReceipt:
    """Submit an answer sheet with a one-time token (header X-Survey-Token, or `token` in the body);
    a token answers once (409 after)."""
    done = responses.submit_response(
        session, token=_token(x_survey_token, payload.token), answers=payload.answers
    )
    return ResponseReceipt(round_id=done.response.round_id, receipt=done.receipt)


@router.post("/survey/receipts/check", response_model=ReceiptCheckPublic)
def check_receipt(payload: ReceiptIn, session: ReadSessionDep) -> ReceiptCheckPublic:
    """Confirm that an answer with this receipt was counted (404 when none was), never which one it is;
    the code travels in the body, so it never reaches an access log."""
    found = receipts.check_receipt(session, code=payload.receipt)
    return ReceiptCheckPublic(
        counted=True,
        round_id=found.round_id,
        round_number=found.round_number,
        policy_slug=found.policy_slug,
        policy_title=found.policy_title,
        round_closed=found.closed,
    )


@router.get("/rounds/{round_id}/results", response_model=ResultsPublic, responses=UNPUBLISHED)
def read_results(round_id: IdPath, session: ReadSessionDep) -> ResultsPublic:
    """Read a closed round's results: IKM, each unsur, by unit, questions, responses against the target
    sample (public once closed; nobody's while the round runs)."""
    return views.results_of(session, round_id=round_id)


CSV = "text/csv; charset=utf-8"


@router.get("/rounds/{round_id}/breakdowns.csv", response_class=PlainTextResponse, responses=UNPUBLISHED)
def breakdowns_csv(round_id: IdPath, session: ReadSessionDep) -> PlainTextResponse:
    """Read a closed round's IKM by unit, golongan and years of service as CSV; every group below the
    kind's minimum (default 5) is written "< 5" with no figures."""
    return PlainTextResponse(exports.breakdowns_csv(session, round_id=round_id), media_type=CSV)


@router.get("/rounds/{round_id}/responses.csv", response_class=PlainTextResponse, responses=UNPUBLISHED)
def responses_csv(round_id: IdPath, actor: ActorDep, session: ReadSessionDep) -> PlainTextResponse:
    """Read a closed round's answer sheets as CSV (evaluation staff only): in no order of arrival, with
    no dates, and with rare profiles coarsened so every (unit, golongan, years) is shared by at least
    the kind's minimum of sheets."""
    text = exports.responses_csv(session, actor=actor, round_id=round_id)
    return PlainTextResponse(text, media_type=CSV)


@router.get("/rounds/{round_id}/report.html", response_class=HTMLResponse, responses=UNPUBLISHED)
def report_html(round_id: IdPath, session: ReadSessionDep, lang: Literal["id", "en"] = "id") -> HTMLResponse:
    """Read the evaluation report as HTML (published when the round closes)."""
    return HTMLResponse(render_report(session, round_id=round_id, fmt="html", locale=lang))


@router.get("/rounds/{round_id}/report.md", response_class=PlainTextResponse, responses=UNPUBLISHED)
def report_md(
    round_id: IdPath, session: ReadSessionDep, lang: Literal["id", "en"] = "id"
) -> PlainTextResponse:
    """Read the evaluation report as Markdown (published when the round closes)."""
    text = render_report(session, round_id=round_id, fmt="md", locale=lang)
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")
