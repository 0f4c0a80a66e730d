"""RFC 9457 problem details: every error the service returns, mapped in one place."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy.exc
from babel import Locale, UnknownLocaleError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from policies.errors import (
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

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("siklus")
TYPE_BASE = "https://siklus.example/problems/"

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
    *, status: int, code: str, title: str, detail: str, instance: str = "", **extra: Any
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
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def status_of(exc: DomainError) -> int:
    """Return the HTTP status of a domain error."""
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 400


def problem_locale(request: Request) -> str:
    """Pick the language of a problem: `Accept-Language` (id or en), else the page cookie, else id."""
    header = request.headers.get("accept-language", "")
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
            {"gate": f.gate, "reason": (f.reason_en or f.reason) if english else f.reason}
            for f in exc.failed
        ]
    if isinstance(exc, InvalidInput) and exc.field:
        extra["errors"] = [{"field": exc.field, "message": detail}]
    extra.pop("field", None)
    return problem(
        status=status_of(exc),
        code=exc.code,
        title=title,
        detail=detail,
        instance=request.url.path,
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


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            # loc starts with where the field is (body, query, ...); a field may itself be "body".
            "field": ".".join(str(p) for p in err.get("loc", ())[1:]),
            "location": str(err.get("loc", ("",))[0]),
            "message": err.get("msg", ""),
        }
        for err in exc.errors()
    ]
    fields = ", ".join(e["field"] or e["location"] for e in errors)
    return problem(
        status=422,
        code="validation-error",
        title="Data permintaan tidak valid",
        detail=f"Periksa isian berikut: {fields}.",
        instance=request.url.path,
        errors=errors,
    )


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    titles = {
        404: "Tidak ditemukan",
        405: "Metode tidak diizinkan",
        413: "Permintaan terlalu besar",
    }
    detail = exc.detail if isinstance(exc.detail, str) else "Permintaan tidak dapat diproses."
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"Alamat {request.url.path} tidak ada."
    return problem(
        status=exc.status_code,
        code=f"http-{exc.status_code}",
        title=titles.get(exc.status_code, "Permintaan gagal"),
        detail=detail,
        instance=request.url.path,
    )


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json."""
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(sqlalchemy.exc.IntegrityError, _integrity)
    app.add_exception_handler(Exception, _unexpected)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
