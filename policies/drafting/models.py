"""Draft versions, the clauses they are parsed into, and the revision notes of a new cycle."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from policies.core.columns import created_at_col, text_col, ts_col
from policies.lifecycle.models import CycleRow


class DraftVersion(CycleRow, table=True):
    """A version of a policy's text; frozen once published."""

    __tablename__ = "draft_version"
    __table_args__ = (sa.UniqueConstraint("policy_id", "number"),)

    number: int
    title: str = Field(max_length=400)
    body: str = text_col()
    change_note: str = text_col(default="")
    based_on_id: int | None = Field(default=None, foreign_key="draft_version.id")
    created_by_id: int | None = Field(default=None, foreign_key="account.id")
    created_at: datetime = created_at_col()
    published_at: datetime | None = ts_col()

    @property
    def frozen(self) -> bool:
        """Tell whether the text may no longer change."""
        return self.published_at is not None


class Clause(SQLModel, table=True):
    """A commentable unit (pasal) of a version, with an id stable across versions."""

    __tablename__ = "clause"
    __table_args__ = (sa.UniqueConstraint("version_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="draft_version.id", index=True)
    key: str = Field(max_length=40, description="Stable id, shared by the clause's versions.")
    position: int
    chapter: str = Field(max_length=300, default="")
    heading: str = Field(max_length=300)
    body: str = text_col()
    content_hash: str = Field(max_length=64)


class RevisionNote(SQLModel, table=True):
    """A point the next cycle's draft must consider: a comment, a workshop outcome, a missed target."""

    __tablename__ = "revision_note"
    __table_args__ = (sa.UniqueConstraint("policy_id", "cycle", "source", "source_id", "reason_code"),)

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)
    cycle: int = Field(description="The cycle whose draft the note informs.")
    source: str = Field(
        max_length=20, description="comment, workshop_outcome, indicator, recommendation or drafter."
    )
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


class TextElement(SQLModel, table=True):
    """A part of a version's text (Pasal, ayat, huruf, Menimbang point, …) with an id kept across versions."""

    __tablename__ = "text_element"
    __table_args__ = (sa.UniqueConstraint("version_id", "eid"), sa.UniqueConstraint("version_id", "key"))

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="draft_version.id", index=True)
    eid: str = Field(max_length=160, description="Readable id in this version, e.g. bab_2__pasal_6__ayat_2.")
    key: str = Field(max_length=40, description="Identity across versions: the clause key for a Pasal.")
    kind: str = Field(max_length=20)
    num: str = Field(max_length=20, default="")
    label: str = Field(max_length=200)
    parent_key: str | None = Field(default=None, max_length=40)
    clause_key: str = Field(max_length=40)
    position: int
    depth: int
    text: str = text_col(default="")
    content_hash: str = Field(max_length=64)
