"""accounts verify their email; sign-in and sign-up attempts are throttled in the database

Self-registered accounts may comment only once their owner opened the link sent to the address;
every account that exists already (demo, admin-made, registered before) is taken as verified.
The throttle's counts live in a table so that every worker process sees the same ones.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import policies.core.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add account.email_verified_at (existing accounts verified) and the throttle table."""
    with op.batch_alter_table("account") as batch_op:
        batch_op.add_column(sa.Column("email_verified_at", policies.core.db.UTCDateTime(), nullable=True))
    op.execute("UPDATE account SET email_verified_at = created_at")
    op.create_table(
        "throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("started_at", policies.core.db.UTCDateTime(), nullable=False),
        sa.Column("last_at", policies.core.db.UTCDateTime(), nullable=False),
        sa.Column("blocked_until", policies.core.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )


def downgrade() -> None:
    """Drop the throttle and the verification time."""
    op.drop_table("throttle")
    with op.batch_alter_table("account") as batch_op:
        batch_op.drop_column("email_verified_at")
