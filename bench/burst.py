"""Fire one advance per policy, all at once, from a process of its own; print when each left and its status.

Run by bench/stage_runs.py (`python -m bench.burst URL TOKEN SLUG...`): 200 one-shot requests, not a
throughput measure, so a Python client is fine; it runs apart so the caller's polling does not delay it.
Prints one JSON object: {slug: [sent_at (epoch seconds), status (0: no answer), seconds to the answer]}.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import httpx


async def fire(base: str, token: str, slugs: list[str]) -> dict[str, tuple[float, int, float]]:
    """POST every advance to the workshop stage at once; return each one's send time, status and wait."""
    limits = httpx.Limits(max_connections=len(slugs), max_keepalive_connections=0)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=120) as client:

        async def one(slug: str) -> tuple[str, tuple[float, int, float]]:
            sent_at = time.time()
            try:
                r = await client.post(
                    f"/policies/{slug}/advance", json={"to_stage": "workshop", "reason": "bench"}
                )
                return slug, (sent_at, r.status_code, time.time() - sent_at)
            except httpx.HTTPError:
                return slug, (sent_at, 0, time.time() - sent_at)

        return dict(await asyncio.gather(*(one(slug) for slug in slugs)))


def main() -> None:
    """Read the base URL, the token and the slugs from argv, fire, print the JSON."""
    base, token, *slugs = sys.argv[1:]
    print(json.dumps(asyncio.run(fire(base, token, slugs))))


if __name__ == "__main__":
    main()
