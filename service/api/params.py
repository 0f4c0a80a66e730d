"""Parameter types shared by the routers: ids that fit every database's integer column."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

# PostgreSQL's integer; a larger number would be a database error instead of a clear 404 or 422.
MAX_ID = 2_147_483_647

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int, Query(ge=1, le=MAX_ID)]

