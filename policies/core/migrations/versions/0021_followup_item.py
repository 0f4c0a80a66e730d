"""follow-up plans (rencana tindak lanjut) for a closed round's weak unsur and missed indicators

Revision ID: 0021
Revises: 0016
Create Date: 2026-12-07 04:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import policies.core.db

revision: str = "0021"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the followup_item table."""
    op.create_table(
        "followup_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("label_en", sa.String(length=300), nullable=False),
        sa.Column("baseline", sa.String(length=30), nullable=False),
        sa.Column("category", sa.String(length=1), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner_unit", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("done_note", sa.Text(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", policies.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", policies.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["policy_id"], ["policy.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["survey_round.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("followup_item") as batch_op:
        batch_op.create_index(batch_op.f("ix_followup_item_policy_id"), ["policy_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_followup_item_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    """Drop the followup_item table."""
    with op.batch_alter_table("followup_item") as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_item_round_id"))
        batch_op.drop_index(batch_op.f("ix_followup_item_policy_id"))
    op.drop_table("followup_item")
