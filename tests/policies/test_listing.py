"""Page cursors: every list's cursor is checked in one place, a forged one is a refusal."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest

from policies.core.errors import InvalidInput
from policies.core.listing import cursor_id, encode_cursor, id_cursor, typed_cursor


def _raw(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_a_cursor_made_by_a_page_comes_back_as_written() -> None:
    assert cursor_id(id_cursor(42)) == 42
    made = encode_cursor({"on": "2026-08-17", "id": 7})
    assert typed_cursor(made, fields={"on": date, "id": int}) == {"on": date(2026, 8, 17), "id": 7}
    assert typed_cursor(encode_cursor({"code": "ikm"}), fields={"code": str}) == {"code": "ikm"}


@pytest.mark.parametrize(
    "forged",
    [
        {"id": "1 OR 1=1"},
        {"id": "9" * 30},  # text that int() would turn into a number no column holds
        {"id": "+1"},
        {"id": 1.0},
        {"id": True},
        {"id": 0},
        {"id": -3},
        {"id": 2**40},
        {"id": None},
        {"id": [1]},
        {"id": 1, "extra": 2},
        ["id", 1],
    ],
)
def test_a_forged_id_cursor_is_refused(forged: object) -> None:
    with pytest.raises(InvalidInput) as info:
        cursor_id(_raw(forged))
    assert info.value.field == "cursor" and info.value.detail_en


@pytest.mark.parametrize(
    "forged",
    [
        {"on": "2026-08-17", "id": "9" * 30},
        {"on": "2026-08-17", "id": "12"},
        {"on": "2026-02-30", "id": 1},
        {"on": "17 Agustus 2026", "id": 1},
        {"on": "2026-08-17T00:00:00", "id": 1},
        {"on": 20260817, "id": 1},
        {"on": "٢٠٢٦-٠٨-١٧", "id": 1},
    ],
)
def test_a_forged_dated_cursor_is_refused(forged: object) -> None:
    with pytest.raises(InvalidInput):
        typed_cursor(_raw(forged), fields={"on": date, "id": int})


def test_text_that_is_not_a_cursor_is_refused() -> None:
    for junk in ("", "bukan-kursor", "%%%", _raw("text"), "x" * 400):
        with pytest.raises(InvalidInput):
            typed_cursor(junk, fields={"code": str})
    with pytest.raises(InvalidInput):
        typed_cursor(_raw({"code": 5}), fields={"code": str})
