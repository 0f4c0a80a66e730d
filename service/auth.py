"""Who is calling: the bearer token of the request turned into a domain Actor.

Use `OptionalActorDep` where anonymous callers may read, `ActorDep` where an account is needed
(a missing, unknown, expired or revoked token is refused with a 401 problem).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from policies.access import Actor
from policies.accounts import BAD_TOKEN, actor_for_token
from policies.db import utcnow
from policies.errors import NotAuthenticated
from service.deps import ReadSessionDep

NO_TOKEN = "Masuk terlebih dahulu: kirim header 'Authorization: Bearer <token>' dari POST /api/v1/auth/login."


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
    return actor_for_token(session, token, utcnow())


def _optional_actor(request: Request, session: ReadSessionDep) -> Actor | None:
    return current_actor(request, session)


OptionalActorDep = Annotated[Actor | None, Depends(_optional_actor)]


def _required_actor(request: Request, actor: OptionalActorDep) -> Actor:
    if actor is None:
        raise NotAuthenticated(NO_TOKEN if bearer_token(request) is None else BAD_TOKEN)
    return actor


ActorDep = Annotated[Actor, Depends(_required_actor)]
