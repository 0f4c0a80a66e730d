"""every comment gets a public tracking number; the closed days beyond the national calendar

Revision ID: 0024
Revises: 0025
Create Date: 2026-12-07 04:50:00
"""

import secrets
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

import policies.core.db

revision: str = "0024"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here as the migration wrote them (the app's alphabet may change; these numbers stay).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
# Cuti bersama of the SKB of three ministers (Menteri Agama, Menteri Ketenagakerjaan, MenPAN-RB)
# for 2026 and 2027, which the `holidays` library's public calendar does not hold.
SKB = "SKB Menteri Agama, Menteri Ketenagakerjaan dan MenPAN-RB tentang hari libur nasional dan cuti bersama"
CUTI_BERSAMA = (
    (date(2026, 2, 16), "Cuti bersama Tahun Baru Imlek 2577 Kongzili", 2026),
    (date(2026, 3, 18), "Cuti bersama Hari Suci Nyepi Tahun Baru Saka 1948", 2026),
    (date(2026, 3, 20), "Cuti bersama Idul Fitri 1447 H", 2026),
    (date(2026, 3, 23), "Cuti bersama Idul Fitri 1447 H", 2026),
    (date(2026, 3, 24), "Cuti bersama Idul Fitri 1447 H", 2026),
    (date(2026, 5, 15), "Cuti bersama Kenaikan Yesus Kristus", 2026),
    (date(2026, 5, 28), "Cuti bersama Idul Adha 1447 H", 2026),
    (date(2026, 12, 24), "Cuti bersama Hari Raya Natal", 2026),
    (date(2027, 2, 5), "Cuti bersama Tahun Baru Imlek 2578 Kongzili", 2027),
    (date(2027, 3, 9), "Cuti bersama Idul Fitri 1448 H", 2027),
    (date(2027, 3, 12), "Cuti bersama Idul Fitri 1448 H", 2027),
    (date(2027, 3, 15), "Cuti bersama Idul Fitri 1448 H", 2027),
    (date(2027, 3, 25), "Cuti bersama Wafat Yesus Kristus", 2027),
    (date(2027, 5, 18), "Cuti bersama Idul Adha 1448 H", 2027),
    (date(2027, 5, 19), "Cuti bersama Hari Raya Waisak 2571 BE", 2027),
    (date(2027, 12, 24), "Cuti bersama Hari Raya Natal", 2027),
)


def _number(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        number = f"SKL-{code[:4]}-{code[4:]}"
        if number not in taken:
            taken.add(number)
            return number


def upgrade() -> None:
    """Add comment.tracking_number (backfilled, unique) and the holiday table seeded with the SKB."""
    # Added NOT NULL with an empty default, then filled: SQLite adds such a column in place, where
    # making a nullable one NOT NULL later would rebuild the comment table under its many children.
    with op.batch_alter_table("comment") as batch_op:
        batch_op.add_column(
            sa.Column("tracking_number", sa.String(length=13), nullable=False, server_default="")
        )
    conn = op.get_bind()
    ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM comment ORDER BY id"))]
    taken: set[str] = set()
    update = sa.text("UPDATE comment SET tracking_number = :number WHERE id = :id")
    for start in range(0, len(ids), 1000):
        conn.execute(update, [{"id": i, "number": _number(taken)} for i in ids[start : start + 1000]])
    if conn.dialect.name != "sqlite":
        # Every insert draws its own number (the model's default); no row may fall back on "".
        op.alter_column("comment", "tracking_number", server_default=None)
    with op.batch_alter_table("comment") as batch_op:
        batch_op.create_index("ix_comment_tracking_number", ["tracking_number"], unique=True)
    holiday = op.create_table(
        "holiday",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", policies.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("closed_on"),
    )
    now = policies.core.db.utcnow()
    op.bulk_insert(
        holiday,
        [
            {
                "closed_on": day,
                "name": name,
                "kind": "cuti_bersama",
                "basis": f"{SKB} tahun {year}",
                "created_at": now,
            }
            for day, name, year in CUTI_BERSAMA
        ],
    )


def downgrade() -> None:
    """Drop the holiday table and the tracking numbers."""
    op.drop_table("holiday")
    with op.batch_alter_table("comment") as batch_op:
        batch_op.drop_index("ix_comment_tracking_number")
        batch_op.drop_column("tracking_number")
