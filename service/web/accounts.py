"""Signing up, verifying the email, signing in and out on the pages, and the language switch."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from policies.accounts import actions as accounts
from policies.accounts import verification
from policies.accounts.models import StakeholderGroup
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput, NotAuthenticated, RateLimited
from policies.core.i18n import LOCALES
from policies.core.secret_key import ensure_secret_key
from service.api.accounts import LoginIn, RegisterIn, VerifyIn, register_from, registered_detail
from service.auth import client_address, sign_in
from service.deps import SessionDep, SettingsDep
from service.web.forms import PageForm, errors_of, text
from service.web.i18n import LANG_COOKIE
from service.web.render import (
    SESSION_COOKIE,
    FormDep,
    PageActorDep,
    PageRoute,
    locale_of,
    message_of,
    redirect,
    render,
    safe_next,
    set_session,
    signed_in,
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
VERIFY_FORM = PageForm(
    VerifyIn,
    refusals={"token": (verification.BAD_LINK[0], verification.BAD_LINK[1])},
)
# How an account's texts read when refused, on the sign-up form and the admins' staff account form.
ACCOUNT_TEXTS = (
    text("email", "Email", "The email", single_line=True),
    text("name", "Nama", "The name", single_line=True),
    text("password", "Kata sandi", "The password"),
    text("unit", "Unit kerja", "The work unit"),
    text("position", "Jabatan", "The position"),
)
REGISTER_FORM = PageForm(
    RegisterIn,
    refusals={"group": ("Pilih kelompok pemangku kepentingan.", "Choose whom you speak for.")},
    texts=ACCOUNT_TEXTS,
)


@router.get("/login", name="login")
def login_form(request: Request, actor: PageActorDep, next: str = "/") -> Response:
    """Show the login form."""
    return render(request, "web/login.html", {"next": safe_next(next)})


@router.post("/login")
def login(request: Request, form: FormDep, settings: SettingsDep) -> Response:
    """Check the credentials and keep the issued token in an HttpOnly cookie."""
    target = safe_next(str(form.get("next", "/")))
    try:
        credentials = LOGIN_FORM.parse(form)
        issued = sign_in(
            settings,
            email=credentials.email,
            password=credentials.password,
            address=client_address(request),
        )
    except (NotAuthenticated, InvalidInput, RateLimited) as exc:
        email = str(form.get("email", ""))
        context = {"next": target, "values": {"email": email}, "errors": {"form": message_of(request, exc)}}
        if isinstance(exc, RateLimited):
            page = render(request, "web/login.html", context, status_code=429)
            page.headers["Retry-After"] = str(exc.extra.get("retry_after", 60))
            return page
        return render(request, "web/login.html", context, status_code=401)
    response = redirect(request, target)
    set_session(request, response, token=issued.token, max_age=settings.token_ttl_hours * 3600)
    return response


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
def register(request: Request, form: FormDep, settings: SettingsDep) -> Response:
    """Register a stakeholder with the same rules as the API; the page says to check the email.

    It says the same whether the email was new or registered already, and signs nobody in: a
    session for the one and not the other would tell which emails have accounts.
    """
    values = {k: str(form.get(k, "")) for k in ("email", "name", "group", "nip", "unit", "position")}
    try:
        payload = REGISTER_FORM.parse(form)
        register_from(settings, payload=payload, address=client_address(request))
    except (InvalidInput, Conflict, RateLimited) as exc:
        # Every refused field at once, each beside its field and in the summary; never the password.
        context = {
            "groups": list(StakeholderGroup),
            "values": values,
            "errors": errors_of(exc, locale=locale_of(request)),
        }
        status = 429 if isinstance(exc, RateLimited) else 422
        page = render(request, "web/register.html", context, status_code=status)
        if isinstance(exc, RateLimited):
            page.headers["Retry-After"] = str(exc.extra.get("retry_after", 60))
        return page
    email = payload.email.strip().lower()
    detail = registered_detail(email=email, locale=locale_of(request))
    return render(request, "web/registered.html", {"email": email, "detail": detail})


@router.get("/verify-email", name="verify_email")
def verify_form(request: Request, actor: PageActorDep, token: str = "") -> Response:
    """With the emailed link's token: a button that verifies; without: the state and a resend button."""
    # The address holds a token: it stays out of the login link and the language switch's target.
    context = {"token": token[:500], "login_next": not token}
    return render(request, "web/verify_email.html", context)


@router.post("/verify-email")
def verify(
    request: Request, form: FormDep, actor: PageActorDep, session: SessionDep, settings: SettingsDep
) -> Response:
    """Verify the email of the link's account; the page then says it may comment."""
    try:
        sent = VERIFY_FORM.parse(form)
        account = verification.verify_email(
            session, token=sent.token, secret=ensure_secret_key(settings), now=utcnow()
        )
    except InvalidInput as exc:
        session.rollback()
        context = {"token": "", "login_next": False, "errors": {"form": message_of(request, exc)}}
        return render(request, "web/verify_email.html", context, status_code=422)
    return render(request, "web/verify_email.html", {"verified_email": account.email, "login_next": False})


@router.post("/verify-email/resend", name="resend_verification")
def resend(request: Request, form: FormDep, actor: PageActorDep, session: SessionDep) -> Response:
    """Queue a new verification email for the signed-in account (one per ten minutes)."""
    me = accounts.get_account(session, account_id=signed_in(actor).id or 0)
    if me is not None:
        verification.send_verification(session, account=me, now=utcnow())
    return render(request, "web/verify_email.html", {"resent_to": me.email if me else ""})


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
