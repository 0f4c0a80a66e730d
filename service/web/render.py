"""Templates, filters, CSRF and the signed-in visitor: what every page shares."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, unquote, urlsplit

import jinja2
import jinja2.bccache
from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from policies.accounts.access import Actor
from policies.accounts.actions import actor_for_token
from policies.core import i18n as fmt
from policies.core.db import read_session, utcnow
from policies.core.errors import DomainError, NotAuthenticated
from policies.core.i18n import LOCALES
from policies.core.settings import Settings
from policies.drafting.display import (
    document_html,
    inline_html,
    legal_html,
    markdown_html,
    plain_text,
    shown_key,
)
from policies.lifecycle.timeline import run_state_label
from policies.outbox import notify
from service.deps import SettingsDep
from service.web.i18n import request_locale, translations

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
SESSION_COOKIE = "siklus_session"
CSRF_COOKIE = "siklus_csrf"
CSRF_FIELD = "csrf_token"
CSRF_MAX_AGE = 12 * 3600


class CsrfFailed(Exception):
    """A form arrived without a valid CSRF token."""


@dataclass
class Web:
    """What the pages need from the app: signer, templates per locale, settings."""

    settings: Settings
    signer: URLSafeTimedSerializer
    templates: dict[str, Jinja2Templates]


def _filters(locale: str, tz: str) -> dict[str, Callable[..., Any]]:
    return {
        "date": lambda v: fmt.format_date(v, locale=locale, tz=tz),
        "datetime": lambda v: fmt.format_datetime(v, locale=locale, tz=tz),
        "time": lambda v: fmt.format_time(v, locale=locale, tz=tz),
        "number": lambda v, digits=None: fmt.format_number(v, locale=locale, digits=digits),
        "share": lambda v: fmt.format_share(v, locale=locale),
        "markdown": markdown_html,
        "document": document_html,
        # A clause's text with its ayat and huruf on their own lines; a heading's Markdown inline.
        "legal": legal_html,
        "inline_markdown": inline_html,
        "plain": plain_text,
        "shown_key": shown_key,
        # A Prefect run's state in the page's language ("Selesai"), never Prefect's own word.
        "run_state": lambda v: run_state_label(v, locale=locale),
    }


class _CompiledOnce(jinja2.BytecodeCache):
    """Jinja's bytecode cache in this process's memory: each page template compiled once.

    Every locale's environment of every app is built alike (the same loader, autoescape and
    extensions; translations and filters are installed at run time, not compiled in), so one
    compiled form serves them all. Jinja keys it by the template's name and source checksum.
    Without it each locale compiled each template again, and each app built by the tests did too.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill the bucket from memory when this template was compiled before."""
        if (code := self._code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep a freshly compiled template."""
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledOnce()


def build_web(settings: Settings, *, secret: str) -> Web:
    """Build the templates of every locale with Babel's translations installed."""
    templates: dict[str, Jinja2Templates] = {}
    for locale in LOCALES:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
            autoescape=True,
            extensions=["jinja2.ext.i18n"],
            auto_reload=False,
            bytecode_cache=_COMPILED,
        )
        env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
        t = Jinja2Templates(env=env)
        t.env.filters.update(_filters(locale, settings.timezone))
        t.env.globals["locales"] = LOCALES
        templates[locale] = t
    signer = URLSafeTimedSerializer(secret, salt="siklus-csrf")
    return Web(settings=settings, signer=signer, templates=templates)


def web_of(request: Request) -> Web:
    """Return the app's page machinery."""
    return request.app.state.web


def locale_of(request: Request) -> str:
    """Return the visitor's language."""
    return request_locale(request, default=web_of(request).settings.default_locale)


def message_of(request: Request, exc: DomainError) -> str:
    """Return a refusal's message in the visitor's language."""
    return exc.in_language(locale_of(request))[1]


def gettext(request: Request) -> Callable[[str], str]:
    """Return the gettext of the visitor's language (for messages built in Python)."""
    return translations(locale_of(request)).gettext


def _csrf_raw(request: Request) -> str:
    raw = getattr(request.state, "csrf_raw", None) or request.cookies.get(CSRF_COOKIE)
    if not raw:
        raw = secrets.token_urlsafe(24)
        request.state.csrf_new = True
    request.state.csrf_raw = raw
    return raw


def csrf_token(request: Request) -> str:
    """Return the token a form sends back: the cookie's value, signed."""
    return str(web_of(request).signer.dumps(_csrf_raw(request)))


def _secure(request: Request) -> bool:
    return web_of(request).settings.base_url.startswith("https://")


def finish(request: Request, response: Response) -> Response:
    """Set the CSRF cookie when this response handed out a new one."""
    if getattr(request.state, "csrf_new", False):
        response.set_cookie(
            CSRF_COOKIE, request.state.csrf_raw, httponly=True, samesite="lax", secure=_secure(request)
        )
    return response


def set_session(request: Request, response: Response, *, token: str | None, max_age: int = 0) -> None:
    """Store (or, with None, clear) the opaque login token in an HttpOnly cookie."""
    if token is None:
        response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=_secure(request))
        return
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=_secure(request)
    )


def page_path(request: Request) -> str:
    """Return the address of the page the visitor is on (after a form: the page that held it)."""
    if request.method == "GET":
        return path_with_query(request.url.path, request.url.query)
    # A refused form is shown at the form's own address, which has no GET: the language switch and
    # the login link must lead back to the page the form came from.
    referer = urlsplit(request.headers.get("referer", ""))
    return safe_next(path_with_query(referer.path or "/", referer.query))


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> Response:
    """Render a page in the visitor's language with what every page shows."""
    locale = locale_of(request)
    ctx: dict[str, Any] = {
        "actor": getattr(request.state, "actor", None),
        "unread": getattr(request.state, "unread", 0),
        "locale": locale,
        "csrf_token": csrf_token(request),
        "current_path": page_path(request),
        # A page whose address is a secret (a survey token) keeps it out of the login link.
        "login_next": True,
        "errors": {},
        "values": {},
    }
    ctx.update(context or {})
    response = web_of(request).templates[locale].TemplateResponse(request, name, ctx, status_code=status_code)
    return finish(request, response)


def _page_read_session(settings: SettingsDep) -> Iterator[Session]:
    with read_session(settings.database_url) as session:
        yield session
        # Detached before the read-only rollback, so a rendered page's context stays readable
        # (tests inspect response.context after the request).
        session.expunge_all()


PageReadSessionDep = Annotated[Session, Depends(_page_read_session, scope="function")]


def _page_actor(request: Request, settings: SettingsDep) -> Actor | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        request.state.actor = None
        return None
    # On a read of its own, closed here, not the page's session: a connection is never held while
    # the request waits for its next trip to the thread pool (see service.auth.looked_up_actor).
    with read_session(settings.database_url) as session:
        actor = actor_for_token(session, token=token, now=utcnow())
        request.state.actor = actor
        # The header's count of unread inbox messages (an answer to a comment arrives there).
        if actor is not None and actor.id is not None:
            request.state.unread = notify.unread_count(session, account_id=actor.id)
    return actor


PageActorDep = Annotated[Actor | None, Depends(_page_actor)]


def signed_in(actor: Actor | None) -> Actor:
    """Refuse an anonymous visitor (the page then sends them to the login form)."""
    if actor is None:
        raise NotAuthenticated("Masuk terlebih dahulu.", en="Sign in first.")
    return actor


async def _checked_form(request: Request) -> FormData:
    form = await request.form()
    sent = str(form.get(CSRF_FIELD, ""))
    cookie = request.cookies.get(CSRF_COOKIE, "")
    try:
        raw = web_of(request).signer.loads(sent, max_age=CSRF_MAX_AGE)
    except BadSignature as exc:
        raise CsrfFailed from exc
    if not cookie or not secrets.compare_digest(str(raw), cookie):
        raise CsrfFailed
    return form


FormDep = Annotated[FormData, Depends(_checked_form)]


def redirect(request: Request, url: str) -> Response:
    """Answer a successful form with a redirect to the page that shows the result (303)."""
    return finish(request, RedirectResponse(url, status_code=303))


def _local_path(value: str) -> bool:
    # Browsers read "/\host" as "//host" and drop tabs and newlines anywhere in a URL, so only a
    # single "/" followed by neither "/" nor a backslash (also once percent-decoded) stays here.
    if value == "/":
        return True
    if len(value) < 2 or value[0] != "/" or value[1] in "/\\":
        return False
    return not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value)


def safe_next(value: str | None, default: str = "/") -> str:
    """Keep a post-login destination on this site: a path (with its query), never another host."""
    if not value or not _local_path(value) or not _local_path(unquote(value)):
        return default
    return value


def path_with_query(path: str, query: str) -> str:
    """Join a path and its query string the way a browser's address bar shows them."""
    return f"{path}?{query}" if query else path


def error_page(request: Request, *, status: int, title: str, detail: str) -> Response:
    """Render the page that explains a refusal."""
    return render(
        request, "web/error.html", {"title": title, "detail": detail, "status": status}, status_code=status
    )


def _invalid_request_page(request: Request, exc: RequestValidationError) -> Response:
    _ = gettext(request)
    if any(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
        return error_page(
            request,
            status=404,
            title=_("Page not found"),
            detail=_("This address leads to no page: check the numbers in it or start from the home page."),
        )
    return error_page(
        request,
        status=422,
        title=_("The request could not be read"),
        detail=_("Part of the address or of the form is not valid. Go back, check it and try again."),
    )


class PageRoute(APIRoute):
    """A page route: refusals become readable pages (or a trip to the login form), never JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap the handler so domain errors and CSRF failures render as pages."""
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except NotAuthenticated:
                # After a form, come back to the page that held it, not to the form's target.
                return redirect(request, f"/login?next={quote(page_path(request), safe='/')}")
            except RequestValidationError as exc:
                # A page's bad path part or form field is a readable page, never the API's JSON.
                return _invalid_request_page(request, exc)
            except CsrfFailed:
                _ = gettext(request)
                return error_page(
                    request,
                    status=403,
                    title=_("The form expired"),
                    detail=_("Go back, reload the page and send the form again."),
                )
            except DomainError as exc:
                from service.problems import status_of

                title, detail = exc.in_language(locale_of(request))
                return error_page(request, status=status_of(exc), title=title, detail=detail)

        return page_handler


def as_date(value: str) -> date | None:
    """Parse an ISO date typed in a form, or None."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def as_local_datetime(value: str, *, tz: str) -> datetime | None:
    """Parse a datetime-local field (local time of `tz`) into an aware datetime, or None."""
    from zoneinfo import ZoneInfo

    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=ZoneInfo(tz)) if parsed.tzinfo is None else parsed
