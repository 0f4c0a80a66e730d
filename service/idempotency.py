"""Idempotency-Key on POST: a retried request replays the first response and creates nothing twice.

How a route takes part: its router is built with `route_class=IdempotentRoute` and the route lists
`IDEMPOTENT` among its dependencies; the handler stays parse → one action → answer:

    router = APIRouter(tags=["things"], route_class=IdempotentRoute)

    @router.post("/things", status_code=201, response_model=ThingPublic, dependencies=[IDEMPOTENT])
    def create_thing(payload: ThingCreate, session: SessionDep, actor: ActorDep) -> Thing:
        return things.create(session, actor=actor, ...)

Without the header the route simply runs. With it, the dependency claims (account, key) in the
request's own transaction before the handler runs, with a hash of the request (method, path, parsed
body, If-Match), and the response the route answers is stored on the claim before the commit: the
action and its stored response persist together or not at all. The same key with the same request
gets the stored response back (header `Idempotent-Replayed: true`) and the handler does not run;
the same key with a different request is refused with a 422 problem. A refusal (a domain error)
rolls the whole transaction back, so nothing is stored and a corrected retry with the same key may
still succeed. `run_idempotent` does the same around one action, for a route that opens its own
unit of work.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

import anyio.to_thread
import sqlalchemy as sa
from fastapi import Depends, Header, Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool

from policies.accounts.access import Actor
from policies.accounts.models import IdempotencyRecord
from policies.core.db import insert_unless_exists, utcnow
from policies.core.errors import Conflict, InvalidInput
from service.auth import current_actor
from service.deps import SessionDep

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200
# Marks a record whose response is not written yet; only ever visible inside its own transaction.
PENDING = 0
_RECORDS: sa.Table = IdempotencyRecord.__table__  # type: ignore[attr-defined]
_CLAIM = "siklus.idempotency_claim"

IdempotencyKeyDep = Annotated[
    str | None,
    Header(
        alias=HEADER,
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        description="Kunci unik per permintaan; mengulang dengan kunci yang sama mengembalikan "
        "hasil pertama tanpa membuat apa pun dua kali.",
    ),
]


class _Replayed(Exception):
    """The key was answered before: send its stored response instead of running the route."""

    def __init__(self, response: Response) -> None:
        super().__init__(REPLAYED_HEADER)
        self.response = response


@dataclass
class _Claim:
    """A key claimed in the request's transaction, and the response to store on it."""

    record_id: int
    response: Response | None = None


def request_fingerprint(*, request: Request, payload: BaseModel | None) -> str:
    """Hash what makes two requests the same: method, path, parsed body and If-Match."""
    body = payload.model_dump_json() if payload is not None else ""
    text = f"{request.method} {request.url.path}\n{request.headers.get('if-match', '')}\n{body}"
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(record: IdempotencyRecord, *, request_hash: str, key: str) -> Response:
    if record.request_hash != request_hash:
        raise InvalidInput(
            f"Idempotency-Key '{key}' sudah dipakai untuk permintaan yang berbeda: "
            "gunakan kunci baru untuk permintaan baru.",
            en=f"Idempotency-Key '{key}' was already used for a different request: use a new key "
            "for a new request.",
            field=HEADER,
        )
    return Response(
        content=record.response_body,
        status_code=record.status_code,
        media_type="application/json",
        headers={REPLAYED_HEADER: "true"},
    )


def _find(session: Session, *, account_id: int, key: str) -> IdempotencyRecord | None:
    stmt = select(IdempotencyRecord).where(
        IdempotencyRecord.account_id == account_id, IdempotencyRecord.key == key
    )
    return session.exec(stmt).first()


def _claim(session: Session, *, account_id: int, key: str, request_hash: str) -> int:
    """Claim the key and return its record's id; raise `_Replayed` if it was answered before."""
    # Claim the key before acting: a concurrent twin waits here for the first one's commit
    # (PostgreSQL) or already waited at BEGIN (SQLite), then finds the committed record.
    record_id = insert_unless_exists(
        session,
        table=_RECORDS,
        values={
            "account_id": account_id,
            "key": key,
            "request_hash": request_hash,
            "status_code": PENDING,
            "response_body": "",
            "created_at": utcnow(),
        },
        unique=("account_id", "key"),
    )
    if record_id is not None:
        return record_id
    existing = _find(session, account_id=account_id, key=key)
    if existing is None or existing.status_code == PENDING:
        raise Conflict(
            f"Permintaan dengan Idempotency-Key '{key}' sedang diproses: coba lagi sebentar.",
            en=f"The request with Idempotency-Key '{key}' is still being processed: retry shortly.",
        )
    raise _Replayed(_replay(existing, request_hash=request_hash, key=key))


# Built once: on every idempotent comment POST, building it cost more than running it.
_STORE = (
    sa.update(_RECORDS)
    .where(_RECORDS.c.id == sa.bindparam("record_id"))
    .values(status_code=sa.bindparam("status_code"), response_body=sa.bindparam("body"))
)


def _store(session: Session, *, record_id: int, status_code: int, body: str) -> None:
    session.connection().execute(_STORE, {"record_id": record_id, "status_code": status_code, "body": body})


def run_idempotent(
    session: Session,
    *,
    actor: Actor,
    key: str | None,
    request: Request,
    payload: BaseModel | None,
    status_code: int,
    action: Callable[[], BaseModel],
) -> Response:
    """Run `action` once per (account, key) and return its JSON; replay it on a retried request."""
    if key is None or actor.id is None:
        result = action()
        return Response(
            content=result.model_dump_json(), status_code=status_code, media_type="application/json"
        )
    request_hash = request_fingerprint(request=request, payload=payload)
    try:
        record_id = _claim(session, account_id=actor.id, key=key, request_hash=request_hash)
    except _Replayed as replayed:
        return replayed.response
    body = action().model_dump_json()
    _store(session, record_id=record_id, status_code=status_code, body=body)
    return Response(content=body, status_code=status_code, media_type="application/json")


def _claim_for_route(request: Request, session: Session, *, key: str, body: Any) -> _Claim | None:
    actor = current_actor(request, session)
    field = request.scope["route"].body_field
    payload, errors = field.validate(body, loc=("body",)) if field is not None else (None, [])
    # Without an account or a valid body the route refuses the request itself: nothing to claim.
    if actor is None or actor.id is None or errors:
        return None
    request_hash = request_fingerprint(request=request, payload=payload)
    return _Claim(_claim(session, account_id=actor.id, key=key, request_hash=request_hash))


async def _idempotency(
    request: Request, session: SessionDep, key: IdempotencyKeyDep = None
) -> AsyncIterator[None]:
    # Without a key (most requests) this costs no trip to the thread pool.
    if key is None:
        yield
        return
    if not isinstance(request.scope["route"], IdempotentRoute):
        raise RuntimeError("IDEMPOTENT needs a router built with route_class=IdempotentRoute")
    try:
        body = await request.json() if await request.body() else None
    except ValueError:
        body = None
    claim = await run_in_threadpool(_claim_for_route, request, session, key=key, body=body)
    request.scope[_CLAIM] = claim
    yield
    if claim is not None and claim.response is not None:
        # Stored before the session's commit, which runs when this request's dependencies close.
        # Outside the request threads' limit, as FastAPI runs a dependency's exit: this request
        # holds a connection, and queuing it for a thread behind requests that wait for a
        # connection would stall both until the pool's timeout.
        response = claim.response
        await anyio.to_thread.run_sync(
            functools.partial(
                _store,
                session,
                record_id=claim.record_id,
                status_code=response.status_code,
                body=bytes(response.body).decode(),
            ),
            limiter=anyio.CapacityLimiter(1),
        )


# Function scope: the claim closes (storing the response) before the session commits.
IDEMPOTENT = Depends(_idempotency, scope="function")


class IdempotentRoute(APIRoute):
    """A route whose `IDEMPOTENT` dependency can answer a replay and store the first response."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap the handler: a replay answers instead of it, and its response reaches the claim."""
        handle = super().get_route_handler()

        async def handle_once(request: Request) -> Response:
            try:
                response = await handle(request)
            except _Replayed as replayed:
                return replayed.response
            claim = request.scope.get(_CLAIM)
            if claim is not None:
                claim.response = response
            return response

        return handle_once
