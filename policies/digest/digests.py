"""The digest sweep: each account's waiting events, grouped into one email and one inbox message.

A daily digest carries the events that happened before today began (Asia/Jakarta), a weekly one
those before this week's Monday began; a sweep that runs any time after that sends them. The
outbox messages and the events' `digested_at` are written in one transaction: an event is in
exactly one digest, and a digest once written is delivered by the outbox, which keeps retrying
while the SMTP server is down. A digest's key names its last event, so a second sweep of the same
day, finding only later events, writes a new digest rather than colliding with the first.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from sqlmodel import Session

from policies.accounts.models import Account
from policies.digest import queries
from policies.digest.models import Cadence
from policies.outbox.models import Channel
from policies.outbox.notify import Recipient, notify

DIGEST = "digest"
DIGEST_CADENCES = (Cadence.DAILY, Cadence.WEEKLY)


class _TakenMeanwhile(Exception):
    """Another sweep digested some of these events first."""


def period_start(*, cadence: Cadence, now: datetime, tz: str = "Asia/Jakarta") -> datetime:
    """Return when the current day (daily) or week from Monday (weekly) began in the local zone."""
    local = now.astimezone(ZoneInfo(tz)).date()
    if cadence is Cadence.WEEKLY:
        local -= timedelta(days=local.weekday())
    return datetime.combine(local, time(0), tzinfo=ZoneInfo(tz))


def send_digests(session: Session, *, now: datetime, tz: str = "Asia/Jakarta") -> int:
    """Write one digest (email and inbox) per account for its events now due; count the digests."""
    written = 0
    for cadence in DIGEST_CADENCES:
        start = period_start(cadence=cadence, now=now, tz=tz)
        due = queries.events_due(session, cadence=cadence, before=start)
        for account_id, group in groupby(due, key=lambda e: e.account_id):
            events = list(group)
            account = session.get(Account, account_id)
            if account is None or not account.active:
                continue  # a closed account's events stay undigested: nobody to tell
            key = f"digest:{cadence.value}:{start.date().isoformat()}:{events[-1].id}"
            try:
                with session.begin_nested():
                    # Claimed first: a sweep running at once that took any of them wins, and this
                    # account's digest is rolled back to its savepoint and left to the next pass.
                    claimed = queries.mark_digested(
                        session, event_ids=[e.id for e in events if e.id is not None], digest_key=key, now=now
                    )
                    if claimed != len(events):
                        raise _TakenMeanwhile
                    notify(
                        session,
                        key=key,
                        template=DIGEST,
                        recipients=[Recipient.of(account)],
                        due_at=now,
                        context={
                            "cadence": cadence.value,
                            "count": len(events),
                            "events": [
                                {**e.context, "occurred_at": e.occurred_at.isoformat()} for e in events
                            ],
                        },
                        channels=(Channel.EMAIL, Channel.INBOX),
                    )
            except _TakenMeanwhile:
                continue
            written += 1
    session.flush()
    return written
