"""survey publication: a closed round's results published on a public page by an evaluator

Revision ID: 0020
Revises: 0026
Create Date: 2026-12-07 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import policies.core.db

revision: str = "0020"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add when and by whom a round's results were published for the public."""
    with op.batch_alter_table("survey_round") as batch_op:
        batch_op.add_column(sa.Column("results_public_at", policies.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("results_public_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_survey_round_results_public_by_id_account", "account", ["results_public_by_id"], ["id"]
        )


def downgrade() -> None:
    """Drop the publication columns."""
    with op.batch_alter_table("survey_round") as batch_op:
        batch_op.drop_constraint("fk_survey_round_results_public_by_id_account", type_="foreignkey")
        batch_op.drop_column("results_public_by_id")
        batch_op.drop_column("results_public_at")
