"""Workshops (lokakarya), their attendance and outcomes."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from policies.core.columns import created_at_col, text_col, ts_col
from policies.core.db import UTCDateTime
from policies.lifecycle.models import CycleRow


class Workshop(CycleRow, table=True):
    """A lokakarya with civil servants on a draft."""

    __tablename__ = "workshop"

    title: str = Field(max_length=300)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    location: str = Field(max_length=300, default="")
    online_url: str = Field(max_length=500, default="")
    agenda: str = text_col(default="")
    minutes: str = text_col(default="")
    minutes_recorded_at: datetime | None = ts_col()
    created_by_id: int | None = Field(default=None, foreign_key="account.id")
    created_at: datetime = created_at_col()


class WorkshopAttendance(SQLModel, table=True):
    """One person in a workshop's daftar hadir, with or without an account."""

    __tablename__ = "workshop_attendance"

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id")
    name: str = Field(max_length=200)
    nip: str = Field(max_length=30, default="")
    unit: str = Field(max_length=200, default="")


class WorkshopOutcome(SQLModel, table=True):
    """A point raised in a workshop, tied to a clause, that may enter the comment register."""

    __tablename__ = "workshop_outcome"

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    clause_key: str | None = Field(default=None, max_length=40)
    text: str = text_col()
    raised_by: str = Field(max_length=200, default="")
    comment_id: int | None = Field(default=None, foreign_key="comment.id")
