"""How long the service's own bookkeeping is kept: attempt counts and Idempotency-Key records.

Neither is part of the record of a policy. Without a sweep both tables grew by a row for every
address that ever failed a sign-in and every POST that carried a key, for ever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from policies.accounts.queries import delete_idempotency_records, delete_quiet_throttles

# Longer than any Allowance's forget_after and max_delay (an hour and six hours today; a test holds
# every allowance to it): a key deleted this long after its last attempt starts over exactly as a
# kept one would, so forgetting its row forgives nothing early.
THROTTLE_KEPT = timedelta(days=1)
# How long a retried POST still gets its first answer back. Clients retry within minutes; a
# request sent again after a week with the same key is taken as a new one.
IDEMPOTENCY_KEPT = timedelta(days=7)


@dataclass(frozen=True)
class Forgotten:
    """How many stale rows one pass deleted."""

    throttles: int
    idempotency_records: int


def forget_stale_bookkeeping(session: Session, *, now: datetime) -> Forgotten:
    """Delete attempt counts quiet for a day and Idempotency-Key records older than a week."""
    return Forgotten(
        throttles=delete_quiet_throttles(session, quiet_since=now - THROTTLE_KEPT),
        idempotency_records=delete_idempotency_records(session, before=now - IDEMPOTENCY_KEPT),
    )
