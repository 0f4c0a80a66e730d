"""Who is calling: the bearer token of the request turned into a domain Actor; signing in.

Use `OptionalActorDep` where anonymous callers may read, `ActorDep` where an account is needed
(a missing, unknown, expired or revoked token is refused with a 401 problem).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from policies.accounts import signin
from policies.accounts.access import Actor
from policies.accounts.actions import BAD_TOKEN, BAD_TOKEN_EN, actor_for_token
from policies.core.db import read_session, unit_of_work, utcnow
from policies.core.errors import NotAuthenticated
from policies.core.settings import Settings
from service.deps import SettingsDep

NO_TOKEN = "Masuk terlebih dahulu: kirim header 'Authorization: Bearer <token>' dari POST /api/v1/auth/login."
NO_TOKEN_EN = "Sign in first: send the header 'Authorization: Bearer <token>' from POST /api/v1/auth/login."


def bearer_token(request: Request) -> str | None:
    """Return the token of an `Authorization: Bearer <token>` header, if one was sent."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current_actor(request: Request, session: Session) -> Actor | None:
    """Return the actor of the request's bearer token, or None when no valid token was sent."""
    token = bearer_token(request)
    if token is None:
        return None
    return actor_for_token(session, token=token, now=utcnow())


def looked_up_actor(request: Request, settings: Settings) -> Actor | None:
    """Return the actor of the request's token, read on a connection given back before returning."""
    # Never on the request's own session: that would hold its connection from this trip to the
    # thread pool until the endpoint's, and under a burst every connection was held by a request
    # queued for a thread while every thread waited for a connection (a 30 s stall, then 503s).
    with read_session(settings.database_url) as session:
        return current_actor(request, session)


async def _optional_actor(request: Request, settings: SettingsDep) -> Actor | None:
    # Most readers send no token: they get their answer without a trip to the thread pool.
    if bearer_token(request) is None:
        return None
    return await run_in_threadpool(looked_up_actor, request, settings)


OptionalActorDep = Annotated[Actor | None, Depends(_optional_actor)]


def _refuse_anonymous(request: Request) -> NotAuthenticated:
    if bearer_token(request) is None:
        return NotAuthenticated(NO_TOKEN, en=NO_TOKEN_EN)
    return NotAuthenticated(BAD_TOKEN, en=BAD_TOKEN_EN)


def _required_actor(request: Request, actor: OptionalActorDep) -> Actor:
    if actor is None:
        raise _refuse_anonymous(request)
    return actor


def writing_actor(request: Request, session: Session) -> Actor:
    """Return the actor of the request's token, checked on the session given; refuse without one."""
    # A write request never holds two pooled connections at once (a reader kept open while
    # waiting for the writer's turn would let concurrent writers exhaust the pool): the session
    # here is either its unit of work or a read closed before that begins.
    actor = current_actor(request, session)
    if actor is None:
        raise _refuse_anonymous(request)
    return actor


def _writing_actor(request: Request, settings: SettingsDep) -> Actor:
    # On a read of its own, closed here: the endpoint's unit of work takes its connection in the
    # endpoint's own trip to the thread pool (see `looked_up_actor`).
    with read_session(settings.database_url) as session:
        return writing_actor(request, session)


async def _bearer_sent(request: Request) -> None:
    # For endpoints that check the token themselves, in their one trip to the thread pool: a
    # request with no token at all is refused here, before any database work.
    if bearer_token(request) is None:
        raise _refuse_anonymous(request)


ActorDep = Annotated[Actor, Depends(_required_actor)]
# For writes: the same check, on a read closed before the endpoint's unit of work begins.
WriterDep = Annotated[Actor, Depends(_writing_actor)]
# For the hottest write (a new comment): refuses a missing token; the endpoint calls `writing_actor`.
TOKEN_SENT = Depends(_bearer_sent)
# The dependencies that refuse a request without a valid token (the OpenAPI document lists 401/403).
ACCOUNT_REQUIRED = frozenset({_required_actor, _writing_actor, _bearer_sent})


def client_address(request: Request) -> str:
    """Return the caller's network address (behind a proxy, uvicorn's --proxy-headers fill it in)."""
    return request.client.host if request.client else ""


def sign_in(settings: Settings, *, email: str, password: str, address: str) -> signin.IssuedToken:
    """Check credentials and issue a token, or refuse: throttled (429) or wrong (401).

    Three steps, never one transaction: a read (refused while the email or address waits), the
    argon2 check outside any transaction, then a short write (the token, or the failure counted).
    On SQLite no writer waits on another's password check.
    """
    now = utcnow()
    with read_session(settings.database_url) as session:
        attempt = signin.begin_login(session, email=email, address=address, now=now)
    if signin.password_matches(attempt, password=password):
        with unit_of_work(settings.database_url) as session:
            return signin.finish_login(session, attempt=attempt, now=now, ttl_hours=settings.token_ttl_hours)
    rules = signin.SignInRules.of(
        per_account=settings.login_attempts_per_account, per_address=settings.login_attempts_per_address
    )
    with unit_of_work(settings.database_url) as session:
        signin.record_failed_login(session, attempt=attempt, now=utcnow(), rules=rules)
    raise NotAuthenticated(signin.BAD_CREDENTIALS, en=signin.BAD_CREDENTIALS_EN)
