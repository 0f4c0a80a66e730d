"""stage events keep their run's last reported state

The cockpit and the stage history asked Prefect for every run's state while rendering, so a page
waited on Prefect. The stage flow and the dispatcher now record the state on the event instead.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-09 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import policies.core.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the run's state and when it was reported."""
    with op.batch_alter_table("stage_event") as batch_op:
        batch_op.add_column(
            sa.Column("flow_run_state", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )
        batch_op.add_column(sa.Column("flow_run_state_at", policies.core.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    """Drop them (pages asked Prefect again)."""
    with op.batch_alter_table("stage_event") as batch_op:
        batch_op.drop_column("flow_run_state_at")
        batch_op.drop_column("flow_run_state")
