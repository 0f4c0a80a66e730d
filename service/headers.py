"""Security headers on every response: pages, API, documents, static files and errors alike."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline script anywhere (pages, the API docs): scripts come from our own files only, and no
# page may be framed by another site (clickjacking on the forms).
CSP_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
CSP = "; ".join(CSP_DIRECTIVES)
# The HTML reports are standalone documents, saved and printed as one file, so their stylesheet
# is inline: they may style themselves, and still run no script at all.
DOCUMENT_CSP = CSP.replace("style-src 'self'", "style-src 'unsafe-inline'")
DOCUMENT_SUFFIXES = ("/report.html",)
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(*, path: str, https: bool) -> dict[str, str]:
    """Return the security headers a response to `path` carries."""
    headers = {
        "Content-Security-Policy": DOCUMENT_CSP if path.endswith(DOCUMENT_SUFFIXES) else CSP,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        # Same-origin pages still learn where a form came from; other sites learn nothing.
        "Referrer-Policy": "same-origin",
    }
    if https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeaders:
    """Pure ASGI middleware: add the security headers to each response that does not set its own."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        # Encoded once: the busiest routes pay a name check per header, nothing more.
        self.raw = {
            document: [
                (name.lower().encode("latin-1"), value.encode("latin-1"))
                for name, value in security_headers(
                    path=DOCUMENT_SUFFIXES[0] if document else "/", https=https
                ).items()
            ]
            for document in (False, True)
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = self.raw[scope.get("path", "").endswith(DOCUMENT_SUFFIXES)]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                # A response may be stricter (the survey page sends no Referer at all).
                headers += [(name, value) for name, value in wanted if name not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
