"""The server-rendered pages: Jinja2 templates in Bahasa Indonesia and English, forms with CSRF."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from policies.core.settings import Settings
from service.secret_key import ensure_secret_key
from service.web import accounts as account
from service.web import evaluation as survey
from service.web import moderation, public, staff, triage
from service.web.render import build_web

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def install(app: FastAPI, settings: Settings) -> None:
    """Mount the static files and the pages on the app."""
    app.state.web = build_web(settings, secret=ensure_secret_key(settings))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (public, account, staff, triage, moderation, survey):
        app.include_router(module.router)
