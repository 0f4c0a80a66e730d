"""The server-rendered pages: Jinja2 templates in Bahasa Indonesia and English, forms with CSRF."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from policies.core.settings import Settings
from service.secret_key import ensure_secret_key
from service.web import (
    account_admin,
    accounts,
    amendment,
    digest,
    documents,
    drafting,
    evaluation,
    lifecycle,
    outbox,
    resocialization,
    rollout,
    tracking,
    workshops,
)
from service.web.consultation import changes, moderation, offline_inputs, thread, triage, voices
from service.web.consultation import report as consultation_report
from service.web.consultation import windows as consultation_windows
from service.web.render import build_web

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def install(app: FastAPI, settings: Settings) -> None:
    """Mount the static files and the pages on the app."""
    app.state.web = build_web(settings, secret=ensure_secret_key(settings))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    pages = (
        lifecycle,
        documents,  # before drafting: /versions/import is not a version number
        drafting,
        amendment,
        thread,
        rollout,
        resocialization,
        digest,
        accounts,
        account_admin,
        workshops,
        triage,
        changes,
        moderation,
        voices,
        offline_inputs,
        evaluation,
        outbox,
        tracking,
    )
    for module in pages:
        app.include_router(module.router)
    for module in (consultation_windows, consultation_report):
        app.include_router(module.router)
