"""Bench: the advance to consultation with thousands of stakeholders, whose notices it queues itself.

Run: .venv/bin/python -m bench.advance_notices [--stakeholders N] [--runs K] [--database-url URL]
Without a URL it uses a fresh SQLite file; with a PostgreSQL URL it works in a throwaway schema.
It loads the catalogue, adds N stakeholder accounts and walks K+1 copies of a catalogue policy to
the brink of consultation (bench/flow_walk.py); then it advances each through the domain
`advance()`, which queues two notices per stakeholder (the opening, the closing reminder) in its own
transaction, and times it (the first copy warms up). Meanwhile another thread writes a row again
and again, as comment POSTs would, and its longest wait is printed: on SQLite the advance holds the
one write lock, so that is how long a comment waits behind it.

To compare with another tree (say main before a change), run this file by path with PYTHONPATH
pointing at that tree: `PYTHONPATH=/tmp/before .venv/bin/python bench/advance_notices.py`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

from sqlmodel import func, select

from bench import flow_walk
from bench.common import scratch_database
from policies.accounts.models import Account, Role
from policies.catalog import load_catalog
from policies.core.db import unit_of_work, utcnow
from policies.core.migrate import upgrade
from policies.lifecycle.entry_work import ensure_working_version
from policies.lifecycle.models import Stage
from policies.outbox import notify
from policies.outbox.models import Reminder


def add_stakeholders(url: str, *, n: int) -> int:
    """Add n verified members of the public (every third reads English); return one's id."""
    with unit_of_work(url) as s:
        accounts = [
            Account(
                email=f"warga{i}@bench.example.id",
                name=f"Warga {i}",
                password_hash="x",
                role=Role.STAKEHOLDER,
                group="public",
                locale="en" if i % 3 == 0 else "id",
                email_verified_at=utcnow(),
            )
            for i in range(n)
        ]
        s.add_all(accounts)
        s.flush()
        return accounts[0].id  # type: ignore[return-value]


class Writer(threading.Thread):
    """Write one small row again and again, recording each write's time, until stopped."""

    def __init__(self, url: str, *, account_id: int) -> None:
        """Write to this account's row on this database."""
        super().__init__(daemon=True)
        self.url, self.account_id = url, account_id
        self.waits: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        """Rename the account, one transaction at a time."""
        i = 0
        while not self.stop.is_set():
            started = time.perf_counter()
            with unit_of_work(self.url) as s:
                account = s.get(Account, self.account_id)
                assert account is not None
                account.name = f"Warga {i}"
                s.add(account)
            self.waits.append(time.perf_counter() - started)
            i += 1
            time.sleep(0.005)


def bench(url: str, *, n: int, runs: int) -> dict[str, float]:
    """Time K advances to consultation with n stakeholders (after one to warm up); return the figures."""
    upgrade(url)
    with unit_of_work(url) as s:
        load_catalog(s)
    someone = add_stakeholders(url, n=n)
    walks = flow_walk.start(url, slugs=[f"bench-notices-{i}" for i in range(runs + 1)])
    for w in walks:
        with unit_of_work(url) as s:
            ensure_working_version(s, slug=w.slug)
        w.advance(Stage.WORKSHOP, now=w.clock.start)
        w.prepare_consultation()
    times: list[float] = []
    stalls: list[float] = []
    for i, w in enumerate(walks):
        with unit_of_work(url) as s:
            before = s.exec(select(func.count()).select_from(Reminder)).one()
        writer = Writer(url, account_id=someone)
        writer.start()
        time.sleep(0.05)  # the writer is writing before the advance begins
        started = time.perf_counter()
        w.advance(Stage.CONSULTATION, now=w.clock.start)
        elapsed = time.perf_counter() - started
        writer.stop.set()
        writer.join()
        with unit_of_work(url) as s:
            queued = s.exec(select(func.count()).select_from(Reminder)).one() - before
        assert queued == 2 * n, f"{queued} reminders queued for {n} stakeholders"
        print(
            f"  {'warm-up' if i == 0 else f'run {i}'}: advance {elapsed:.3f} s, {queued} reminders queued,"
            f" longest concurrent write {max(writer.waits):.3f} s"
        )
        if i > 0:
            times.append(elapsed)
            stalls.append(max(writer.waits))
    return {"advance_median_s": statistics.median(times), "write_stall_median_s": statistics.median(stalls)}


def main() -> None:
    """Parse the arguments, run the bench on a throwaway database, print the medians."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="", help="PostgreSQL URL; default a temporary SQLite file.")
    parser.add_argument("--stakeholders", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    tree = Path(notify.__file__).resolve().parents[2]
    print(f"advance to consultation, {args.stakeholders} stakeholders, code from {tree}", file=sys.stderr)
    with scratch_database(args.database_url) as url:
        backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        print(f"{backend}:")
        figures = bench(url, n=args.stakeholders, runs=args.runs)
    print(
        f"{backend}: advance median {figures['advance_median_s']:.3f} s; longest concurrent write "
        f"median {figures['write_stall_median_s']:.3f} s ({args.runs} runs)"
    )


if __name__ == "__main__":
    main()
