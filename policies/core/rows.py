"""One row that must belong to its parent: found by id, or a NotFound that names both."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, SQLModel

from policies.core.errors import NotFound

Row = TypeVar("Row", bound=SQLModel)


def child_row(
    session: Session,
    *,
    model: type[Row],
    row_id: int,
    parent: tuple[str, int | None],
    missing: tuple[str, str],
) -> Row:
    """Return the row of `model` with this id whose `parent` column holds the parent's id, or raise NotFound.

    A row of another parent is refused exactly like one that does not exist, so an id never tells
    a visitor what another policy holds.
    """
    column, parent_id = parent
    row = session.get(model, row_id)
    if row is None or getattr(row, column) != parent_id:
        raise NotFound(missing[0], en=missing[1])
    return row
