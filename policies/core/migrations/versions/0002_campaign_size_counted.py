"""campaign size is counted when listed, not stored

Every comment joining a campaign used to bump `campaign.size`: one row that every concurrent
joiner had to lock, so a campaign's posts queued behind each other on PostgreSQL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Drop the stored member count."""
    with op.batch_alter_table("campaign") as batch_op:
        batch_op.drop_column("size")


def downgrade() -> None:
    """Store the member count again, filled from the members."""
    with op.batch_alter_table("campaign") as batch_op:
        batch_op.add_column(sa.Column("size", sa.Integer(), nullable=False, server_default="1"))
    op.execute(
        "UPDATE campaign SET size = (SELECT count(*) FROM comment WHERE comment.campaign_id = campaign.id)"
    )
    with op.batch_alter_table("campaign") as batch_op:
        batch_op.alter_column("size", server_default=None)
