"""The days an office is closed beyond the national calendar: cuti bersama, regional holidays, decrees."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from policies.core.columns import created_at_col, enum_col, text_col


class HolidayKind(StrEnum):
    """Why a day is closed."""

    CUTI_BERSAMA = "cuti_bersama"
    REGIONAL = "regional"
    DECREE = "decree"


class Holiday(SQLModel, table=True):
    """A closed day the `holidays` library does not know: one row per day."""

    __tablename__ = "holiday"

    id: int | None = Field(default=None, primary_key=True)
    closed_on: date = Field(sa_type=sa.Date, unique=True)
    name: str = Field(max_length=200)
    kind: HolidayKind = enum_col(length=20)
    # The decree or SKB that makes the day closed, as an admin cites it.
    basis: str = text_col(default="")
    created_by_id: int | None = Field(default=None, foreign_key="account.id")
    created_at: datetime = created_at_col()
