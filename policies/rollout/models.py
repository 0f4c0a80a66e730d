"""Adoption and roll-out: sessions, acknowledgements, mentoring."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from policies.core.columns import created_at_col, json_col, text_col
from policies.lifecycle.models import CycleRow


class Adoption(CycleRow, table=True):
    """The penetapan: the legal instrument that adopted a cycle's version."""

    __tablename__ = "adoption"
    __table_args__ = (sa.UniqueConstraint("policy_id", "cycle"),)

    version_id: int = Field(foreign_key="draft_version.id")
    instrument_type: str = Field(max_length=120)
    number: str = Field(max_length=80)
    adopted_on: date
    signed_by: str = Field(max_length=200)
    recorded_by_id: int | None = Field(default=None, foreign_key="account.id")
    recorded_at: datetime = created_at_col()


class SocializationSession(CycleRow, table=True):
    """A sosialisasi session of an adopted policy."""

    __tablename__ = "socialization_session"

    title: str = Field(max_length=300)
    held_on: date
    location: str = Field(max_length=300, default="")
    audience_units: list[str] = json_col(default_factory=list)
    attendance_count: int = Field(default=0)
    notes: str = text_col(default="")
    created_at: datetime = created_at_col()


class Acknowledgement(SQLModel, table=True):
    """An ASN's confirmation of having read an adopted version."""

    __tablename__ = "acknowledgement"
    __table_args__ = (sa.UniqueConstraint("version_id", "account_id"),)

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)
    version_id: int = Field(foreign_key="draft_version.id")
    account_id: int = Field(foreign_key="account.id")
    # The hash of the exact text read (the version's body): what was acknowledged, word for word.
    content_hash: str = Field(max_length=64, default="")
    acknowledged_at: datetime = created_at_col()


class ElementScope(SQLModel, table=True):
    """One element of a policy's text (by its key, kept across versions) applying to a unit or a position.

    Exactly one of `unit` and `position` is set (the other is empty). A change to an element with a
    scope asks only that unit's civil servants, or the holders of that position, to read it again; an
    element applies also where one of its ancestors (its Pasal, say) is scoped.
    """

    __tablename__ = "element_scope"
    __table_args__ = (
        sa.UniqueConstraint("policy_id", "element_key", "unit", "position", name="uq_element_scope_target"),
    )

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)
    element_key: str = Field(max_length=40)
    unit: str = Field(max_length=200, default="")
    # A jabatan, matched case-insensitively against the readers' own position.
    position: str = Field(max_length=120, default="")
    created_at: datetime = created_at_col()


class MentoringPair(CycleRow, table=True):
    """A senior ASN mentoring a colleague on the policy's practice."""

    __tablename__ = "mentoring_pair"

    mentor_name: str = Field(max_length=200)
    mentor_nip: str = Field(max_length=30, default="")
    mentee_name: str = Field(max_length=200)
    mentee_nip: str = Field(max_length=30, default="")
    unit: str = Field(max_length=200, default="")
    started_on: date
    ended_on: date | None = None
    extra: dict[str, Any] = json_col(default_factory=dict)


class SocializationAttendance(SQLModel, table=True):
    """One person in a socialization session's daftar hadir (the NIP shown only to the owning unit)."""

    __tablename__ = "socialization_attendance"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="socialization_session.id", index=True)
    name: str = Field(max_length=200)
    nip: str = Field(max_length=30, default="")
    unit: str = Field(max_length=200, default="")
