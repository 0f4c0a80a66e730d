"""Survey rounds of the evaluation stage (the results live in policies.evaluation)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from policies.db import UTCDateTime
from policies.models.base import created_at_col, json_col, ts_col


class SurveyRound(SQLModel, table=True):
    """One periodic survey of a policy, with its question set frozen at opening."""

    __tablename__ = "survey_round"
    __table_args__ = (sa.UniqueConstraint("policy_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)
    cycle: int
    number: int
    opens_at: datetime = Field(sa_type=UTCDateTime)
    closes_at: datetime = Field(sa_type=UTCDateTime, index=True)
    closed_at: datetime | None = ts_col()
    report_published_at: datetime | None = ts_col()
    questions: list[dict[str, Any]] = json_col(default_factory=list)
    created_at: datetime = created_at_col()
