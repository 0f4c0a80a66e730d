"""RFC 9457 problem details: every error the service returns, mapped in one place."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy.exc
from babel import Locale, UnknownLocaleError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policies.core.errors import (
    Conflict,
    DomainError,
    GatesNotMet,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RateLimited,
    TransitionNotAllowed,
)
from policies.core.sqlite_files import FilesRefused

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("siklus")
TYPE_BASE = "https://siklus.example/problems/"
RETRY_AFTER_SECONDS = 60
DB_RETRY_AFTER_SECONDS = 5

# Domain errors carry no status; this table is the only place that gives them one.
STATUS: list[tuple[type[DomainError], int]] = [
    (NotFound, 404),
    (NotAuthenticated, 401),
    (PermissionDenied, 403),
    (GatesNotMet, 409),
    (TransitionNotAllowed, 409),
    (Conflict, 409),
    (InvalidInput, 422),
    (RateLimited, 429),
]


def problem(
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    instance: str = "",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """Build a problem+json response."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in extra.items() if v is not None})
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers or None)


def status_of(exc: DomainError) -> int:
    """Return the HTTP status of a domain error."""
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 400


def problem_locale(request: Request) -> str:
    """Pick the language of a problem: `Accept-Language` (id or en), else the page cookie, else id."""
    # A problem shown as a page speaks the page's language: the cookie, else the default.
    header = "" if wants_page(request) else request.headers.get("accept-language", "")
    if header:
        wanted = [part.split(";")[0].strip().replace("-", "_") for part in header.split(",")]
        try:
            chosen = Locale.negotiate([w for w in wanted if w and w != "*"], ["id", "en"], sep="_")
        except (UnknownLocaleError, ValueError):
            chosen = None
        if chosen is not None:
            return chosen.language
    cookie = request.cookies.get("siklus_lang", "")
    if cookie in ("id", "en"):
        return cookie
    settings = getattr(request.app.state, "settings", None)
    return getattr(settings, "default_locale", "id")


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    english = problem_locale(request) == "en"
    title, detail = exc.in_language("en" if english else "id")
    extra: dict[str, Any] = dict(exc.extra)
    if isinstance(exc, GatesNotMet):
        extra["from_stage"] = exc.from_stage
        extra["to_stage"] = exc.to_stage
        extra["unmet_gates"] = [
            {"gate": f.gate, "reason": (f.reason_en or f.reason) if english else f.reason} for f in exc.failed
        ]
    if isinstance(exc, InvalidInput):
        # Every 422 names its fields, as the OpenAPI document promises (none when no field is to blame).
        extra["errors"] = [{"field": exc.field, "message": detail}] if exc.field else []
    extra.pop("field", None)
    headers = None
    if isinstance(exc, RateLimited):
        headers = {"Retry-After": str(int(exc.extra.get("retry_after", RETRY_AFTER_SECONDS)))}
    return problem(
        status=status_of(exc),
        code=exc.code,
        title=title,
        detail=detail,
        instance=request.url.path,
        headers=headers,
        **extra,
    )


async def _integrity(request: Request, exc: Exception) -> JSONResponse:
    # A unique key lost a race to a concurrent twin (two clicks, two workers): the state is
    # fine, this request just came second. The session has rolled back; retrying is safe.
    english = problem_locale(request) == "en"
    return problem(
        status=409,
        code="conflict",
        title="Conflicts with the current state" if english else "Konflik dengan keadaan saat ini",
        detail=(
            "The same change was just made by another request: reload and check before trying again."
            if english
            else "Perubahan yang sama baru saja dibuat oleh permintaan lain: muat ulang dan periksa "
            "sebelum mencoba lagi."
        ),
        instance=request.url.path,
    )


async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    # The database could not take this request now: a SQLite writer without a turn in time (its
    # transaction never began, so nothing was saved), or a connection lost on the way (a commit
    # may or may not have landed, so the user is told to look before sending a change again).
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    english = problem_locale(request) == "en"
    orig = getattr(exc, "orig", None)
    # Refused before its transaction began (no turn in time, or the database's files unusable).
    # A pool with no free connection in time (a burst wider than the pool) also began nothing.
    locked = (
        "database is locked" in str(orig)
        or isinstance(orig, FilesRefused)
        or isinstance(exc, sqlalchemy.exc.TimeoutError)
    )
    wait = DB_RETRY_AFTER_SECONDS
    if locked:
        detail = (
            f"Nothing was saved. Send the same request again in {wait} seconds."
            if english
            else f"Tidak ada yang tersimpan. Kirim ulang permintaan yang sama dalam {wait} detik."
        )
    else:
        detail = (
            f"The database could not be reached. In {wait} seconds, reload to see whether a change "
            "was saved before sending it again (with the same Idempotency-Key it is made once)."
            if english
            else f"Basis data tidak dapat dihubungi. Dalam {wait} detik, muat ulang untuk melihat "
            "apakah perubahan tersimpan sebelum mengirimnya lagi (dengan Idempotency-Key yang sama "
            "perubahan hanya dibuat sekali)."
        )
    return problem(
        status=503,
        code="database-busy",
        title="Database busy" if english else "Basis data sedang sibuk",
        detail=detail,
        instance=request.url.path,
        headers={"Retry-After": str(wait)},
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Not an expected condition: log it for the operators, and still answer in the API's format.
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    english = problem_locale(request) == "en"
    return problem(
        status=500,
        code="internal-error",
        title="Internal error" if english else "Galat internal",
        detail=(
            "Siklus could not finish this request. Reload to see whether the change was saved "
            "before trying again; if it keeps happening, tell the administrator the time and address."
            if english
            else "Siklus tidak dapat menyelesaikan permintaan ini. Muat ulang untuk melihat apakah "
            "perubahan tersimpan sebelum mencoba lagi; bila terus terjadi, beri tahu administrator "
            "waktu dan alamatnya."
        ),
        instance=request.url.path,
    )


def check_fields(fields: str) -> tuple[str, str]:
    """Return a request model's refusal naming its fields (Indonesian, English): the API's and the pages'."""
    return f"Periksa isian berikut: {fields}.", f"Check these fields: {fields}."


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    english = problem_locale(request) == "en"
    broken = next((e for e in exc.errors() if e.get("type") == "json_invalid"), None)
    if broken is not None:
        # Its loc holds a character offset, not a field: naming it as one would mislead.
        at = broken.get("loc", ("body", 0))[-1]
        reason = str(broken.get("ctx", {}).get("error", broken.get("msg", "")))
        errors = [{"field": "", "location": "body", "message": reason}]
        detail = (
            f"The request body is not valid JSON (character {at}: {reason})."
            if english
            else f"Isi permintaan bukan JSON yang sah (karakter ke-{at}: {reason})."
        )
    else:
        errors = [
            {
                # loc starts with where the field is (body, query, ...); a field may itself be "body".
                "field": ".".join(str(p) for p in err.get("loc", ())[1:]),
                "location": str(err.get("loc", ("",))[0]),
                "message": err.get("msg", ""),
            }
            for err in exc.errors()
        ]
        detail_id, detail_en = check_fields(", ".join(e["field"] or e["location"] for e in errors))
        detail = detail_en if english else detail_id
    return problem(
        status=422,
        code="validation-error",
        title="Invalid request data" if english else "Data permintaan tidak valid",
        detail=detail,
        instance=request.url.path,
        errors=errors,
    )


HTTP_TITLES = {
    400: ("Isi permintaan tidak dapat dibaca", "Unreadable request body"),
    404: ("Tidak ditemukan", "Not found"),
    405: ("Metode tidak diizinkan", "Method not allowed"),
    413: ("Permintaan terlalu besar", "Request too large"),
}

UNPARSABLE_BODY = "There was an error parsing the body"


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    english = problem_locale(request) == "en"
    if isinstance(exc.detail, dict):  # {"id": ..., "en": ...}, as the body-size limit raises it
        detail = str(exc.detail.get("en" if english else "id", ""))
    elif exc.status_code == 404 and exc.detail == "Not Found":
        detail = (
            f"There is nothing at {request.url.path}." if english else f"Alamat {request.url.path} tidak ada."
        )
    elif exc.status_code == 400 and exc.detail == UNPARSABLE_BODY:
        # FastAPI's words for a body it could not even decode (not UTF-8, a broken multipart form).
        detail = (
            "The request body could not be read: send JSON encoded as UTF-8 with "
            "Content-Type: application/json (an upload as multipart/form-data)."
            if english
            else "Isi permintaan tidak dapat dibaca: kirim JSON berenkode UTF-8 dengan "
            "Content-Type: application/json (unggahan sebagai multipart/form-data)."
        )
    elif exc.status_code == 405:
        detail = (
            f"{request.method} is not allowed on {request.url.path}."
            if english
            else f"Metode {request.method} tidak diizinkan pada {request.url.path}."
        )
    elif isinstance(exc.detail, str) and exc.detail:
        detail = exc.detail
    else:
        detail = "The request could not be processed." if english else "Permintaan tidak dapat diproses."
    title_id, title_en = HTTP_TITLES.get(exc.status_code, ("Permintaan gagal", "Request failed"))
    return problem(
        status=exc.status_code,
        code=f"http-{exc.status_code}",
        title=title_en if english else title_id,
        detail=detail,
        instance=request.url.path,
        headers=dict(exc.headers) if exc.headers else None,
    )


Handler = Callable[[Request, Exception], Awaitable[Response]]
PageRenderer = Callable[..., Response]
# What a problem's page keeps of its response: the rest (content type, length) is the page's own.
_KEPT_HEADERS = ("retry-after", "www-authenticate", "allow")


def wants_page(request: Request) -> bool:
    """Tell whether a browser asks for a page (answered with a readable page, not problem+json)."""
    # A browser navigating to a page asks for text/html; the API, curl and scripts get problem+json.
    path = request.url.path
    if path.startswith("/api/") or path in ("/healthz", "/readyz"):
        return False
    return "text/html" in request.headers.get("accept", "")


def _for_browsers(handler: Handler, *, page: PageRenderer) -> Handler:
    """Answer a browser's page request with a readable page carrying the problem's title and detail."""

    async def handle(request: Request, exc: Exception) -> Response:
        response = await handler(request, exc)
        if not wants_page(request):
            return response
        body = json.loads(bytes(response.body))
        shown = page(request, status=response.status_code, title=body["title"], detail=body["detail"])
        for name in _KEPT_HEADERS:
            if name in response.headers:
                shown.headers[name] = response.headers[name]
        return shown

    return handle


def install(app: FastAPI, *, page: PageRenderer) -> None:
    """Register the handlers that turn every error into problem+json (a page for a browser's page)."""
    handlers: list[tuple[type[Exception], Handler]] = [
        (DomainError, _domain),
        (sqlalchemy.exc.IntegrityError, _integrity),
        (sqlalchemy.exc.OperationalError, _unavailable),
        (sqlalchemy.exc.TimeoutError, _unavailable),
        (Exception, _unexpected),
        (RequestValidationError, _validation),
        (StarletteHTTPException, _http),
    ]
    for exc_class, handler in handlers:
        app.add_exception_handler(exc_class, _for_browsers(handler, page=page))


class AnswerUnexpected:
    """Pure ASGI middleware: an exception no handler took is answered as the 500 problem, and sent.

    Starlette's own last-resort handler sends the 500 and then raises again, and uvicorn answers
    an exception after a response by closing the connection: a keep-alive client's next request
    then fails on a dead socket. Here the exception ends with the answer; only a half-sent
    response (which cannot be mended) still goes on to the server, which must close the connection.
    """

    def __init__(self, app: ASGIApp, *, page: PageRenderer) -> None:
        self.app = app
        self.handler = _for_browsers(_unexpected, page=page)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = {"started": False, "complete": False}

        async def watched(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent["started"] = True
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                sent["complete"] = True
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            if sent["complete"]:
                # The answer went out whole (the failure came after it, e.g. a background task).
                log.exception("error after the response on %s %s", scope.get("method"), scope.get("path"))
                return
            if sent["started"]:
                raise
            response = await self.handler(Request(scope, receive), exc)
            await response(scope, receive, send)
