"""comments anchor to an element and a quoted passage; anchors are carried to later versions

Revision ID: 0016
Revises: 0017
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import policies.core.db

revision: str = "0016"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the comment's anchor columns and the comment_anchor table (one row per comment and later version)."""
    with op.batch_alter_table("comment") as batch_op:
        # Every comment so far is on its whole clause, with no passage context.
        batch_op.add_column(sa.Column("element_key", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("element_eid", sa.String(length=160), nullable=True))
        batch_op.add_column(
            sa.Column("element_label", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("quote_prefix", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("quote_suffix", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("quote_start", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("quote_end", sa.Integer(), nullable=True))
    op.create_table(
        "comment_anchor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("element_key", sa.String(length=40), nullable=True),
        sa.Column("eid", sa.String(length=160), nullable=True),
        sa.Column("clause_key", sa.String(length=40), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("quote_start", sa.Integer(), nullable=True),
        sa.Column("quote_end", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("change_label", sa.Text(), nullable=False),
        sa.Column("created_at", policies.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comment.id"]),
        sa.ForeignKeyConstraint(["version_id"], ["draft_version.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("comment_id", "version_id"),
    )
    with op.batch_alter_table("comment_anchor") as batch_op:
        batch_op.create_index("ix_comment_anchor_version_clause", ["version_id", "clause_key"], unique=False)


def downgrade() -> None:
    """Drop the carried anchors and the comment's anchor columns."""
    with op.batch_alter_table("comment_anchor") as batch_op:
        batch_op.drop_index("ix_comment_anchor_version_clause")
    op.drop_table("comment_anchor")
    with op.batch_alter_table("comment") as batch_op:
        for name in ("quote_end", "quote_start", "quote_suffix", "quote_prefix", "element_label"):
            batch_op.drop_column(name)
        batch_op.drop_column("element_eid")
        batch_op.drop_column("element_key")
