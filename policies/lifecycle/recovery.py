"""Recover stage work whose run was lost: retry it under a new key a bounded number of times, then tell.

A stage's run can be lost with its machine: a worker that dies leaves the runs it had claimed
*Pending*, a host that dies leaves its runs *Running*; Prefect's zombie automation marks the
second kind *Crashed* when their heartbeats stop. The dispatcher reads every run in flight and asks
`decide` what to do; the answer depends only on the run's phase, how long it has been in it, the
stage's bounds (`spec.WorkBounds`) and the attempts so far, never on the orchestrator's vocabulary
(the flows side translates Prefect's states into a `RunPhase`).

A retry is claimed with one conditional UPDATE (`queries.claim_event_work`), so two dispatchers
racing over the same run recover it once; the next attempt runs under the next generation of the
event's idempotency key (`stagework.idempotency_key`), so it is a new run, and it resumes where the
lost one stopped: each step records itself done in its own transaction (`stagework.run_step`).
Every recovery is listed on the event (the history API and the cockpit show it). After the last
attempt the work is recorded *failed* and the policy's drafters and the admins are told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from policies.accounts.models import Role
from policies.accounts.queries import active_accounts
from policies.core.db import utcnow
from policies.core.i18n import stage_name
from policies.core.settings import Settings
from policies.lifecycle import queries
from policies.lifecycle.models import Policy, StageEvent, WorkState
from policies.lifecycle.reminders import STAGE_WORK_FAILED as FAILED_TEMPLATE
from policies.lifecycle.spec import spec_of
from policies.lifecycle.stagework import StageWork, work_of
from policies.outbox.models import Channel
from policies.outbox.notify import Recipient, notify, policy_context


class RunPhase(StrEnum):
    """Where a stage's run stands, as far as recovering its work is concerned."""

    WAITING = "waiting"  # scheduled: no worker has taken it (none is up); the work is still owed
    PENDING = "pending"  # a worker took it and has not started its process
    RUNNING = "running"
    COMPLETED = "completed"
    UNFINISHED = "unfinished"  # ended failed or crashed: the work was not done
    CANCELLED = "cancelled"  # a person (or Prefect on one's behalf) stopped it: not retried


class Action(StrEnum):
    """What the dispatcher does about one run in flight."""

    LEAVE = "leave"
    CRASH_AND_RETRY = "crash-and-retry"  # stuck past its bound: crash it in Prefect, then retry
    RETRY = "retry"
    GIVE_UP = "give-up"  # the last attempt ended unfinished: failed, people told
    STOP = "stop"  # cancelled: recorded failed, nobody retries a person's decision


@dataclass(frozen=True)
class Decision:
    """The dispatcher's answer for one run, with the reason the history shows (both languages)."""

    action: Action
    reason: str = ""
    reason_en: str = ""


@dataclass(frozen=True)
class Limits:
    """How many attempts, how long to wait between them, and the bounds' overrides (from the settings)."""

    max_attempts: int = 4
    backoff: timedelta = timedelta(minutes=1)
    pending: timedelta | None = None
    running: timedelta | None = None

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        """Read the limits from the settings (a zero bound keeps each stage's own)."""
        pending = settings.stage_work_pending_limit_seconds
        running = settings.stage_work_running_limit_seconds
        return cls(
            max_attempts=settings.stage_work_max_attempts,
            backoff=timedelta(seconds=settings.stage_work_retry_backoff_seconds),
            pending=timedelta(seconds=pending) if pending else None,
            running=timedelta(seconds=running) if running else None,
        )

    def retry_after(self, attempt: int) -> timedelta:
        """Say how long after attempt `attempt` ended the next may start: none after the first, then doubling.

        A first loss is most often a lost machine, which waiting does not mend; a run lost again
        points at a cause that may pass (a database restarting), so each next retry waits twice as long.
        """
        return timedelta(0) if attempt <= 1 else self.backoff * (2 ** (attempt - 2))


def _span(delta: timedelta) -> tuple[str, str]:
    """Say a bound in words, Indonesian and English (seconds below two minutes, else minutes)."""
    seconds = delta.total_seconds()
    if seconds < 120:
        return f"{seconds:g} detik", f"{seconds:g} seconds"
    minutes = f"{seconds / 60:g}"
    return f"{minutes} menit", f"{minutes} minutes"


def decide(
    *, event: StageEvent, phase: RunPhase, since: datetime | None, now: datetime, limits: Limits
) -> Decision:
    """Decide what to do about the event's run, in `phase` since `since` (None: unknown, so not long)."""
    bounds = spec_of(event.to_stage).bounds
    waited = now - since if since is not None else timedelta(0)
    last = event.work_attempt >= limits.max_attempts
    if phase is RunPhase.PENDING and waited > (bound := limits.pending or bounds.pending):
        if last:
            return _give_up(event, limits)
        return Decision(
            Action.CRASH_AND_RETRY,
            f"Run menunggu dimulai (Pending) lebih dari {_span(bound)[0]}; worker-nya diduga mati.",
            f"The run waited to start (Pending) over {_span(bound)[1]}; its worker is presumed dead.",
        )
    if phase is RunPhase.RUNNING and waited > (bound := limits.running or bounds.running):
        if last:
            return _give_up(event, limits)
        return Decision(
            Action.CRASH_AND_RETRY,
            f"Run berjalan lebih dari {_span(bound)[0]} tanpa selesai; prosesnya diduga hilang.",
            f"The run was Running over {_span(bound)[1]} unfinished; its process is presumed lost.",
        )
    if phase is RunPhase.UNFINISHED:
        if last:
            return _give_up(event, limits)
        if waited < limits.retry_after(event.work_attempt):
            return Decision(Action.LEAVE)  # backing off: the next dispatcher pass looks again
        return Decision(
            Action.RETRY,
            "Run berakhir tanpa menyelesaikan pekerjaannya (gagal atau crash); diulang otomatis.",
            "The run ended without finishing its work (failed or crashed); retried automatically.",
        )
    if phase is RunPhase.CANCELLED:
        stopped = ("Run dibatalkan; tidak diulang otomatis.", "The run was cancelled: not retried.")
        return Decision(Action.STOP, *stopped)
    return Decision(Action.LEAVE)


def _give_up(event: StageEvent, limits: Limits) -> Decision:
    return Decision(
        Action.GIVE_UP,
        f"Percobaan ke-{event.work_attempt} dari {limits.max_attempts} juga tidak selesai; perancang dan "
        "admin diberi tahu.",
        f"Attempt {event.work_attempt} of {limits.max_attempts} did not finish either; the drafters and "
        "the admins were told.",
    )


def _entry(event: StageEvent, *, run_state: str | None, decision: Decision, now: datetime) -> dict[str, Any]:
    return {
        "attempt": event.work_attempt,
        "flow_run_id": event.flow_run_id,
        "run_state": run_state,
        "reason": decision.reason,
        "reason_en": decision.reason_en,
        "at": now.isoformat(),
    }


def retry(
    session: Session,
    *,
    event_id: int,
    attempt: int,
    flow_run_id: str,
    run_state: str | None,
    decision: Decision,
    now: datetime | None = None,
) -> StageWork | None:
    """Claim the next attempt of the event's work and say what to start (None: someone else did)."""
    now = now or utcnow()
    claimed = queries.claim_event_work(
        session,
        event_id=event_id,
        attempt=attempt,
        flow_run_id=flow_run_id,
        state=WorkState.PENDING,
        next_attempt=attempt + 1,
    )
    if not claimed:
        return None
    event = session.get(StageEvent, event_id, populate_existing=True)
    assert event is not None  # the update above matched it
    # The entry names the attempt that was lost, with its run.
    entry = _entry(event, run_state=run_state, decision=decision, now=now)
    entry["attempt"] = attempt
    event.recovered_work = [*event.recovered_work, entry]  # a new list: the JSON column sees the change
    event.flow_run_id, event.flow_run_state, event.flow_run_state_at = None, None, None
    event.work_dispatched_at = None
    session.add(event)
    session.flush()
    policy = session.get(Policy, event.policy_id)
    assert policy is not None  # a foreign key guarantees it
    return work_of(event, slug=policy.slug)


def give_up(
    session: Session,
    *,
    event_id: int,
    attempt: int,
    flow_run_id: str,
    run_state: str | None,
    decision: Decision,
    tell: bool = True,
    now: datetime | None = None,
) -> bool:
    """Record the work failed after its last attempt, tell its drafters and the admins; False if done."""
    now = now or utcnow()
    claimed = queries.claim_event_work(
        session,
        event_id=event_id,
        attempt=attempt,
        flow_run_id=flow_run_id,
        state=WorkState.FAILED,
        next_attempt=attempt,
    )
    if not claimed:
        return False
    event = session.get(StageEvent, event_id, populate_existing=True)
    assert event is not None  # the update above matched it
    entry = _entry(event, run_state=run_state, decision=decision, now=now)
    event.recovered_work = [*event.recovered_work, entry]
    if run_state:
        event.flow_run_state, event.flow_run_state_at = run_state, now
    session.add(event)
    session.flush()
    if tell:
        _tell(session, event=event, run_state=run_state, now=now)
    return True


def _tell(session: Session, *, event: StageEvent, run_state: str | None, now: datetime) -> int:
    """Queue the failure notice for the policy's drafters and the admins (its key makes it once)."""
    policy = session.get(Policy, event.policy_id)
    assert policy is not None  # a foreign key guarantees it
    drafters = active_accounts(session, role=Role.DRAFTER, unit=policy.unit)
    admins = active_accounts(session, role=Role.ADMIN)
    return notify(
        session,
        key=f"stage-work-failed:{event.id}",
        template=FAILED_TEMPLATE,
        recipients=[Recipient.of(a) for a in [*drafters, *admins]],
        due_at=now,
        policy=policy,
        context=policy_context(
            policy,
            stage=stage_name(event.to_stage),
            stage_en=stage_name(event.to_stage, locale="en"),
            event_id=event.id,
            attempts=event.work_attempt,
            run_state=run_state or "—",
            flow_run_id=event.flow_run_id or "—",
        ),
        channels=(Channel.EMAIL, Channel.INBOX),
    )
