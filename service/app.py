"""The ASGI application: `service.app:app`, built by `create_app()`."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from policies.core.settings import Settings, get_settings
from service import access_log, dispatch, health, openapi, problems, web
from service.admission import Admission
from service.api import accounts as auth_api
from service.api import amendment as amendment_api
from service.api import digest as digest_api
from service.api import documents as documents_api
from service.api import drafting as drafts_api
from service.api import lifecycle as policies_api
from service.api import resocialization as resocialization_api
from service.api import rollout as rollout_api
from service.api import tracking as tracking_api
from service.api import workshops as workshops_api
from service.api.consultation import anchors as anchors_api
from service.api.consultation import changes as changes_api
from service.api.consultation import comments as comments_api
from service.api.consultation import exports as comment_exports_api
from service.api.consultation import voices as voices_api
from service.api.consultation import windows as consultation_api
from service.api.evaluation import followup as followup_api
from service.api.evaluation import indicators as indicators_api
from service.api.evaluation import reports as evaluation_reports_api
from service.api.evaluation import surveys as evaluation_api
from service.api.outbox import inbox as inbox_api
from service.api.outbox import operator as outbox_api
from service.auth import ACCOUNT_REQUIRED
from service.headers import SecurityHeaders
from service.limits import BodySizeLimit
from service.web.render import error_page

_FROZEN = False
API_MODULES = (
    comments_api,
    comment_exports_api,
    policies_api,
    auth_api,
    drafts_api,
    amendment_api,
    workshops_api,
    consultation_api,
    changes_api,
    rollout_api,
    resocialization_api,
    digest_api,
    evaluation_api,
    evaluation_reports_api,
    indicators_api,
    followup_api,
    inbox_api,
    outbox_api,
    anchors_api,
    documents_api,
    voices_api,
    tracking_api,
)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Everything imported and built at start-up lives as long as the process: freezing it keeps
    # the collector from rescanning those ~250,000 objects, a pause of several hundred ms that
    # otherwise lands on whichever request triggers a full collection. Once per process: a
    # second app in the same process (tests) gains nothing from another full collection.
    global _FROZEN
    if not _FROZEN:
        gc.collect()
        gc.freeze()
        _FROZEN = True
    yield
    await asyncio.to_thread(dispatch.drain)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for the given settings (tests pass their own)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="Siklus",
        summary="Siklus kebijakan ASN — policy lifecycle of regional civil-service policies",
        version="0.1.0",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served by openapi.install_docs from pinned local files, no inline script
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    # uvicorn has configured its loggers by now (the factory runs after); the survey token stays out.
    access_log.install()
    problems.install(app, page=error_page)
    # Outermost last: the headers go on every answer, the unexpected error's 500 included.
    # Innermost: a request waiting for admission holds nothing (service/admission.py).
    app.add_middleware(Admission, database_url=settings.database_url)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(problems.AnswerUnexpected, page=error_page)
    app.add_middleware(SecurityHeaders, https=settings.base_url.startswith("https://"))

    app.include_router(health.router)  # /healthz (alive) and /readyz (takes writes)
    # One level of included routers, the comment register first: FastAPI matches a path through
    # each included router in turn, and the comment page and POST are the busiest by far (the
    # nested /api/v1 router put ~0.25 ms of matching before every comment request).
    for module in API_MODULES:
        app.include_router(module.router, prefix="/api/v1")
    openapi.install(app, account_dependencies=ACCOUNT_REQUIRED)
    openapi.install_docs(app)
    web.install(app, settings)
    return app


def __getattr__(name: str) -> FastAPI:
    # `service.app:app` is built on first access, so importing this module connects nothing.
    if name == "app":
        return create_app()
    raise AttributeError(name)
