"""stage events say which steps of their work were retired as obsolete, and why

Stage work of an event the policy had moved past was dropped without a word (work state `none`).
Every step now runs whatever the policy's stage, unless it is truly obsolete; a retired step is
recorded on its event with the reason, so the history shows it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the list of retired steps (empty for every event so far)."""
    with op.batch_alter_table("stage_event") as batch_op:
        batch_op.add_column(sa.Column("retired_work", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    """Drop it (retirements are no longer shown)."""
    with op.batch_alter_table("stage_event") as batch_op:
        batch_op.drop_column("retired_work")
