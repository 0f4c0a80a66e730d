"""comments can be flagged for the moderators, with a reason

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-06 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import policies.core.db

revision: str = "0014"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the comment_flag table (one flag per comment and account)."""
    op.create_table(
        "comment_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", policies.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["comment_id"], ["comment.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("comment_id", "account_id"),
    )
    with op.batch_alter_table("comment_flag") as batch_op:
        batch_op.create_index(batch_op.f("ix_comment_flag_comment_id"), ["comment_id"], unique=False)


def downgrade() -> None:
    """Drop the flags."""
    with op.batch_alter_table("comment_flag") as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_flag_comment_id"))
    op.drop_table("comment_flag")
