"""The follow-up item: one action for one weak unsur or indicator of a closed round, tracked to done."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from policies.core.columns import created_at_col, text_col, ts_col


class FollowUpStatus(StrEnum):
    """Where a follow-up item stands: planned, in progress, done (with what was done and when)."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class FollowUpItem(SQLModel, table=True):
    """A *rencana tindak lanjut*: what the agency will do about one weak subject, by whom, by when."""

    __tablename__ = "followup_item"

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)
    round_id: int = Field(foreign_key="survey_round.id", index=True)
    subject: str = Field(max_length=10, description="unsur or indicator.")
    code: str = Field(max_length=80)
    # The subject as the round found it, kept so the plan reads the same after an indicator is renamed.
    label: str = Field(max_length=300)
    label_en: str = Field(max_length=300, default="")
    baseline: str = Field(
        max_length=30, description="The round's NRR (unsur) or value (indicator), exact text."
    )
    category: str = Field(max_length=1, default="")
    action: str = text_col()
    owner_unit: str = Field(max_length=200)
    due_on: date
    status: str = Field(max_length=12, default=FollowUpStatus.PLANNED.value)
    done_note: str = text_col(default="")
    done_on: date | None = None
    created_by_id: int | None = Field(default=None, foreign_key="account.id")
    created_at: datetime = created_at_col()
    updated_at: datetime | None = ts_col()
