"""The catalogue fixture writes back exactly the rows a load writes, its timestamps moved to now."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlmodel import select

from policies.catalog import load_catalog
from policies.core.db import unit_of_work
from policies.lifecycle.models import Policy
from tests.conftest import _load_catalog, _rows, _wipe, _write_again


def _without_times(rows: dict[str, list[dict[str, object]]]) -> dict[str, list[dict[str, object]]]:
    return {
        name: [{k: v for k, v in row.items() if not isinstance(v, datetime)} for row in found]
        for name, found in rows.items()
    }


def test_written_again_is_what_a_load_writes(db: str) -> None:
    loaded = _load_catalog(db)
    assert loaded.rows["policy"] and loaded.rows["clause"]
    first = _rows(db)
    _wipe(db)
    # As if the first load had run a day ago: every timestamp moves by at least that day.
    _write_again(db, replace(loaded, started_at=loaded.started_at - timedelta(days=1)))
    again = _rows(db)
    assert _without_times(again) == _without_times(first)
    for name, rows in first.items():
        for before, after in zip(rows, again[name], strict=True):
            for key, value in before.items():
                if isinstance(value, datetime):
                    assert after[key] - value >= timedelta(days=1), (name, key)
    with unit_of_work(db) as s:
        # A load finds everything there (it is idempotent) and a new row takes the id after them.
        policies = s.exec(select(Policy)).all()
        load_catalog(s)
        assert len(s.exec(select(Policy)).all()) == len(policies)
        new = Policy(slug="baru", title="Baru", kind_id=policies[0].kind_id, region="Kota", unit="Unit")
        s.add(new)
        s.flush()
        assert new.id == max(p.id or 0 for p in policies) + 1
