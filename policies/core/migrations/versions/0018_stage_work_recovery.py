"""stage events count their work's attempts, say which runs were recovered and which steps are done

A run lost with its worker stayed Pending or Running forever and its work `dispatched`. The
dispatcher now crashes a run stuck past its stage's bound (or finds one Prefect crashed), and
starts the work again under the next generation of its idempotency key: the event counts the
attempts and lists each recovery (the run, its state, why), so the history shows them. Each step
of the work records itself done in its own transaction, so a re-run resumes where it stopped.

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the attempt counter (1 for every event so far), the recoveries and the steps done."""
    with op.batch_alter_table("stage_event") as batch_op:
        batch_op.add_column(sa.Column("work_attempt", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("recovered_work", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("done_work", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    """Drop them (recoveries are no longer shown; a re-run repeats its idempotent steps)."""
    with op.batch_alter_table("stage_event") as batch_op:
        batch_op.drop_column("done_work")
        batch_op.drop_column("recovered_work")
        batch_op.drop_column("work_attempt")
