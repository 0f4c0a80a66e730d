"""survey anonymity: who answered apart from what, receipts, no submission dates, random ids

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import policies.core.db

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Move 'has answered' into its own table, add receipts, drop both sides' submission dates."""
    op.create_table(
        "survey_participation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["respondent_id"], ["survey_respondent.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["survey_round.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("respondent_id"),
    )
    with op.batch_alter_table("survey_participation") as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_participation_round_id"), ["round_id"], unique=False)
    op.create_table(
        "survey_receipt",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("receipt_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["survey_round.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("receipt_hash"),
    )
    with op.batch_alter_table("survey_receipt") as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_receipt_round_id"), ["round_id"], unique=False)
    # Those who answered before keep their one answer; the respondent id orders nothing about it.
    op.execute(
        "INSERT INTO survey_participation (id, round_id, respondent_id) "
        "SELECT id, round_id, id FROM survey_respondent WHERE responded_at IS NOT NULL"
    )
    with op.batch_alter_table("survey_respondent") as batch_op:
        batch_op.drop_column("responded_at")
    with op.batch_alter_table("survey_response") as batch_op:
        batch_op.drop_column("submitted_on")


def downgrade() -> None:
    """Restore the dates (as the round's opening day) and drop receipts and participation."""
    with op.batch_alter_table("survey_response") as batch_op:
        batch_op.add_column(sa.Column("submitted_on", sa.String(length=10), nullable=False, server_default=""))
    with op.batch_alter_table("survey_respondent") as batch_op:
        batch_op.add_column(sa.Column("responded_at", policies.core.db.UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE survey_respondent SET responded_at = (SELECT opens_at FROM survey_round "
        "WHERE survey_round.id = survey_respondent.round_id) "
        "WHERE id IN (SELECT respondent_id FROM survey_participation)"
    )
    with op.batch_alter_table("survey_receipt") as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_receipt_round_id"))
    op.drop_table("survey_receipt")
    with op.batch_alter_table("survey_participation") as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_participation_round_id"))
    op.drop_table("survey_participation")
