"""The scheduled sweeps nobody should have to remember: close, open and close rounds, queue reminders.

Each sweep is a `SweepStep` run in its own transaction by its caller (a flow task, or the CLI), so
one that fails stops none of the others; within the consultation sweeps, one policy that fails
stops no other policy either (a savepoint each, the failure reported, the rest committed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from policies.accounts import audience
from policies.accounts.retention import forget_stale_bookkeeping
from policies.consultation.clock_sweep import sweep_answer_clocks
from policies.consultation.models import ConsultationWindow
from policies.consultation.queries import undisposed_comments, windows_due_to_close
from policies.evaluation import rounds
from policies.evaluation.followup.reminders import queue_followup_reminders
from policies.lifecycle.models import Policy, Stage
from policies.outbox.delivery import deliver_inbox
from policies.outbox.models import Channel
from policies.outbox.notify import notify, policy_context


@dataclass
class StepResult:
    """What one sweep did, in one Indonesian line, and the policies it could not handle."""

    line: str
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SweepStep:
    """One sweep: a name (its task's) and the domain action, which flushes and never commits."""

    name: str
    run: Callable[[Session, datetime], StepResult]


@dataclass
class SweepReport:
    """What one pass of the sweeps did."""

    consultations_closed: list[str] = field(default_factory=list)
    answer_clocks: int = 0
    rounds_opened: int = 0
    rounds_closed: int = 0
    respondent_reminders: int = 0
    followup_reminders: int = 0
    inbox_delivered: int = 0

    def lines(self) -> list[str]:
        """Describe the pass in Indonesian, one line per sweep."""
        closed = ", ".join(self.consultations_closed) or "tidak ada"
        return [
            f"Konsultasi ditutup: {closed}",
            f"Pengingat tenggat jawaban baru: {self.answer_clocks}",
            f"Putaran survei dibuka: {self.rounds_opened}, ditutup: {self.rounds_closed}",
            f"Pengingat responden baru: {self.respondent_reminders}",
            f"Pengingat rencana tindak lanjut baru: {self.followup_reminders}",
            f"Pesan kotak masuk terkirim: {self.inbox_delivered}",
        ]


def _describe(policy: Policy, exc: Exception) -> str:
    # The driver's own message, not SQLAlchemy's: that one quotes the statement and its parameters
    # (addresses among them), and this text ends up in Prefect's UI.
    detail = getattr(exc, "orig", None) or exc
    return f"{policy.slug}: {type(exc).__name__}: {detail}"[:500]


def close_due_consultations(
    session: Session, *, now: datetime, failures: list[str] | None = None
) -> list[str]:
    """Close every window whose end has passed and tell its drafters that dispositions are owed.

    With `failures` given, a window that cannot be closed is rolled back alone and described
    there (it is tried again next time); without it the error propagates.
    """
    closed: list[str] = []
    for window, policy in windows_due_to_close(session, now=now):
        try:
            with session.begin_nested():
                _close_window(session, window=window, policy=policy, now=now)
        except Exception as exc:
            if failures is None:
                raise
            failures.append(_describe(policy, exc))
            continue
        closed.append(policy.slug)
    return closed


def _close_window(session: Session, *, window: ConsultationWindow, policy: Policy, now: datetime) -> None:
    window.closed_at = window.closes_at
    session.add(window)
    session.flush()
    if policy.stage == Stage.WITHDRAWN:
        return
    notify(
        session,
        key=f"consultation-closed:{window.id}",
        template="dispositions_owed",
        recipients=audience.drafters(session, policy=policy),
        due_at=now,
        policy=policy,
        context=policy_context(
            policy,
            closed_at=window.closed_at,
            undisposed=undisposed_comments(session, window_id=window.id),  # type: ignore[arg-type]
        ),
        channels=(Channel.EMAIL, Channel.INBOX),
    )


def _step_close(session: Session, now: datetime) -> StepResult:
    failures: list[str] = []
    closed = close_due_consultations(session, now=now, failures=failures)
    return StepResult(f"Konsultasi ditutup: {', '.join(closed) or 'tidak ada'}", failures)


def _step_answer_clocks(session: Session, now: datetime) -> StepResult:
    failures: list[str] = []
    created = sweep_answer_clocks(session, now=now, failures=failures)
    return StepResult(f"Pengingat tenggat jawaban baru: {created}", failures)


def _step_close_rounds(session: Session, now: datetime) -> StepResult:
    return StepResult(f"Putaran survei ditutup: {len(rounds.close_due_rounds(session, now=now))}")


def _step_open_rounds(session: Session, now: datetime) -> StepResult:
    return StepResult(f"Putaran survei dibuka: {len(rounds.open_due_rounds(session, now=now))}")


def _step_respondent_reminders(session: Session, now: datetime) -> StepResult:
    return StepResult(f"Pengingat responden baru: {rounds.queue_respondent_reminders(session, now=now)}")


def _step_followup_reminders(session: Session, now: datetime) -> StepResult:
    return StepResult(f"Pengingat rencana tindak lanjut baru: {queue_followup_reminders(session, now=now)}")


def _step_digests(session: Session, now: datetime) -> StepResult:
    from policies.digest.digests import send_digests  # the digest reads comments, which read the lifecycle

    return StepResult(f"Ringkasan kabar ditulis: {send_digests(session, now=now)}")


def _step_inbox(session: Session, now: datetime) -> StepResult:
    return StepResult(f"Pesan kotak masuk terkirim: {deliver_inbox(session, now=now)}")


def _step_forget(session: Session, now: datetime) -> StepResult:
    gone = forget_stale_bookkeeping(session, now=now)
    return StepResult(
        f"Catatan usang dihapus: {gone.throttles} hitungan percobaan, "
        f"{gone.idempotency_records} kunci idempotensi"
    )


# In this order: rounds close before new ones open; reminders and digests are queued before the
# inbox delivers.
SWEEP_STEPS: tuple[SweepStep, ...] = (
    SweepStep("close-consultations", _step_close),
    SweepStep("answer-clocks", _step_answer_clocks),
    SweepStep("close-survey-rounds", _step_close_rounds),
    SweepStep("open-survey-rounds", _step_open_rounds),
    SweepStep("queue-respondent-reminders", _step_respondent_reminders),
    SweepStep("queue-followup-reminders", _step_followup_reminders),
    SweepStep("send-digests", _step_digests),
    SweepStep("deliver-inbox", _step_inbox),
    SweepStep("forget-stale-bookkeeping", _step_forget),
)


def run_sweeps(session: Session, *, now: datetime) -> SweepReport:
    """Run every sweep once in the caller's transaction (tests; the flow and CLI isolate each step)."""
    report = SweepReport()
    report.consultations_closed = close_due_consultations(session, now=now)
    report.answer_clocks = sweep_answer_clocks(session, now=now)
    report.rounds_closed = len(rounds.close_due_rounds(session, now=now))
    report.rounds_opened = len(rounds.open_due_rounds(session, now=now))
    report.respondent_reminders = rounds.queue_respondent_reminders(session, now=now)
    report.followup_reminders = queue_followup_reminders(session, now=now)
    report.inbox_delivered = deliver_inbox(session, now=now)
    return report
