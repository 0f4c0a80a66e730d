"""Parameter types shared by the routers: ids and texts every database can look up without an error."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import Field

from policies.core.db import MAX_INTEGER
from service.api.schemas import NoNul

# Ids are INTEGER columns: PostgreSQL refuses to compare them with anything larger (and SQLite
# overflows past 2**63 - 1), which would be a 500 instead of a clear 404 or 422.
MAX_ID = MAX_INTEGER

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int, Query(ge=1, le=MAX_ID)]
OptionalIdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
# An id inside a request body.
IdField = Annotated[int, Field(ge=1, le=MAX_ID)]
SlugPath = Annotated[str, Path(min_length=1, max_length=120, description="Slug kebijakan."), NoNul]
KeyPath = Annotated[str, Path(min_length=1, max_length=40), NoNul]


def id_query(*, alias: str | None = None, description: str | None = None) -> Any:
    """Return the Query of an id with a name or description of its own, bounded like IdQuery."""
    return Query(ge=1, le=MAX_ID, alias=alias, description=description)


def text_query(*, max_length: int, description: str | None = None) -> Any:
    """Return the Query of an optional text filter, bounded in length."""
    return Query(max_length=max_length, description=description)
