"""Signing up, in and out on the pages, and the language switch."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import Response

from policies.accounts import actions as accounts
from policies.accounts.models import StakeholderGroup
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput, NotAuthenticated
from policies.core.i18n import LOCALES
from policies.core.settings import Settings
from service.api.accounts import LoginIn, RegisterIn
from service.deps import SessionDep, SettingsDep
from service.web.forms import PageForm, text
from service.web.i18n import LANG_COOKIE
from service.web.render import (
    SESSION_COOKIE,
    FormDep,
    PageActorDep,
    PageRoute,
    message_of,
    redirect,
    render,
    safe_next,
    set_session,
    web_of,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
ONE_YEAR = 365 * 24 * 3600
# Input no account can have (empty, too long, a NUL) reads like a wrong password, as the domain says it.
LOGIN_FORM = PageForm(
    LoginIn,
    refusals={
        "email": (accounts.BAD_CREDENTIALS, accounts.BAD_CREDENTIALS_EN),
        "password": (accounts.BAD_CREDENTIALS, accounts.BAD_CREDENTIALS_EN),
    },
)
REGISTER_FORM = PageForm(
    RegisterIn,
    refusals={"group": ("Pilih kelompok pemangku kepentingan.", "Choose whom you speak for.")},
    texts=(
        text("email", "Email", "The email", single_line=True),
        text("name", "Nama", "The name", single_line=True),
        text("password", "Kata sandi", "The password"),
        text("unit", "Unit kerja", "The work unit"),
    ),
)


def _sign_in(
    request: Request, session: Session, settings: Settings, *, credentials: LoginIn | RegisterIn, target: str
) -> Response:
    """Issue a token for the credentials, keep it in an HttpOnly cookie and go on to `target`."""
    sent = credentials.model_dump(include={"email", "password"})
    issued = accounts.login(session, **sent, now=utcnow(), ttl_hours=settings.token_ttl_hours)
    response = redirect(request, target)
    set_session(request, response, token=issued.token, max_age=settings.token_ttl_hours * 3600)
    return response


@router.get("/login", name="login")
def login_form(request: Request, actor: PageActorDep, next: str = "/") -> Response:
    """Show the login form."""
    return render(request, "web/login.html", {"next": safe_next(next)})


@router.post("/login")
def login(request: Request, form: FormDep, session: SessionDep, settings: SettingsDep) -> Response:
    """Check the credentials and keep the issued token in an HttpOnly cookie."""
    target = safe_next(str(form.get("next", "/")))
    try:
        return _sign_in(request, session, settings, credentials=LOGIN_FORM.parse(form), target=target)
    except (NotAuthenticated, InvalidInput) as exc:
        session.rollback()
        email = str(form.get("email", ""))
        context = {"next": target, "values": {"email": email}, "errors": {"form": message_of(request, exc)}}
        return render(request, "web/login.html", context, status_code=401)


@router.post("/logout", name="logout")
def logout(request: Request, form: FormDep, session: SessionDep) -> Response:
    """Revoke the token of this browser and forget it."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        try:
            accounts.logout(session, token=token, now=utcnow())
        except NotAuthenticated:
            session.rollback()  # already expired or revoked: forgetting the cookie is enough
    response = redirect(request, "/")
    set_session(request, response, token=None)
    return response


@router.get("/register", name="register")
def register_form(request: Request, actor: PageActorDep) -> Response:
    """Show the sign-up form for stakeholders."""
    return render(
        request, "web/register.html", {"groups": list(StakeholderGroup), "values": {"group": "public"}}
    )


@router.post("/register")
def register(request: Request, form: FormDep, session: SessionDep, settings: SettingsDep) -> Response:
    """Create a stakeholder account with the same rules as the API, then sign it in."""
    values = {k: str(form.get(k, "")) for k in ("email", "name", "group", "nip", "unit")}
    try:
        payload = REGISTER_FORM.parse(form)
        accounts.register_stakeholder(session, **payload.model_dump())
        return _sign_in(request, session, settings, credentials=payload, target="/")
    except (InvalidInput, Conflict) as exc:
        session.rollback()
        field = exc.field if isinstance(exc, InvalidInput) else str(exc.extra.get("field") or "email")
        context = {
            "groups": list(StakeholderGroup),
            "values": values,
            "errors": {field or "form": message_of(request, exc)},
        }
        return render(request, "web/register.html", context, status_code=422)


@router.post("/lang", name="lang")
def switch_language(request: Request, form: FormDep) -> Response:
    """Remember the chosen language in a cookie and go back to the page."""
    chosen = str(form.get("lang", ""))
    response = redirect(request, safe_next(str(form.get("next", "/"))))
    if chosen in LOCALES:
        https = web_of(request).settings.base_url.startswith("https://")
        response.set_cookie(
            LANG_COOKIE, chosen, max_age=ONE_YEAR, samesite="lax", httponly=True, secure=https
        )
    return response
