"""Accounts that exist when email verification arrives are taken as verified (demo, admin-made, older)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from policies.core.db import get_engine
from policies.core.migrate import upgrade


def test_existing_accounts_migrate_as_verified(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'before.db'}"
    upgrade(url, revision="0003")
    engine = get_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                'INSERT INTO account (email, name, password_hash, role, unit, "group", nip, locale, '
                "active, created_at) VALUES ('lama@warga.test', 'Lama', 'x', 'stakeholder', '', "
                "'public', '', 'id', 1, '2026-01-02 03:04:05')"
            )
        )
    engine.dispose()
    upgrade(url, revision="0007")
    with engine.connect() as conn:
        verified = conn.execute(sa.text("SELECT email_verified_at FROM account")).scalar_one()
    engine.dispose()
    assert str(verified).startswith("2026-01-02 03:04:05")
