"""notify() in bulk: thousands of recipients in a few statements, with enqueue()'s semantics kept."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from policies.accounts.models import Account, Role
from policies.core import sqlite_gate
from policies.core.db import get_engine, unit_of_work, utcnow
from policies.outbox import notify
from policies.outbox.models import Channel, DeliveryState, Reminder
from policies.outbox.notify import Recipient

BOTH = (Channel.EMAIL, Channel.INBOX)
LOCALES = ("id", "en", "fr")  # "fr" is no locale of ours: its reminders fall back to Indonesian


def _recipients(db: str, *, n: int) -> list[Recipient]:
    """Make n stakeholder accounts (locales id, en, fr in turn) and address each in its own language."""
    with unit_of_work(db) as s:
        accounts = [
            Account(
                email=f"asn{i}@pemkot.example.id",
                name=f"ASN {i}",
                password_hash="x",
                role=Role.STAKEHOLDER,
                locale=LOCALES[i % 3],
            )
            for i in range(n)
        ]
        s.add_all(accounts)
        s.flush()
        return [Recipient(account_id=a.id, email=a.email, locale=a.locale) for a in accounts]


def _tell(s: Session, key: str, people: list[Recipient], *, template: str = "notice", **kw: Any) -> int:
    """Queue `key` to these people by email and in their inbox; count the reminders new."""
    return notify.notify(s, key=key, template=template, recipients=people, channels=BOTH, **kw)


@contextmanager
def _statements(db: str) -> Iterator[list[str]]:
    """Collect every SQL statement sent to the database meanwhile."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    engine = get_engine(db)
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def test_two_thousand_recipients_in_one_call(db: str) -> None:
    people = _recipients(db, n=2000)
    now = utcnow()
    with unit_of_work(db) as s:
        assert _tell(s, "consultation-open:7", people, template="consultation_opened", due_at=now) == 4000
        # The caller's transaction goes on, and the rows are there to read in it.
        assert len(s.exec(select(Reminder.id)).all()) == 4000
    with unit_of_work(db) as s:
        rows = {r.dedupe_key: r for r in s.exec(select(Reminder))}
        assert _tell(s, "consultation-open:7", people, template="consultation_opened", due_at=now) == 0
    expected = {
        f"consultation-open:7:{channel.value}:a{p.account_id}": ("en" if p.locale == "en" else "id", channel)
        for p in people
        for channel in BOTH
    }
    assert {k: (r.locale, r.channel) for k, r in rows.items()} == expected
    some = rows[f"consultation-open:7:inbox:a{people[1].account_id}"]
    assert (some.recipient_account_id, some.recipient_email, some.template) == (
        people[1].account_id,
        people[1].email,
        "consultation_opened",
    )
    assert (some.state, some.attempts, some.due_at, some.context) == (DeliveryState.PENDING, 0, now, {})
    assert some.created_at is not None and some.created_at >= now
    with unit_of_work(db) as s:
        assert len(s.exec(select(Reminder.id)).all()) == 4000


def test_statements_are_counted_by_chunk_not_by_recipient(db: str) -> None:
    people = _recipients(db, n=2000)
    with unit_of_work(db) as s, _statements(db) as seen:
        created = _tell(s, "k", people, due_at=utcnow())
    assert created == 4000
    # One per reminder (a lookup, a savepoint, an insert, its release) was 16,000 statements; by
    # chunks of a few hundred rows it is a lookup and an insert per chunk, and the commit.
    assert len(seen) <= 24, f"{len(seen)} statements for 4,000 reminders"
    with unit_of_work(db) as s, _statements(db) as seen_again:
        assert _tell(s, "k", people, due_at=utcnow()) == 0
    assert len(seen_again) <= 20, f"{len(seen_again)} statements to find 4,000 reminders queued already"


def test_skips_fallbacks_and_long_keys_as_enqueue_does(db: str) -> None:
    (account,) = _recipients(db, n=1)
    long = "x" * 400  # two keys alike in their first 300 characters are one reminder
    people = [
        Recipient(account_id=account.account_id, email="", locale="en"),  # no address: inbox only
        Recipient(account_id=None, email="Warga@Example.ID", locale="jv"),  # no account: email only
    ]
    now = utcnow()
    with unit_of_work(db) as s:
        assert _tell(s, "k", people, due_at=now) == 2
        assert _tell(s, long, people[:1], due_at=now) == 1
        assert _tell(s, long + "y", people, due_at=now) == 0
        rows = {r.dedupe_key: (r.channel, r.locale, r.recipient_email) for r in s.exec(select(Reminder))}
    assert rows == {
        f"k:inbox:a{account.account_id}": (Channel.INBOX, "en", ""),
        "k:email:warga@example.id": (Channel.EMAIL, "id", "Warga@Example.ID"),
        long[:300]: (Channel.INBOX, "en", ""),
    }


def test_a_key_written_just_before_the_insert_is_skipped(db: str) -> None:
    """Another writer's row under one of the keys, just before notify()'s insert: skipped, no error.

    On PostgreSQL a second session enqueues it and commits. On SQLite no other connection can
    write then: notify()'s transaction holds the write gate and BEGIN IMMEDIATE's lock from its
    first statement; the second session waits at the gate (checked below) and, once let in, finds
    every key queued. The row that comes between is written on the caller's own connection there,
    so the insert meets it all the same.
    """
    people = _recipients(db, n=3)
    taken = f"k:email:a{people[1].account_id}"
    engine = get_engine(db)
    gate = sqlite_gate.gate_of(engine)
    late: list[int] = []
    fired: list[bool] = []

    def other_writer() -> None:
        with unit_of_work(db) as other:
            late.append(notify.notify(other, key="k", template="notice", recipients=people, due_at=utcnow()))

    waiting = threading.Thread(target=other_writer)

    def between(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.startswith("INSERT INTO reminder") or fired:
            return
        fired.append(True)  # once: the other writer's own statements pass by
        if gate is None:  # PostgreSQL: a second session commits the key first
            with unit_of_work(db) as other:
                _, new = notify.enqueue(
                    other,
                    dedupe_key=taken,
                    template="other",
                    channel=Channel.EMAIL,
                    recipient=people[1],
                    due_at=utcnow(),
                )
                late.append(int(new))
            return
        assert gate.held  # by this very transaction: nobody else can write until it ends
        waiting.start()
        deadline = time.monotonic() + 10
        while gate.waiting == 0:  # the second session queues behind the gate
            assert time.monotonic() < deadline, "the second session never reached the write gate"
            time.sleep(0.01)
        raw = conn.connection.dbapi_connection.cursor()
        raw.execute(
            "INSERT INTO reminder (dedupe_key, template, channel, recipient_email, locale, context, due_at,"
            " state, attempts, last_error, message_id, smtp_reply, created_at)"
            " VALUES (?, 'other', 'email', '', 'id', '{}', ?, 'pending', 0, '', '', '', ?)",
            (taken, "2026-08-17 07:30:00.000000", "2026-08-17 07:30:00.000000"),
        )
        raw.close()

    sa.event.listen(engine, "before_cursor_execute", between)
    try:
        with unit_of_work(db) as s:
            created = notify.notify(s, key="k", template="notice", recipients=people, due_at=utcnow())
            assert created == 2  # the key written meanwhile is not counted, and nothing raised
            # The caller's transaction is still usable: it reads, writes and commits.
            assert len(s.exec(select(Reminder.id)).all()) == 3
            notify.notify(s, key="k2", template="notice", recipients=people[:1], due_at=utcnow())
    finally:
        sa.event.remove(engine, "before_cursor_execute", between)
    if gate is None:
        assert late == [1]
    else:
        waiting.join(timeout=30)
        assert late == [0]  # let in after the commit, the second session found every key queued
    with unit_of_work(db) as s:
        rows = {r.dedupe_key: r.template for r in s.exec(select(Reminder))}
    assert rows == {
        f"k:email:a{people[0].account_id}": "notice",
        taken: "other",
        f"k:email:a{people[2].account_id}": "notice",
        f"k2:email:a{people[0].account_id}": "notice",
    }
