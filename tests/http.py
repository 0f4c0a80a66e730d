"""One TLS context for the tests' own httpx calls.

httpx builds a new context for every call that is not given one (~30 ms of CPU loading the CA
bundle): a test polling a starting server every 50 ms spent most of a core on it, taken from the
very server it waited for. Use `http.get` and `http.post` from here, and `httpx.Client(verify=TLS, ...)`.
"""

from __future__ import annotations

from typing import Any

import httpx

TLS = httpx.create_ssl_context()


def get(url: str, **kwargs: Any) -> httpx.Response:
    """`httpx.get` on the shared context."""
    return httpx.get(url, verify=TLS, **kwargs)


def post(url: str, **kwargs: Any) -> httpx.Response:
    """`httpx.post` on the shared context."""
    return httpx.post(url, verify=TLS, **kwargs)
