"""socialization sessions keep their daftar hadir: one row per person, by name, NIP and unit

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the socialization_attendance table."""
    op.create_table(
        "socialization_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("nip", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["socialization_session.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("socialization_attendance") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_socialization_attendance_session_id"), ["session_id"], unique=False
        )


def downgrade() -> None:
    """Drop the socialization_attendance table."""
    with op.batch_alter_table("socialization_attendance") as batch_op:
        batch_op.drop_index(batch_op.f("ix_socialization_attendance_session_id"))
    op.drop_table("socialization_attendance")
