"""an account's position (jabatan); element scopes target a unit or a position

Revision ID: 0027
Revises: 0024
Create Date: 2026-12-07 06:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite reflects the earlier, unnamed unique constraint under this convention, so it can be dropped.
_SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}


def _old_unique_name() -> str:
    if op.get_bind().dialect.name == "sqlite":
        return "uq_element_scope_policy_id_element_key_unit"
    for uc in sa.inspect(op.get_bind()).get_unique_constraints("element_scope"):
        if set(uc["column_names"]) == {"policy_id", "element_key", "unit"}:
            return str(uc["name"])
    raise RuntimeError("element_scope has no unique constraint on (policy_id, element_key, unit)")


def upgrade() -> None:
    """Add account.position and element_scope.position; one scope per element and unit or position."""
    with op.batch_alter_table("account") as batch_op:
        batch_op.add_column(sa.Column("position", sa.String(length=120), nullable=False, server_default=""))
    old = _old_unique_name()
    with op.batch_alter_table("element_scope", naming_convention=_SQLITE_NAMES) as batch_op:
        batch_op.drop_constraint(old, type_="unique")
        batch_op.add_column(sa.Column("position", sa.String(length=120), nullable=False, server_default=""))
        batch_op.create_unique_constraint(
            "uq_element_scope_target", ["policy_id", "element_key", "unit", "position"]
        )


def downgrade() -> None:
    """Drop the position scopes and columns; the unique constraint names the unit alone again."""
    op.execute(sa.text("DELETE FROM element_scope WHERE position <> ''"))
    with op.batch_alter_table("element_scope") as batch_op:
        batch_op.drop_constraint("uq_element_scope_target", type_="unique")
        batch_op.drop_column("position")
        batch_op.create_unique_constraint(
            "uq_element_scope_policy_id_element_key_unit", ["policy_id", "element_key", "unit"]
        )
    with op.batch_alter_table("account") as batch_op:
        batch_op.drop_column("position")
