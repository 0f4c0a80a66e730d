"""The OpenAPI document, with the RFC 9457 problems each operation can answer.

FastAPI documents only successes and its own `HTTPValidationError`. Siklus answers every error as
`application/problem+json`, so the document is completed once, from the routes themselves: which
ones need an account (401, 403), take path parameters (404), write (409), take parameters or a
body (422, with `errors`), take a body (400 when it cannot be decoded, 413), and any status a
route declares itself (429). A `.md` operation answers `text/markdown`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from html import escape
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_flat_params
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from service.problems import PROBLEM_JSON

MARKDOWN = "text/markdown"
DOCS_URL = "/api/v1/docs"
DOCS_ASSETS = DOCS_URL + "/assets"

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REF = "#/components/schemas/"
DESCRIPTIONS = {
    400: "Isi permintaan tidak dapat dibaca (bukan JSON berenkode UTF-8, atau formulir unggahan rusak).",
    401: "Perlu masuk: token tidak dikirim, tidak dikenal, kedaluwarsa atau dicabut.",
    403: "Peran atau unit akun ini tidak boleh melakukan tindakan ini.",
    404: "Kebijakan atau sumber daya yang disebut tidak ada.",
    409: "Bertentangan dengan keadaan saat ini (tahap, jendela, perubahan bersamaan).",
    413: "Isi permintaan melebihi batas ukuran.",
    422: "Isian tidak valid; `errors` menyebut setiap isian yang salah.",
    429: "Terlalu banyak permintaan; header Retry-After menyebut berapa detik menunggu.",
}
SCHEMAS: dict[str, dict[str, Any]] = {
    "FieldProblem": {
        "title": "FieldProblem",
        "type": "object",
        "required": ["field", "message"],
        "properties": {
            "field": {"type": "string", "description": "Isian yang salah (mis. body atau clause_key)."},
            "message": {"type": "string"},
            "location": {"type": "string", "description": "body, query, path atau header."},
        },
    },
    "UnmetGate": {
        "title": "UnmetGate",
        "type": "object",
        "required": ["gate", "reason"],
        "properties": {"gate": {"type": "string"}, "reason": {"type": "string"}},
    },
    "Problem": {
        "title": "Problem",
        "description": "RFC 9457 problem details, in the language Accept-Language asks for (id or en).",
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "errors": {"type": "array", "items": {"$ref": REF + "FieldProblem"}},
            "unmet_gates": {"type": "array", "items": {"$ref": REF + "UnmetGate"}},
        },
        "additionalProperties": True,
    },
    "ValidationProblem": {
        "title": "ValidationProblem",
        "description": "A 422 problem: `errors` lists each offending field.",
        "allOf": [{"$ref": REF + "Problem"}, {"type": "object", "required": ["errors"]}],
    },
}


def _needs_account(dependant: Dependant, account_dependencies: Collection[Callable[..., Any]]) -> bool:
    return any(
        sub.call in account_dependencies or _needs_account(sub, account_dependencies)
        for sub in dependant.dependencies
    )


def error_statuses(route: Any, *, account_dependencies: Collection[Callable[..., Any]]) -> set[int]:
    """Return the error statuses an operation can answer, from what its route requires."""
    statuses = {int(code) for code in route.responses if str(code).isdigit() and int(code) >= 400}
    dependant = route.dependant
    if _needs_account(dependant, account_dependencies):
        statuses |= {401, 403}
    if dependant.path_params:
        statuses.add(404)
    if route.methods & WRITES:
        statuses.add(409)
    if route.body_field is not None:
        statuses |= {400, 413, 422}
    if get_flat_params(dependant):
        statuses.add(422)
    return statuses


def _problem_response(status: int, existing: dict[str, Any]) -> dict[str, Any]:
    schema = "ValidationProblem" if status == 422 else "Problem"
    return {
        "description": existing.get("description") or DESCRIPTIONS.get(status, "Problem"),
        "content": {PROBLEM_JSON: {"schema": {"$ref": REF + schema}}},
    }


def document_problems(
    document: dict[str, Any], *, routes: list[Any], account_dependencies: Collection[Callable[..., Any]]
) -> None:
    """Write the problem responses of every API operation into an OpenAPI document."""
    for route in iter_route_contexts(routes):
        # Pages answer errors as HTML; only the JSON API speaks problem+json.
        api = isinstance(route.original_route, APIRoute) and (route.path_format or "").startswith("/api/")
        if not api:
            continue
        path = document.get("paths", {}).get(route.path_format)
        if path is None:
            continue
        statuses = error_statuses(route, account_dependencies=account_dependencies)
        for method in route.methods or ():
            operation = path.get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            if route.path_format.endswith(".md") and "200" in responses:
                # A Markdown document, whatever response class wrote it.
                responses["200"]["content"] = {MARKDOWN: {"schema": {"type": "string"}}}
            # A body the route reads itself (an upload) can be unreadable too.
            has_body = {400} if "requestBody" in operation else set()
            for status in sorted(statuses | has_body):
                key = str(status)
                responses[key] = _problem_response(status, responses.get(key, {}))
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    # Nothing refers to FastAPI's own validation error shapes any more: Siklus never sends them.
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas.update(SCHEMAS)


def install(app: FastAPI, *, account_dependencies: Collection[Callable[..., Any]]) -> None:
    """Make the app's OpenAPI document describe its problem responses."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if not getattr(app.state, "problems_documented", False):
            document_problems(build(), routes=app.routes, account_dependencies=account_dependencies)
            app.state.problems_documented = True
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def docs_page(*, openapi_url: str, title: str) -> str:
    """Return the API docs page: Swagger UI's pinned files, started by our own script, nothing inline."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} — API</title>
<link rel="stylesheet" href="{DOCS_ASSETS}/swagger-ui.css">
<link rel="icon" type="image/png" href="{DOCS_ASSETS}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{escape(openapi_url)}"></div>
<script src="{DOCS_ASSETS}/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body>
</html>
"""


def install_docs(app: FastAPI) -> None:
    """Serve the API docs from Swagger UI's pinned package (swagger-ui-bundle-v2), never from a CDN."""
    assert app.openapi_url is not None
    page = docs_page(openapi_url=app.openapi_url, title=app.title)
    app.mount(DOCS_ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get(DOCS_URL, include_in_schema=False)
    def docs() -> HTMLResponse:
        """Show the interactive API documentation."""
        return HTMLResponse(page)
