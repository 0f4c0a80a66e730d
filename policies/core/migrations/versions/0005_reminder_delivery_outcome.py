"""reminders keep one Message-ID and the outcome of each attempt

An email went out twice when the database write after a successful SMTP send failed: the claim
expired and the message was sent again with a new Message-ID. A reminder now keeps the Message-ID
chosen at its first claim, when its current attempt began (a row left "sending" is not resent
blindly) and the SMTP server's answer (its queue id).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import policies.core.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the Message-ID, the claim's time and the server's answer."""
    with op.batch_alter_table("reminder") as batch_op:
        batch_op.add_column(
            sa.Column(
                "message_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False, server_default=""
            )
        )
        batch_op.add_column(sa.Column("claimed_at", policies.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "smtp_reply", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False, server_default=""
            )
        )


def downgrade() -> None:
    """Drop them (a retry after an unknown outcome may send a second copy again)."""
    with op.batch_alter_table("reminder") as batch_op:
        batch_op.drop_column("smtp_reply")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("message_id")
