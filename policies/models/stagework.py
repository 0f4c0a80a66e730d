"""What the stage work leaves behind: rendered documents and the revision notes of a new cycle."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from policies.models.base import created_at_col, text_col, ts_col


class StageDocument(SQLModel, table=True):
    """A document a stage renders (agenda, consultation text, adopted text, socialization kit)."""

    __tablename__ = "stage_document"
    __table_args__ = (sa.UniqueConstraint("policy_id", "cycle", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)
    cycle: int
    kind: str = Field(max_length=40, description="agenda, consultation, adopted or socialization-kit.")
    title: str = Field(max_length=400)
    body: str = text_col(description="The rendered Markdown.")
    content_hash: str = Field(max_length=64)
    rendered_at: datetime = created_at_col()
    updated_at: datetime | None = ts_col()


class RevisionNote(SQLModel, table=True):
    """A point the next cycle's draft must consider: a comment, a workshop outcome, a missed target."""

    __tablename__ = "revision_note"
    __table_args__ = (sa.UniqueConstraint("policy_id", "cycle", "source", "source_id", "reason_code"),)

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)
    cycle: int = Field(description="The cycle whose draft the note informs.")
    source: str = Field(max_length=20, description="comment, workshop_outcome, indicator or recommendation.")
    source_id: int
    # One recommendation gives one note per reason ("indicator:jp_per_asn", "unsur:u8").
    reason_code: str = Field(max_length=120, default="")
    round_id: int | None = Field(default=None, foreign_key="survey_round.id")
    clause_key: str | None = Field(default=None, max_length=40)
    summary: str = text_col()
    summary_en: str = text_col(default="")
    detail: str = text_col(default="")
    detail_en: str = text_col(default="")
    created_at: datetime = created_at_col()
