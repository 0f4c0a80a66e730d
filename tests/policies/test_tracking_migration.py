"""Comments that exist when tracking numbers arrive get one each (unique); the SKB's days are seeded."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa

from policies.core.db import get_engine
from policies.core.migrate import upgrade

COLUMNS = (
    "policy_id, version_id, clause_key, quote, element_label, quote_prefix, quote_suffix, body, text_hash, "
    "stance, author_name, author_group, source, support_count, oppose_count, hidden_reason, created_at"
)


def test_existing_comments_are_numbered_and_the_cuti_bersama_seeded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'before.db'}"
    upgrade(url, revision="0016")
    get_engine(url).dispose()
    # The plain driver, whose foreign keys are off: the comments alone, no policy needed here.
    with closing(sqlite3.connect(tmp_path / "before.db")) as raw, raw:
        raw.executemany(
            f"INSERT INTO comment ({COLUMNS}) VALUES (1, 1, 'p1', '', '', '', '', ?, 'h', "
            "'neutral', 'Warga', 'public', 'online', 0, 0, '', '2026-01-02 03:04:05')",
            [(f"Masukan {n}",) for n in range(30)],
        )
    upgrade(url)
    engine = get_engine(url)
    with engine.connect() as conn:
        numbers = list(conn.execute(sa.text("SELECT tracking_number FROM comment")).scalars())
        days = list(
            conn.execute(sa.text("SELECT closed_on FROM holiday WHERE kind = 'cuti_bersama'")).scalars()
        )
    engine.dispose()
    assert len(numbers) == len(set(numbers)) == 30
    assert all(re.fullmatch(r"SKL-[2-9A-Z]{4}-[2-9A-Z]{4}", n) for n in numbers)
    assert len(days) == 16 and "2026-03-23" in {str(d) for d in days}
