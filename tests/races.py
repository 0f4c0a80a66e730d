"""Attempts released at the same moment, for the tests that one of them wins and the rest are refused."""

from __future__ import annotations

import threading
from collections.abc import Callable

from policies.core.errors import Conflict


def race(attempt: Callable[[], str], *, runners: int = 2) -> list[str]:
    """Run `attempt` in threads started together; return their outcomes sorted, "conflict" for a refusal."""
    barrier = threading.Barrier(runners)
    outcomes: list[str] = []

    def run() -> None:
        barrier.wait()
        try:
            outcomes.append(attempt())
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)
