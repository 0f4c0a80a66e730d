"""Idempotency-Key on POST: a retried request replays the first response and creates nothing twice.

How an endpoint uses it (the action and the stored response share the request's transaction, so
either both persist or neither does):

    @router.post("/things", status_code=201, response_model=ThingPublic)
    def create_thing(
        payload: ThingCreate, request: Request, session: SessionDep, actor: ActorDep,
        idempotency_key: IdempotencyKeyDep = None,
    ) -> Response:
        return run_idempotent(
            session, actor=actor, key=idempotency_key, request=request, payload=payload,
            status_code=201, action=lambda: ThingPublic(...one domain action...),
        )

Without the header the action simply runs. With it, the first successful response is stored per
(account, key) with a hash of the request (method, path, body, If-Match); the same key with the
same request returns that stored response (header `Idempotent-Replayed: true`); the same key with a
different request is refused with a 422 problem. A refusal (a domain error) rolls the whole
transaction back, so nothing is stored and a corrected retry with the same key may still succeed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated

import sqlalchemy as sa
from fastapi import Header, Request, Response
from pydantic import BaseModel
from sqlmodel import Session, select

from policies.accounts.access import Actor
from policies.accounts.models import IdempotencyRecord
from policies.core.db import insert_unless_exists, utcnow
from policies.core.errors import Conflict, InvalidInput

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200
# Marks a record whose response is not written yet; only ever visible inside its own transaction.
PENDING = 0
_RECORDS: sa.Table = IdempotencyRecord.__table__  # type: ignore[attr-defined]

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
    # Claim the key before acting: a concurrent twin waits here for the first one's commit
    # (PostgreSQL) or already waited at BEGIN (SQLite), then finds the committed record.
    record_id = insert_unless_exists(
        session,
        table=_RECORDS,
        values={
            "account_id": actor.id,
            "key": key,
            "request_hash": request_hash,
            "status_code": PENDING,
            "response_body": "",
            "created_at": utcnow(),
        },
        unique=("account_id", "key"),
    )
    if record_id is None:
        existing = _find(session, account_id=actor.id, key=key)
        if existing is None or existing.status_code == PENDING:
            raise Conflict(
                f"Permintaan dengan Idempotency-Key '{key}' sedang diproses: coba lagi sebentar.",
                en=f"The request with Idempotency-Key '{key}' is still being processed: retry shortly.",
            )
        return _replay(existing, request_hash=request_hash, key=key)
    body = action().model_dump_json()
    session.execute(
        sa.update(_RECORDS)
        .where(_RECORDS.c.id == record_id)
        .values(status_code=status_code, response_body=body)
    )
    return Response(content=body, status_code=status_code, media_type="application/json")
