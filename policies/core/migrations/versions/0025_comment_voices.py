"""offline inputs' sources and scans, comments on behalf of signatories, "not me" reports

Revision ID: 0025
Revises: 0020
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import policies.core.db

revision: str = "0025"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add comment_source, comment_behalf and comment_disavowal, each keyed by the comment."""
    op.create_table(
        "comment_source",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("occasion", sa.String(length=300), nullable=False),
        sa.Column("occasion_on", sa.Date(), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("contact_nip", sa.String(length=30), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("workshop_outcome_id", sa.Integer(), nullable=True),
        sa.Column("scan_file", sa.String(length=120), nullable=False),
        sa.Column("scan_name", sa.String(length=200), nullable=False),
        sa.Column("scan_type", sa.String(length=60), nullable=False),
        sa.Column("scan_size", sa.Integer(), nullable=False),
        sa.Column("scan_public", sa.Boolean(), nullable=False),
        sa.Column("created_at", policies.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comment.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["workshop_outcome_id"], ["workshop_outcome.id"]),
        sa.PrimaryKeyConstraint("comment_id"),
        sa.UniqueConstraint("workshop_outcome_id"),
    )
    op.create_table(
        "comment_behalf",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("signatory_count", sa.Integer(), nullable=False),
        sa.Column("signatories", sa.Text(), nullable=False),
        sa.Column("created_at", policies.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comment.id"]),
        sa.PrimaryKeyConstraint("comment_id"),
    )
    op.create_table(
        "comment_disavowal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("matched_by", sa.String(length=10), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("confirmed_at", policies.core.db.UTCDateTime(), nullable=True),
        sa.Column("hid_comment", sa.Boolean(), nullable=False),
        sa.Column("reviewed_at", policies.core.db.UTCDateTime(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=False),
        sa.Column("created_at", policies.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comment.id"]),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("comment_disavowal") as batch_op:
        batch_op.create_index("ix_comment_disavowal_comment_id", ["comment_id"], unique=False)


def downgrade() -> None:
    """Drop the three tables."""
    with op.batch_alter_table("comment_disavowal") as batch_op:
        batch_op.drop_index("ix_comment_disavowal_comment_id")
    op.drop_table("comment_disavowal")
    op.drop_table("comment_behalf")
    op.drop_table("comment_source")
