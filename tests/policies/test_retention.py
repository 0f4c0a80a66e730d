"""Stale bookkeeping is deleted by a sweep: quiet attempt counts and week-old Idempotency-Key records."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from policies.accounts import actions as accounts
from policies.accounts import signin
from policies.accounts.models import Account, IdempotencyRecord, Throttle
from policies.accounts.retention import IDEMPOTENCY_KEPT, THROTTLE_KEPT, forget_stale_bookkeeping
from policies.accounts.throttle import Allowance, key_of, record_hit, wait_of
from policies.core.db import unit_of_work
from policies.lifecycle.sweeps import SWEEP_STEPS
from tests.conftest import NOW

QUICK = Allowance(
    free=1, first_delay=timedelta(minutes=1), max_delay=timedelta(hours=1), forget_after=timedelta(hours=1)
)


def _keys(session: Session) -> set[str]:
    return {row.key for row in session.exec(select(Throttle))}


def test_every_allowance_is_forgiven_before_its_row_is_forgotten() -> None:
    """Deleting a quiet key's row forgives nothing that keeping it would not have forgiven already."""
    allowances = [signin.ACCOUNT_FAILURES, signin.ADDRESS_FAILURES, accounts.SIGNUPS_PER_ADDRESS]
    assert all(a.forget_after < THROTTLE_KEPT and a.max_delay < THROTTLE_KEPT for a in allowances)


def test_quiet_counts_are_forgotten_and_recent_or_blocked_ones_kept(session: Session) -> None:
    quiet, recent, blocked = key_of("t", "quiet"), key_of("t", "recent"), key_of("t", "blocked")
    long_ago = NOW - THROTTLE_KEPT - timedelta(hours=2)
    record_hit(session, key=quiet, now=long_ago, allowance=QUICK)
    record_hit(session, key=recent, now=NOW - timedelta(hours=2), allowance=QUICK)
    row = record_hit(session, key=blocked, now=long_ago, allowance=QUICK)
    row.blocked_until = NOW + timedelta(hours=1)  # a block still running (as a longer ceiling would)
    session.add(row)
    session.flush()

    gone = forget_stale_bookkeeping(session, now=NOW)

    assert gone.throttles == 1 and _keys(session) == {recent, blocked}
    assert wait_of(session.exec(select(Throttle).where(Throttle.key == blocked)).one(), now=NOW) > timedelta(
        0
    )
    assert forget_stale_bookkeeping(session, now=NOW).throttles == 0  # nothing twice


def test_a_forgotten_key_starts_over_as_a_kept_one_would(session: Session) -> None:
    key = key_of("t", "again")
    for minute in range(3):
        record_hit(session, key=key, now=NOW + timedelta(minutes=minute), allowance=QUICK)
    later = NOW + THROTTLE_KEPT + timedelta(hours=1)
    assert forget_stale_bookkeeping(session, now=later).throttles == 1
    # One attempt after a day: the first of a new run, as the kept row's own reset would have made it.
    assert record_hit(session, key=key, now=later, allowance=QUICK).hits == 1


def test_idempotency_records_older_than_a_week_are_deleted(session: Session) -> None:
    account = Account(email="kunci@warga.test", name="Kunci", password_hash="x")
    session.add(account)
    session.flush()
    assert account.id is not None
    for key, age in (
        ("lama", IDEMPOTENCY_KEPT + timedelta(minutes=1)),
        ("baru", IDEMPOTENCY_KEPT - timedelta(minutes=1)),
    ):
        session.add(
            IdempotencyRecord(
                account_id=account.id,
                key=key,
                request_hash="h",
                status_code=201,
                response_body="{}",
                created_at=NOW - age,
            )
        )
    session.flush()

    assert forget_stale_bookkeeping(session, now=NOW).idempotency_records == 1
    assert [r.key for r in session.exec(select(IdempotencyRecord))] == ["baru"]


def test_the_scheduled_sweep_forgets_stale_bookkeeping_and_says_so(db: str) -> None:
    with unit_of_work(db) as s:
        record_hit(s, key=key_of("t", "sweep"), now=NOW - THROTTLE_KEPT * 2, allowance=QUICK)
    step = next(step for step in SWEEP_STEPS if step.name == "forget-stale-bookkeeping")
    with unit_of_work(db) as s:
        line = step.run(s, NOW).line
    assert line == "Catatan usang dihapus: 1 hitungan percobaan, 0 kunci idempotensi"
    with unit_of_work(db) as s:
        assert _keys(s) == set()
