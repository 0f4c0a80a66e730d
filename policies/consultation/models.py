"""Consultation windows, comments, votes, dispositions and the changes they caused, campaign groups."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from policies.consultation.tracking_numbers import WIDTH, new_tracking_number
from policies.core.columns import created_at_col, enum_col, text_col, ts_col
from policies.core.db import UTCDateTime
from policies.lifecycle.models import CycleRow


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


class CommentSource(StrEnum):
    """How a comment reached the register."""

    ONLINE = "online"
    WORKSHOP = "workshop"
    # Recorded by an officer (policies/consultation/offline.py): said aloud, written on paper, a letter.
    ORAL = "oral"
    PAPER = "paper"
    LETTER = "letter"


class CommentSignature(SQLModel, table=True):
    """A comment's MinHash signature (uint32 values), read back to confirm an LSH candidate."""

    __tablename__ = "comment_signature"

    comment_id: int = Field(foreign_key="comment.id", primary_key=True)
    signature: bytes = Field(sa_type=sa.LargeBinary)


class CommentBand(SQLModel, table=True):
    """One LSH band of a comment's signature: comments sharing a bucket are near-duplicate candidates.

    Kept in the database, not in process memory, so every worker process sees every comment.
    """

    __tablename__ = "comment_band"
    __table_args__ = (sa.Index("ix_comment_band_bucket", "window_id", "band", "band_hash", "comment_id"),)

    id: int | None = Field(default=None, primary_key=True)
    window_id: int = Field(foreign_key="consultation_window.id")
    band: int = Field(sa_type=sa.SmallInteger)
    band_hash: int = Field(sa_type=sa.BigInteger)
    comment_id: int = Field(foreign_key="comment.id")


class ConsultationWindow(CycleRow, table=True):
    """The period a published version is open for public comment."""

    __tablename__ = "consultation_window"

    version_id: int = Field(foreign_key="draft_version.id")
    opens_at: datetime = Field(sa_type=UTCDateTime)
    closes_at: datetime = Field(sa_type=UTCDateTime, index=True)
    closed_at: datetime | None = ts_col()
    # Why it closed before its planned end, when a drafter closed it early.
    close_reason: str | None = text_col(default=None, nullable=True)
    report_published_at: datetime | None = ts_col()
    created_by_id: int | None = Field(default=None, foreign_key="account.id")
    created_at: datetime = created_at_col()


class Campaign(SQLModel, table=True):
    """A group of identical or near-identical comments, answerable at once."""

    __tablename__ = "campaign"

    id: int | None = Field(default=None, primary_key=True)
    window_id: int = Field(foreign_key="consultation_window.id", index=True)
    # No FK: campaign and comment would reference each other, a cycle some DDL cannot order.
    representative_comment_id: int
    representative_text: str = text_col()
    # No member count here: it is counted when listed (consultation/queries/campaigns.py, campaign_size).
    created_at: datetime = created_at_col()


class Comment(SQLModel, table=True):
    """A masukan on a clause of a frozen version, or a reply to one."""

    __tablename__ = "comment"
    __table_args__ = (
        sa.Index("ix_comment_window_id_id", "window_id", "id"),
        # The clause filter of the register and the pages of the report read a clause's comments.
        sa.Index("ix_comment_window_clause_id", "window_id", "clause_key", "id"),
        sa.Index("ix_comment_author_created", "author_id", "created_at"),
        sa.Index("ix_comment_window_hash", "window_id", "text_hash"),
        sa.Index("ix_comment_window_support", "window_id", "support_count", "id"),
        # A status page finds its comment by the number a citizen types.
        sa.Index("ix_comment_tracking_number", "tracking_number", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)
    version_id: int = Field(foreign_key="draft_version.id")
    window_id: int | None = Field(default=None, foreign_key="consultation_window.id")
    clause_key: str = Field(max_length=40, index=True)
    parent_id: int | None = Field(default=None, foreign_key="comment.id", index=True)
    quote: str = text_col(default="")
    # The anchor (policies/consultation/anchors.py): the element commented on (None: the whole
    # clause) and, with a quote, where it sits in the element's text and the words around it
    # (W3C Web Annotation text-position and text-quote selectors).
    element_key: str | None = Field(default=None, max_length=40)
    # The element's eId and label on the comment's version, copied: that version is frozen, and
    # every read of the register then shows the anchor without a join.
    element_eid: str | None = Field(default=None, max_length=160)
    element_label: str = Field(default="", max_length=200)
    quote_prefix: str = text_col(default="")
    quote_suffix: str = text_col(default="")
    quote_start: int | None = None
    quote_end: int | None = None
    body: str = text_col()
    text_hash: str = Field(max_length=64, description="Hash of the normalized body.")
    stance: Stance = enum_col(default=Stance.NEUTRAL)
    author_id: int | None = Field(default=None, foreign_key="account.id")
    author_name: str = Field(max_length=200)
    author_group: str = Field(max_length=20, default="public")
    source: CommentSource = enum_col(default=CommentSource.ONLINE)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    support_count: int = Field(default=0)
    oppose_count: int = Field(default=0)
    hidden_at: datetime | None = ts_col()
    hidden_reason: str = text_col(default="")
    hidden_by_id: int | None = Field(default=None, foreign_key="account.id")
    created_at: datetime = created_at_col()
    # The public tracking number (consultation/tracking_numbers.py): drawn for every row, however
    # it is inserted (the column default serves the bulk inserts past the ORM too).
    tracking_number: str = Field(
        default_factory=new_tracking_number,
        max_length=WIDTH,
        sa_column_kwargs={"default": new_tracking_number},
    )


class AnchorMethod(StrEnum):
    """How a comment's anchor was found again in a later version."""

    EXACT = "exact"
    FUZZY = "fuzzy"
    ELEMENT = "element"
    LOST = "lost"


class AnchorStatus(StrEnum):
    """What a later version did to the text a comment is anchored to."""

    RELEVANT = "relevant"
    MOVED = "moved"
    MOOT = "moot"


class CommentAnchor(SQLModel, table=True):
    """Where a comment of an earlier version sits in a later published version, and how sure that is."""

    __tablename__ = "comment_anchor"
    __table_args__ = (
        sa.UniqueConstraint("comment_id", "version_id"),
        # A clause page of the later version reads the comments carried onto it.
        sa.Index("ix_comment_anchor_version_clause", "version_id", "clause_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comment.id")
    version_id: int = Field(foreign_key="draft_version.id")
    # None when the anchor is lost (the element and its text are gone).
    element_key: str | None = Field(default=None, max_length=40)
    eid: str | None = Field(default=None, max_length=160)
    clause_key: str | None = Field(default=None, max_length=40)
    label: str = Field(default="", max_length=200)
    quote_start: int | None = None
    quote_end: int | None = None
    method: AnchorMethod = enum_col(length=10)
    confidence: float
    status: AnchorStatus = enum_col(length=10)
    change_label: str = text_col(default="")
    created_at: datetime = created_at_col()


class CommentVote(SQLModel, table=True):
    """A stakeholder's support (+1) or opposition (-1) to a comment."""

    __tablename__ = "comment_vote"
    __table_args__ = (sa.UniqueConstraint("comment_id", "account_id"),)

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comment.id", index=True)
    account_id: int = Field(foreign_key="account.id")
    value: int


class CommentFlag(SQLModel, table=True):
    """A signed-in person's report of a comment to the moderators, with the reason (one per person)."""

    __tablename__ = "comment_flag"
    __table_args__ = (sa.UniqueConstraint("comment_id", "account_id"),)

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comment.id", index=True)
    account_id: int = Field(foreign_key="account.id")
    reason: str = text_col()
    created_at: datetime = created_at_col()


class Disposition(SQLModel, table=True):
    """The drafter's tindak lanjut of one comment, with the reason owed to its author."""

    __tablename__ = "disposition"

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comment.id", unique=True)
    outcome: Outcome = enum_col()
    reason: str = text_col()
    next_clause_key: str | None = Field(default=None, max_length=40)
    responder_id: int | None = Field(default=None, foreign_key="account.id")
    via_campaign_id: int | None = Field(default=None, foreign_key="campaign.id")
    responded_at: datetime = created_at_col()
    # Why the text stayed as it was, for an accepted comment that changed no element of a later version.
    unchanged_reason: str = text_col(default="")


class DispositionChange(SQLModel, table=True):
    """An element of a later version that an accepted comment changed: the trace from answer to text."""

    __tablename__ = "disposition_change"
    __table_args__ = (sa.UniqueConstraint("disposition_id", "version_id", "element_key"),)

    id: int | None = Field(default=None, primary_key=True)
    disposition_id: int = Field(foreign_key="disposition.id", index=True)
    version_id: int = Field(foreign_key="draft_version.id", index=True)
    # The element's identity across versions (text_element.key) and its address in that version.
    element_key: str = Field(max_length=40)
    eid: str = Field(max_length=160)
    created_by_id: int | None = Field(default=None, foreign_key="account.id")
    created_at: datetime = created_at_col()
