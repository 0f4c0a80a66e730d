"""Follows, notice preferences per kind of event, and the events a digest groups."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from policies.core.columns import created_at_col, enum_col, json_col, ts_col
from policies.core.db import UTCDateTime


class EventKind(StrEnum):
    """What happened to a policy that someone may want to hear about."""

    STAGE = "stage"  # the policy entered a new stage
    ANSWER = "answer"  # the drafter answered my comment
    REPLY = "reply"  # someone replied to my comment
    VERSION = "version"  # a new version was published
    SURVEY = "survey"  # a survey round opened


class Cadence(StrEnum):
    """How someone hears about a kind of event."""

    IMMEDIATE = "immediate"  # today's behaviour: a notice as it happens
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


class PolicyFollow(SQLModel, table=True):
    """An account that follows a policy (hears about it without having commented)."""

    __tablename__ = "policy_follow"
    __table_args__ = (sa.UniqueConstraint("account_id", "policy_id"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)
    created_at: datetime = created_at_col()


class NoticePreference(SQLModel, table=True):
    """How an account wants to hear about one kind of event (no row: immediately)."""

    __tablename__ = "notice_preference"
    __table_args__ = (sa.UniqueConstraint("account_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    kind: EventKind = enum_col(length=20)
    cadence: Cadence = enum_col(length=20, default=Cadence.IMMEDIATE)
    updated_at: datetime = created_at_col()


class DigestEvent(SQLModel, table=True):
    """One event owed to one account's digest; its key makes it exist once, `digested_at` send it once."""

    __tablename__ = "digest_event"
    __table_args__ = (sa.Index("ix_digest_event_due", "cadence", "digested_at", "occurred_at"),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=300, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    policy_id: int = Field(foreign_key="policy.id")
    kind: EventKind = enum_col(length=20)
    cadence: Cadence = enum_col(length=20)
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    # What the digest says about it, in both languages, with the policy's title and slug.
    context: dict[str, Any] = json_col(default_factory=dict)
    # Set in the transaction that writes the digest's outbox message, with that message's key.
    digested_at: datetime | None = ts_col()
    digest_key: str = Field(max_length=300, default="")
