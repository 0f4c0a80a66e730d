"""The reminder outbox: every notification is a row before it is a message."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from policies.core.columns import created_at_col, enum_col, json_col, text_col, ts_col
from policies.core.db import UTCDateTime


class DeliveryState(StrEnum):
    """State of a reminder in the outbox."""

    PENDING = "pending"
    # Handed to the deliverer, which is talking to the SMTP server now (or died doing so).
    SENDING = "sending"
    # The SMTP server may or may not have taken it: an operator checks before it is sent again.
    UNCERTAIN = "uncertain"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Channel(StrEnum):
    """Where a reminder is delivered."""

    EMAIL = "email"
    INBOX = "inbox"


class Reminder(SQLModel, table=True):
    """A notification owed to someone; the dedupe key makes it exist at most once."""

    __tablename__ = "reminder"
    __table_args__ = (sa.Index("ix_reminder_due", "state", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=300, unique=True)
    template: str = Field(max_length=80)
    channel: Channel = enum_col()
    recipient_account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    recipient_email: str = Field(max_length=254, default="")
    locale: str = Field(max_length=8, default="id")
    policy_id: int | None = Field(default=None, foreign_key="policy.id")
    context: dict[str, Any] = json_col(default_factory=dict)
    due_at: datetime = Field(sa_type=UTCDateTime)
    state: DeliveryState = enum_col(default=DeliveryState.PENDING)
    attempts: int = Field(default=0)
    last_error: str = text_col(default="")
    # Chosen at the first claim and kept: every attempt, and any copy that did get out, carries it.
    message_id: str = Field(max_length=255, default="")
    # When the current attempt began (a SENDING row older than the lease lost its deliverer).
    claimed_at: datetime | None = ts_col()
    # The SMTP server's answer to the message (its queue id), kept for an operator's trace.
    smtp_reply: str = Field(max_length=500, default="")
    sent_at: datetime | None = ts_col()
    read_at: datetime | None = ts_col()
    created_at: datetime = created_at_col()
