"""Prefect's state as `/healthz` reports it: probed beside the requests, never in their way.

The web serves without Prefect (stage work waits in the outbox), so Prefect's state is reported,
not required: `/healthz` stays 200 and `/readyz` (can a write be taken?) ignores it. A probe asks
Prefect's `/health` with a short timeout at most every `PROBE_EVERY_SECONDS`, in a thread of its
own; a request answers from the last probe, so a Prefect that hangs never slows `/healthz`.
"""

from __future__ import annotations

import threading
import time

from policies.core.settings import Settings
from service.dispatch import prefect_api_url
from service.supervise import prefect_answers

PROBE_EVERY_SECONDS = 10.0
PROBE_TIMEOUT_SECONDS = 2.0
OK, UNREACHABLE, UNKNOWN, DISABLED = "ok", "unreachable", "unknown", "disabled"


class PrefectProbe:
    """The last answer of Prefect's health check, refreshed in the background when stale."""

    def __init__(self) -> None:
        self.state = UNKNOWN  # until the first probe has answered
        self.at: float | None = None
        self._probing = threading.Lock()

    def _probe(self, api_url: str) -> None:
        try:
            self.state = OK if prefect_answers(api_url, timeout=PROBE_TIMEOUT_SECONDS) else UNREACHABLE
            self.at = time.monotonic()
        finally:
            self._probing.release()

    def read(self, settings: Settings) -> str:
        """Return Prefect's last known state, starting a fresh probe if the last one is stale."""
        if not settings.prefect_enabled:
            return DISABLED
        api_url = prefect_api_url()
        if api_url is None:
            return DISABLED  # no Prefect configured: nothing is dispatched, nothing to report
        stale = self.at is None or time.monotonic() - self.at >= PROBE_EVERY_SECONDS
        if stale and self._probing.acquire(blocking=False):
            threading.Thread(
                target=self._probe, args=(api_url,), daemon=True, name="siklus-prefect-probe"
            ).start()
        return self.state


PROBE = PrefectProbe()
