"""The reminder outbox: every notification is a row before it is a message."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from policies.db import UTCDateTime
from policies.models.base import (
    Channel,
    DeliveryState,
    created_at_col,
    enum_col,
    json_col,
    text_col,
    ts_col,
)


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
    sent_at: datetime | None = ts_col()
    read_at: datetime | None = ts_col()
    created_at: datetime = created_at_col()
