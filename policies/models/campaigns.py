"""Campaign detection state: each comment's MinHash signature and its LSH band buckets."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


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
