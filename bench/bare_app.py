"""The ceiling of the benches: a bare FastAPI app with one `/healthz`, served like Siklus.

`bench.wrk.start_bare` starts it with the same uvicorn command line as `siklus serve` starts the
web (`python -m uvicorn bench.bare_app:create_app --factory …`), so the ratio of a Siklus route to
this one is the share of the best a FastAPI app can do on this machine, under the same load.
"""

from __future__ import annotations

from fastapi import FastAPI


def create_app() -> FastAPI:
    """Build the app: no middleware, no database, one route."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
