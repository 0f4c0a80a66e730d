"""Dependencies shared by the API and the pages: settings and the request's unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from policies.core.db import read_session, unit_of_work
from policies.core.settings import Settings


async def get_app_settings(request: Request) -> Settings:
    """Return the settings the app was built with."""
    # async: a plain attribute read, not worth a trip to the thread pool (a sync dependency takes one).
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def get_session(settings: SettingsDep) -> Iterator[Session]:
    """Yield the request's session; it commits when the endpoint returns, before the response."""
    with unit_of_work(settings.database_url) as session:
        yield session


def get_read_session(settings: SettingsDep) -> Iterator[Session]:
    """Yield a session for endpoints that only read."""
    with read_session(settings.database_url) as session:
        yield session


# scope="function": the commit happens before the response is sent, so a failed commit is
# reported as an error instead of a success that did not persist.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]
