"""Keyset pagination: opaque cursors and the policy list read page by page."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from policies.core.db import MAX_INTEGER
from policies.core.errors import InvalidInput
from policies.lifecycle.models import Policy, PolicyKind, Stage

MAX_PAGE = 200
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def encode_cursor(values: dict[str, Any]) -> str:
    """Pack the sort key of the last row seen into an opaque, URL-safe cursor: every list's one format."""
    raw = json.dumps(values, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, keys: tuple[str, ...], field: str = "after") -> dict[str, Any]:
    """Unpack a cursor made by `encode_cursor`, refusing one that was not (or was tampered with)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        values = None
    if not isinstance(values, dict) or set(values) != set(keys) or not all(map(_storable, values.values())):
        raise invalid_cursor(field=field)
    return values


def typed_cursor(
    cursor: str, *, fields: Mapping[str, type[int] | type[str] | type[date]], field: str = "cursor"
) -> dict[str, Any]:
    """Unpack a cursor whose keys have these types, refusing any value `encode_cursor` would not have written.

    The one check every list's cursor passes: an int is a positive INTEGER-column value (never text
    that looks like one), a date an ISO date string, text what a column compares; a forged cursor is
    a refusal, never a query that fails.
    """
    values = decode_cursor(cursor, keys=tuple(fields), field=field)
    out: dict[str, Any] = {}
    for key, kind in fields.items():
        value = values[key]
        if kind is int:
            if type(value) is not int or value < 1:
                raise invalid_cursor(field=field)
            out[key] = value
        elif kind is date:
            if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
                raise invalid_cursor(field=field)
            try:
                out[key] = date.fromisoformat(value)
            except ValueError as exc:
                raise invalid_cursor(field=field) from exc
        else:
            if not isinstance(value, str):
                raise invalid_cursor(field=field)
            out[key] = value
    return out


def id_cursor(last_id: int) -> str:
    """Return the cursor of a list ordered by id, after the row with this id."""
    return encode_cursor({"id": last_id})


def cursor_id(cursor: str, *, field: str = "cursor") -> int:
    """Return the id a page of a list ordered by id ended on, from its cursor."""
    return int(typed_cursor(cursor, fields={"id": int}, field=field)["id"])


def invalid_cursor(*, field: str) -> InvalidInput:
    """Return the refusal of a cursor no page of this list made, naming what to pass instead."""
    # The policy list pages with ?after= and answers `next`; every other list with ?cursor= and
    # `next_cursor`.
    if field == "after":
        return InvalidInput(
            "Kursor halaman tidak valid: gunakan nilai 'next' dari halaman sebelumnya apa adanya.",
            en="Invalid page cursor: pass the 'next' value of the previous page exactly as given.",
            field=field,
        )
    return InvalidInput(
        "Kursor halaman tidak dikenal: pakai next_cursor dari halaman sebelumnya apa adanya "
        "(dengan urutan yang sama).",
        en="Unknown page cursor: pass the previous page's next_cursor unchanged (with the same sort).",
        field=field,
    )


def _storable(value: object) -> bool:
    # What encode_cursor writes and a database compares without error: an integer an INTEGER
    # column holds, or text without NUL (a forged cursor could carry either past the checks).
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -MAX_INTEGER - 1 <= value <= MAX_INTEGER
    return isinstance(value, str) and "\x00" not in value and len(value) <= 1000


def check_limit(limit: int, *, field: str = "limit") -> int:
    """Refuse a page size outside 1..MAX_PAGE."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(
            f"Ukuran halaman harus antara 1 dan {MAX_PAGE}.",
            en=f"The page size must be between 1 and {MAX_PAGE}.",
            field=field,
        )
    return limit


@dataclass(frozen=True)
class PolicyPage:
    """One page of policies, each with its kind's code, and the cursor of the next page."""

    items: list[tuple[Policy, str]]
    next: str | None


def policies_page(
    session: Session,
    *,
    stage: Stage | None = None,
    kind_code: str | None = None,
    unit: str | None = None,
    after: str | None = None,
    limit: int = 50,
) -> PolicyPage:
    """Return the policies matching the filters after the cursor, by slug."""
    check_limit(limit)
    stmt = select(Policy, PolicyKind.code).join(PolicyKind, col(PolicyKind.id) == Policy.kind_id)
    if stage is not None:
        stmt = stmt.where(Policy.stage == stage.value)
    if kind_code:
        stmt = stmt.where(PolicyKind.code == kind_code)
    if unit:
        stmt = stmt.where(Policy.unit == unit)
    if after:
        last = decode_cursor(after, keys=("slug",))
        stmt = stmt.where(col(Policy.slug) > str(last["slug"]))
    # One row more than asked tells whether another page exists without counting.
    rows = list(session.exec(stmt.order_by(col(Policy.slug)).limit(limit + 1)))
    items = [(p, code) for p, code in rows[:limit]]
    more = len(rows) > limit
    return PolicyPage(items=items, next=encode_cursor({"slug": items[-1][0].slug}) if more else None)
