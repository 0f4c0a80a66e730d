"""Irreversible actions ask first: the form comes back as a confirmation page, sent again with confirm=1."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from service.web.render import render

CONFIRM_FIELD = "confirm"


def confirmed(form: FormData) -> bool:
    """Tell whether the person already confirmed the action on its confirmation page."""
    return str(form.get(CONFIRM_FIELD, "")) == "1"


def ask_first(
    request: Request,
    session: Session,
    *,
    title: str,
    consequence: str,
    action: str,
    fields: Mapping[str, str],
    button: str,
    back: str,
    details: list[str] | None = None,
) -> Response:
    """Undo the action just tried and ask to confirm it: the domain's own rules already refused or passed it.

    The action ran in this transaction so that a refusal shows now, not after the confirmation; it is
    rolled back here and sent again, for good, by the confirmation page's form.
    """
    session.rollback()
    return render(
        request,
        "web/confirm.html",
        {
            "title": title,
            "consequence": consequence,
            "details": details or [],
            "action": action,
            "fields": {k: v for k, v in fields.items() if k not in ("csrf_token", CONFIRM_FIELD)},
            "button": button,
            "back": back,
        },
    )
