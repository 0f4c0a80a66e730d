"""The in-app inbox: the reminders delivered to the signed-in account, and marking them read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

import policies.tables  # noqa: F401  (every concept's outbox hooks, before an inbox is read)
from policies.core.errors import InvalidInput
from policies.core.secret_key import ensure_secret_key
from policies.outbox import hooks, notify
from policies.outbox.message_text import render_email
from policies.outbox.models import Reminder
from service.api.params import IdPath
from service.auth import ActorDep, WriterDep
from service.deps import ReadSessionDep, SessionDep, SettingsDep

router = APIRouter(tags=["inbox"])


class InboxMessage(BaseModel):
    """One delivered message, rendered in the account's language."""

    id: int
    template: str
    subject: str
    body: str
    policy_id: int | None
    context: dict[str, Any]
    sent_at: datetime | None
    read_at: datetime | None


def _public(reminder: Reminder, *, base_url: str, tz: str, secret: str) -> InboxMessage:
    subject, body = render_email(reminder, base_url=base_url, tz=tz, secret=secret)
    return InboxMessage(
        id=reminder.id,  # type: ignore[arg-type]
        template=reminder.template,
        subject=subject,
        body=body,
        policy_id=reminder.policy_id,
        # The body carries the recipient's own survey link; the salt that rebuilds it stays inside.
        context=hooks.public_context(reminder),
        # A due message is readable before the sweep records its delivery: it arrived when due.
        sent_at=reminder.sent_at or reminder.due_at,
        read_at=reminder.read_at,
    )


def _account_id(actor: Any) -> int:
    if actor.id is None:
        raise InvalidInput("Kotak masuk memerlukan akun.", en="The inbox needs an account.", field="account")
    return int(actor.id)


@router.get("/me/inbox", response_model=list[InboxMessage])
def read_inbox(
    actor: ActorDep,
    session: ReadSessionDep,
    settings: SettingsDep,
    unread: bool = False,
    limit: int = Query(default=50, ge=1, le=200),
) -> list[InboxMessage]:
    """List your inbox, newest first: every message from the moment it is due."""
    rows = notify.inbox(session, account_id=_account_id(actor), unread_only=unread, limit=limit)
    secret = ensure_secret_key(settings)
    return [_public(r, base_url=settings.base_url, tz=settings.timezone, secret=secret) for r in rows]


@router.post("/me/inbox/{message_id}/read", response_model=InboxMessage)
def mark_read(
    message_id: IdPath, actor: WriterDep, session: SessionDep, settings: SettingsDep
) -> InboxMessage:
    """Mark one of your inbox messages read (again: keeps the first time)."""
    row = notify.mark_read(session, account_id=_account_id(actor), reminder_id=message_id)
    return _public(row, base_url=settings.base_url, tz=settings.timezone, secret=ensure_secret_key(settings))
