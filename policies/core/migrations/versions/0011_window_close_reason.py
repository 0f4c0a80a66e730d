"""a consultation window closed early keeps the reason it was closed for

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-06 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add consultation_window.close_reason (empty for every window closed so far)."""
    with op.batch_alter_table("consultation_window") as batch_op:
        batch_op.add_column(sa.Column("close_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop the reason of an early close."""
    with op.batch_alter_table("consultation_window") as batch_op:
        batch_op.drop_column("close_reason")
