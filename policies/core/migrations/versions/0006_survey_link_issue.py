"""every issue and reissue of a survey link is recorded (who, when, why)

An evaluator could reissue a respondent's link and answer in their name without a trace. Each issue
is now a row, and the respondent is told of every reissue.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import policies.core.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the survey_link_issue table."""
    op.create_table(
        "survey_link_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("reissue", sa.Boolean(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_by_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("issued_at", policies.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["issued_by_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["respondent_id"], ["survey_respondent.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["survey_round.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("survey_link_issue") as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_link_issue_round_id"), ["round_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_survey_link_issue_respondent_id"), ["respondent_id"], unique=False
        )


def downgrade() -> None:
    """Drop it (issues were no longer recorded)."""
    with op.batch_alter_table("survey_link_issue") as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_link_issue_respondent_id"))
        batch_op.drop_index(batch_op.f("ix_survey_link_issue_round_id"))
    op.drop_table("survey_link_issue")
