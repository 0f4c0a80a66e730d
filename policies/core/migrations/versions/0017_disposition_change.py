"""an accepted comment names the elements of a later version it changed, or why the text stayed

Revision ID: 0017
Revises: 0019
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import policies.core.db

revision: str = "0017"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add disposition.unchanged_reason (empty so far) and the disposition_change table."""
    with op.batch_alter_table("disposition") as batch_op:
        batch_op.add_column(sa.Column("unchanged_reason", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "disposition_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disposition_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("element_key", sa.String(length=40), nullable=False),
        sa.Column("eid", sa.String(length=160), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", policies.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["disposition_id"], ["disposition.id"]),
        sa.ForeignKeyConstraint(["version_id"], ["draft_version.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("disposition_id", "version_id", "element_key"),
    )
    with op.batch_alter_table("disposition_change") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disposition_change_disposition_id"), ["disposition_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_disposition_change_version_id"), ["version_id"], unique=False)


def downgrade() -> None:
    """Drop the traces and the reasons a text stayed."""
    with op.batch_alter_table("disposition_change") as batch_op:
        batch_op.drop_index(batch_op.f("ix_disposition_change_version_id"))
        batch_op.drop_index(batch_op.f("ix_disposition_change_disposition_id"))
    op.drop_table("disposition_change")
    with op.batch_alter_table("disposition") as batch_op:
        batch_op.drop_column("unchanged_reason")
