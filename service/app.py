"""The ASGI application: `service.app:app`, built by `create_app()`."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from sqlmodel import select

from policies.db import read_session
from policies.settings import Settings, get_settings
from service import problems
from service.api import policies as policies_api


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for the given settings (tests pass their own)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="Siklus",
        summary="Siklus kebijakan ASN — policy lifecycle of regional civil-service policies",
        version="0.1.0",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    problems.install(app)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        """Tell that the service is up and its database answers."""
        with read_session(settings.database_url) as session:
            session.exec(select(1)).one()
        return {"status": "ok"}

    api = APIRouter(prefix="/api/v1")
    api.include_router(policies_api.router)
    app.include_router(api)
    return app


def __getattr__(name: str) -> FastAPI:
    # `service.app:app` is built on first access, so importing this module connects nothing.
    if name == "app":
        return create_app()
    raise AttributeError(name)
