"""Growing delays after repeated attempts under one key, counted in the database.

A key (an account's sign-in, a client address's sign-ins or sign-ups) has a few free attempts;
the last free one blocks the key for a while, and each further one for twice as long as the one
before, up to a ceiling. A key
quiet for long enough starts over. The counts are rows, so every worker process of the service
sees the same ones (no process memory), and a refusal names how long to wait (Retry-After).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from policies.accounts.models import Throttle
from policies.accounts.queries import clear_throttle, locked_throttle, throttle_of
from policies.core.errors import RateLimited


@dataclass(frozen=True)
class Allowance:
    """How many attempts a key has before it waits, how long it waits, and when it is forgiven."""

    free: int
    first_delay: timedelta
    max_delay: timedelta
    forget_after: timedelta

    def delay(self, hits: int) -> timedelta:
        """Return how long a key waits after its `hits`-th attempt: nothing before the `free`-th,
        then `first_delay`, doubled with every further attempt up to `max_delay`."""
        if hits < self.free:
            return timedelta(0)
        doubled = self.first_delay * 2 ** min(hits - self.free, 30)
        return min(doubled, self.max_delay)


def key_of(kind: str, value: str) -> str:
    """Return a key of bounded length for any value (an email, an address)."""
    digest = hashlib.sha256(value.strip().casefold().encode()).hexdigest()[:40]
    return f"{kind}:{digest}"


def wait_of(row: Throttle | None, *, now: datetime) -> timedelta:
    """Return how long a key must still wait (zero when it may try now)."""
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return timedelta(0)
    return row.blocked_until - now


def seconds(wait: timedelta) -> int:
    """Return a wait in whole seconds, rounded up (what Retry-After says)."""
    return max(1, math.ceil(wait.total_seconds()))


def in_words(wait: timedelta, *, locale: str) -> str:
    """Say a wait the way a person reads it: "45 detik", "3 menit"."""
    total = seconds(wait)
    if total < 120:
        return f"{total} seconds" if locale == "en" else f"{total} detik"
    minutes = math.ceil(total / 60)
    return f"{minutes} minutes" if locale == "en" else f"{minutes} menit"


def refuse_while_blocked(session: Session, *, key: str, now: datetime, said: tuple[str, str]) -> None:
    """Refuse with 429 while the key waits; `said` words the refusal with `{wait}` (id, en)."""
    wait = wait_of(throttle_of(session, key=key), now=now)
    if wait > timedelta(0):
        raise RateLimited(
            said[0].format(wait=in_words(wait, locale="id")),
            en=said[1].format(wait=in_words(wait, locale="en")),
            retry_after=seconds(wait),
        )


def record_hit(session: Session, *, key: str, now: datetime, allowance: Allowance) -> Throttle:
    """Count one attempt under the key (starting over after a quiet spell) and block it as due."""
    row = locked_throttle(session, key=key, now=now)
    if row.hits and now - row.last_at >= allowance.forget_after:
        row.hits, row.started_at, row.blocked_until = 0, now, None
    row.hits += 1
    row.last_at = now
    delay = allowance.delay(row.hits)
    if delay:
        row.blocked_until = now + delay
    session.add(row)
    session.flush()
    return row


def forget(session: Session, *, key: str) -> None:
    """Drop a key's count (an account that signed in with its password)."""
    clear_throttle(session, key=key)
