"""The reminder outbox for admins: what waits for SMTP, what went out, what failed, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from policies.core.db import utcnow
from policies.outbox import operator as outbox
from policies.outbox.models import Channel, DeliveryState, Reminder
from service.api.params import IdPath
from service.auth import ActorDep, WriterDep
from service.deps import ReadSessionDep, SessionDep

router = APIRouter(tags=["outbox"])


class OutboxItem(BaseModel):
    """One reminder as the outbox holds it."""

    id: int
    dedupe_key: str
    template: str
    channel: Channel
    state: DeliveryState
    recipient_account_id: int | None
    recipient_email: str
    locale: str
    policy_id: int | None
    due_at: datetime
    attempts: int
    last_error: str
    message_id: str
    smtp_reply: str
    claimed_at: datetime | None
    sent_at: datetime | None
    read_at: datetime | None
    created_at: datetime


class OutboxPage(BaseModel):
    """A page of the outbox; pass `next_cursor` as `cursor` (same filters) for the following page."""

    items: list[OutboxItem]
    next_cursor: str | None


def _item(reminder: Reminder) -> OutboxItem:
    # A survey respondent's reminder never names its recipient here (policies/outbox/operator.py).
    item = OutboxItem.model_validate(reminder, from_attributes=True)
    return item.model_copy(update=outbox.masked_fields(reminder))


@router.get(
    "/outbox",
    response_model=OutboxPage,
    responses={401: {"description": "Perlu masuk."}, 403: {"description": "Hanya admin."}},
)
def list_outbox(
    actor: ActorDep,
    session: ReadSessionDep,
    state: DeliveryState | None = None,
    channel: Channel | None = None,
    template: Annotated[str | None, Query(max_length=80)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=outbox.MAX_PAGE)] = 50,
) -> OutboxPage:
    """List the reminders of the outbox, newest first (admins only), filtered by state, channel, template."""
    page = outbox.outbox_page(
        session,
        actor=actor,
        filters=outbox.OutboxFilter(state=state, channel=channel, template=template),
        cursor=cursor,
        limit=limit,
    )
    return OutboxPage(items=[_item(r) for r in page.items], next_cursor=page.next_cursor)


class Resolution(BaseModel):
    """What an admin found in the mail server's log for an email whose delivery is uncertain."""

    delivered: bool


@router.post(
    "/outbox/{message_id}/resolve",
    response_model=OutboxItem,
    responses={
        401: {"description": "Perlu masuk."},
        403: {"description": "Hanya admin."},
        404: {"description": "Pengingat tidak ada."},
        409: {"description": "Pengingat tidak berstatus uncertain."},
    },
)
def resolve_uncertain(
    message_id: IdPath, body: Resolution, actor: WriterDep, session: SessionDep
) -> OutboxItem:
    """Settle an uncertain email: delivered (found by its Message-ID) is recorded sent, else queued again.

    `message_id` is the reminder's id in the outbox, as in the inbox's paths.
    """
    row = outbox.resolve_uncertain(
        session, actor=actor, reminder_id=message_id, delivered=body.delivered, now=utcnow()
    )
    return _item(row)
