"""Shared column types and the enumerations the tables use."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from policies.db import UTCDateTime, utcnow


class Stage(StrEnum):
    """Where a policy stands in its lifecycle."""

    DRAFTING = "drafting"
    WORKSHOP = "workshop"
    CONSULTATION = "consultation"
    SOCIALIZATION = "socialization"
    EVALUATION = "evaluation"
    REVISION = "revision"
    WITHDRAWN = "withdrawn"


class Stance(StrEnum):
    """A commenter's position on the clause."""

    FOR = "for"
    NEUTRAL = "neutral"
    AGAINST = "against"


class Outcome(StrEnum):
    """A drafter's disposition (tindak lanjut) of a comment."""

    ACCEPTED = "accepted"
    PARTLY = "partly"
    NOT_ACCEPTED = "not_accepted"
    NOTED = "noted"


class Role(StrEnum):
    """What an account may do."""

    ADMIN = "admin"
    DRAFTER = "drafter"
    MODERATOR = "moderator"
    EVALUATOR = "evaluator"
    STAKEHOLDER = "stakeholder"


class StakeholderGroup(StrEnum):
    """Who a stakeholder speaks for."""

    ASN = "asn"
    UNION = "union"
    ACADEMIC = "academic"
    PUBLIC = "public"


class CommentSource(StrEnum):
    """How a comment reached the register."""

    ONLINE = "online"
    WORKSHOP = "workshop"


class WorkState(StrEnum):
    """State of a stage's automated work in the transactional outbox."""

    NONE = "none"
    PENDING = "pending"
    DISPATCHED = "dispatched"
    DONE = "done"
    FAILED = "failed"


class DeliveryState(StrEnum):
    """State of a reminder in the outbox."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Channel(StrEnum):
    """Where a reminder is delivered."""

    EMAIL = "email"
    INBOX = "inbox"


def enum_col(length: int = 32, **kw: Any) -> Any:
    """Store an enum as plain text so adding a value needs no type migration."""
    return Field(sa_type=sa.String(length), **kw)


def created_at_col() -> Any:
    """A creation timestamp, set by the application in UTC."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime)


def ts_col(**kw: Any) -> Any:
    """An optional aware timestamp."""
    return Field(default=None, sa_type=UTCDateTime, **kw)


def json_col(**kw: Any) -> Any:
    """A JSON document column."""
    return Field(sa_type=sa.JSON, **kw)


def text_col(**kw: Any) -> Any:
    """An unbounded text column."""
    return Field(sa_type=sa.Text, **kw)


__all__ = ["datetime"]
