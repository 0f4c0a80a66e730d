"""Parameter types shared by the routers: ids and texts every database can look up without an error."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import Field

from service.api.schemas import NoNul

# The largest integer SQLite and PostgreSQL bind (int8): a larger one would be a driver error,
# a 500 instead of a clear 404 or 422.
MAX_ID = 2**63 - 1

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int, Query(ge=1, le=MAX_ID)]
OptionalIdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
# An id inside a request body.
IdField = Annotated[int, Field(ge=1, le=MAX_ID)]
SlugPath = Annotated[str, Path(min_length=1, max_length=120, description="Slug kebijakan."), NoNul]
KeyPath = Annotated[str, Path(min_length=1, max_length=40), NoNul]


def text_query(*, max_length: int, description: str | None = None) -> Any:
    """Return the Query of an optional text filter, bounded in length."""
    return Query(max_length=max_length, description=description)
