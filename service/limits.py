"""Transport limits: refuse request bodies larger than settings.max_body_bytes with a 413 problem."""

from __future__ import annotations

import json

from fastapi import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.problems import HTTP_TITLES, PROBLEM_JSON, TYPE_BASE, problem_locale, wants_page


def too_large_detail(max_bytes: int, *, locale: str = "id") -> str:
    """Say how large a request body may be."""
    if locale == "en":
        return f"The request body exceeds the limit of {max_bytes} bytes: send less data."
    return f"Isi permintaan melebihi batas {max_bytes} bita: kirim data yang lebih kecil."


class BodySizeLimit:
    """Pure ASGI middleware: check Content-Length up front and count streamed bytes as they arrive."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, scope: Scope, send: Send) -> None:
        locale = problem_locale(Request(scope))
        title_id, title_en = HTTP_TITLES[413]
        body = json.dumps(
            {
                "type": TYPE_BASE + "http-413",
                "title": title_en if locale == "en" else title_id,
                "status": 413,
                "detail": too_large_detail(self.max_bytes, locale=locale),
                "instance": scope.get("path", ""),
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _too_large(self) -> HTTPException:
        return HTTPException(
            status_code=413,
            detail={
                "id": too_large_detail(self.max_bytes),
                "en": too_large_detail(self.max_bytes, locale="en"),
            },
        )

    async def _page_refusal(self, scope: Scope, send: Send) -> None:
        async def refusing_receive() -> Message:
            raise self._too_large()

        try:
            await self.app(scope, refusing_receive, send)
        except HTTPException as exc:
            if exc.status_code != 413:
                raise
            await self._refuse(scope, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 413 once its body is known to be too large."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    if wants_page(Request(scope)):
                        # A page's form (a .docx too large): the app's handlers answer with a readable
                        # page, as for a streamed body; nothing of the body is read.
                        await self._page_refusal(scope, send)
                    else:
                        await self._refuse(scope, send)
                    return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # FastAPI re-raises an HTTPException met while reading the body, so the
                    # app's problem handler answers it like any other 413.
                    raise self._too_large()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except HTTPException as exc:
            if exc.status_code != 413 or started:
                raise
            await self._refuse(scope, send)
