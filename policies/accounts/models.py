"""Accounts, their roles and groups, login tokens and idempotency records."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from policies.core.columns import created_at_col, enum_col, text_col, ts_col
from policies.core.db import UTCDateTime


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


class Account(SQLModel, table=True):
    """A person who signs in: drafter, stakeholder, moderator, evaluator or admin."""

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=300)
    role: Role = enum_col(default=Role.STAKEHOLDER)
    unit: str = Field(max_length=200, default="")
    # The jabatan held (free text): a policy may map parts of its text to positions as well as units.
    position: str = Field(max_length=120, default="")
    group: str = Field(max_length=20, default="public")
    nip: str = Field(max_length=30, default="")
    locale: str = Field(max_length=8, default="id")
    active: bool = Field(default=True)
    created_at: datetime = created_at_col()
    # Set when the owner opened the link sent to the address (or an admin made the account):
    # only then may the account speak in a consultation.
    email_verified_at: datetime | None = ts_col()


class ApiToken(SQLModel, table=True):
    """An opaque bearer token, stored only as its hash."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created_at_col()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = ts_col()


class IdempotencyRecord(SQLModel, table=True):
    """The first response to a POST carrying an Idempotency-Key, replayed on retry."""

    __tablename__ = "idempotency_record"
    __table_args__ = (sa.UniqueConstraint("account_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id")
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int
    response_body: str = text_col()
    created_at: datetime = created_at_col()


class Throttle(SQLModel, table=True):
    """Recent attempts under one key (an account's sign-in, an address's): shared by every worker."""

    __tablename__ = "throttle"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    hits: int = Field(default=0)
    # When the current run of attempts began, and the last one came: a quiet key starts over.
    started_at: datetime = Field(sa_type=UTCDateTime)
    last_at: datetime = Field(sa_type=UTCDateTime)
    blocked_until: datetime | None = ts_col()
