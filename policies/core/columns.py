"""Column types shared by every table."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from policies.core.db import UTCDateTime, utcnow


def enum_col(length: int = 32, **kw: Any) -> Any:
    """Store an enum as plain text so adding a value needs no type migration."""
    return Field(sa_type=sa.String(length), **kw)


def created_at_col() -> Any:
    """A creation timestamp, set by the application in UTC."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime)


def ts_col(**kw: Any) -> Any:
    """An optional aware timestamp."""
    return Field(default=None, sa_type=UTCDateTime, **kw)


def json_col(**kw: Any) -> Any:
    """A JSON document column."""
    return Field(sa_type=sa.JSON, **kw)


def text_col(**kw: Any) -> Any:
    """An unbounded text column."""
    return Field(sa_type=sa.Text, **kw)
