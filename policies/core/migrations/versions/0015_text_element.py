"""a version's text as elements (Pasal, ayat, huruf, …) with eIds and keys stable across versions

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the text_element table (one row per element per version)."""
    op.create_table(
        "text_element",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("eid", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("num", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("parent_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("clause_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["draft_version.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "eid"),
        sa.UniqueConstraint("version_id", "key"),
    )
    with op.batch_alter_table("text_element") as batch_op:
        batch_op.create_index(batch_op.f("ix_text_element_version_id"), ["version_id"], unique=False)


def downgrade() -> None:
    """Drop the elements."""
    with op.batch_alter_table("text_element") as batch_op:
        batch_op.drop_index(batch_op.f("ix_text_element_version_id"))
    op.drop_table("text_element")
