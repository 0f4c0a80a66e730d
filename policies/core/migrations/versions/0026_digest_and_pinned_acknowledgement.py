"""follows, notice preferences and digest events; acknowledgements pinned to a hash; element scopes

Revision ID: 0026
Revises: 0021
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import policies.core.db

revision: str = "0026"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the digest tables, the acknowledgement's content hash and the element_scope table."""
    op.create_table(
        "policy_follow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("created_at", policies.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["policy_id"], ["policy.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "policy_id"),
    )
    with op.batch_alter_table("policy_follow") as batch_op:
        batch_op.create_index("ix_policy_follow_account_id", ["account_id"], unique=False)
        batch_op.create_index("ix_policy_follow_policy_id", ["policy_id"], unique=False)
    op.create_table(
        "notice_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("cadence", sa.String(length=20), nullable=False),
        sa.Column("updated_at", policies.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "kind"),
    )
    with op.batch_alter_table("notice_preference") as batch_op:
        batch_op.create_index("ix_notice_preference_account_id", ["account_id"], unique=False)
    op.create_table(
        "digest_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=300), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("cadence", sa.String(length=20), nullable=False),
        sa.Column("occurred_at", policies.core.db.UTCDateTime(), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("digested_at", policies.core.db.UTCDateTime(), nullable=True),
        sa.Column("digest_key", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["policy_id"], ["policy.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    with op.batch_alter_table("digest_event") as batch_op:
        batch_op.create_index("ix_digest_event_account_id", ["account_id"], unique=False)
        batch_op.create_index("ix_digest_event_due", ["cadence", "digested_at", "occurred_at"], unique=False)
    with op.batch_alter_table("acknowledgement") as batch_op:
        # Acknowledgements recorded before this carry no hash: which words were read is not known.
        batch_op.add_column(
            sa.Column("content_hash", sa.String(length=64), nullable=False, server_default="")
        )
    op.create_table(
        "element_scope",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("element_key", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("created_at", policies.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["policy_id"], ["policy.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("policy_id", "element_key", "unit"),
    )
    with op.batch_alter_table("element_scope") as batch_op:
        batch_op.create_index("ix_element_scope_policy_id", ["policy_id"], unique=False)


def downgrade() -> None:
    """Drop the element scopes, the acknowledgement's hash and the digest tables."""
    op.drop_table("element_scope")
    with op.batch_alter_table("acknowledgement") as batch_op:
        batch_op.drop_column("content_hash")
    op.drop_table("digest_event")
    op.drop_table("notice_preference")
    op.drop_table("policy_follow")
