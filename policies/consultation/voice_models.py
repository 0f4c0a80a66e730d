"""What the register keeps beside a comment: where an offline input came from, whom a comment speaks
for, and a person's report that a comment in their name was not theirs.

Each table is keyed by the comment's id, never a column on `comment`: the comment stays one shape
for every channel, and these facts are read only where they are shown.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from policies.core.columns import created_at_col, enum_col, text_col, ts_col


class CommentOrigin(SQLModel, table=True):
    """An input an officer recorded: who said or wrote it, on what occasion, and its scan if any."""

    __tablename__ = "comment_source"

    comment_id: int = Field(foreign_key="comment.id", primary_key=True)
    # The occasion as people name it ("lokakarya Kecamatan Serpong", "surat Serikat Pekerja") and its day.
    occasion: str = Field(max_length=300, default="")
    occasion_on: date | None = None
    # How to reach the person, when they gave it: what a "not me" report is matched against.
    contact_email: str = Field(max_length=254, default="")
    contact_nip: str = Field(max_length=30, default="")
    recorded_by_id: int | None = Field(default=None, foreign_key="account.id")
    # The workshop outcome it was made from (policies/workshops), once per outcome.
    workshop_outcome_id: int | None = Field(default=None, foreign_key="workshop_outcome.id", unique=True)
    # The scan, stored under the data dir by its content hash; empty when there is none.
    scan_file: str = Field(max_length=120, default="")
    scan_name: str = Field(max_length=200, default="")
    scan_type: str = Field(max_length=60, default="")
    scan_size: int = Field(default=0)
    # Whether the public may open the scan (while the comment is visible); staff always may.
    scan_public: bool = Field(default=False)
    created_at: datetime = created_at_col()


class CommentBehalf(SQLModel, table=True):
    """A comment an organisation sent on behalf of its signatories: the count is public, the names are not."""

    __tablename__ = "comment_behalf"

    comment_id: int = Field(foreign_key="comment.id", primary_key=True)
    organisation: str = Field(max_length=200)
    signatory_count: int
    # One signatory a line ("name, NIP or email"), read only by moderators and admins.
    signatories: str = text_col()
    created_at: datetime = created_at_col()


class DisavowalState(StrEnum):
    """Where a "this was not me" report stands."""

    PENDING = "pending"  # sent, the link in the email not yet opened
    CONFIRMED = "confirmed"  # the address's owner confirmed: the comment is hidden pending review
    UPHELD = "upheld"  # a moderator found the comment was not theirs: it stays hidden
    REJECTED = "rejected"  # a moderator found it was theirs after all: it is shown again


class CommentDisavowal(SQLModel, table=True):
    """A person's report that a comment carrying their email or NIP was not sent by them, and its review."""

    __tablename__ = "comment_disavowal"

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comment.id", index=True)
    # The address the confirmation link went to (the comment's own, never one the reporter typed freely).
    email: str = Field(max_length=254)
    matched_by: str = Field(max_length=10)  # "email" or "nip"
    statement: str = text_col(default="")
    state: DisavowalState = enum_col(length=12, default=DisavowalState.PENDING)
    confirmed_at: datetime | None = ts_col()
    # Whether confirming hid the comment (a comment already hidden keeps its moderator's reason).
    hid_comment: bool = Field(default=False)
    reviewed_at: datetime | None = ts_col()
    reviewed_by_id: int | None = Field(default=None, foreign_key="account.id")
    review_reason: str = text_col(default="")
    created_at: datetime = created_at_col()
