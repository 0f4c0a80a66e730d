"""The scheduled sweeps nobody should have to remember: close, escalate, open rounds, queue reminders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from policies import audience
from policies.evaluation import rounds
from policies.models import Channel, ConsultationWindow, Policy, Stage
from policies.notify import deliver_inbox, notify, policy_context
from policies.queries import undisposed_comments


@dataclass
class SweepReport:
    """What one pass of the sweeps did."""

    consultations_closed: list[str] = field(default_factory=list)
    escalations: int = 0
    rounds_opened: int = 0
    rounds_closed: int = 0
    respondent_reminders: int = 0
    inbox_delivered: int = 0

    def lines(self) -> list[str]:
        """Describe the pass in Indonesian, one line per sweep."""
        closed = ", ".join(self.consultations_closed) or "tidak ada"
        return [
            f"Konsultasi ditutup: {closed}",
            f"Eskalasi baru: {self.escalations}",
            f"Putaran survei dibuka: {self.rounds_opened}, ditutup: {self.rounds_closed}",
            f"Pengingat responden baru: {self.respondent_reminders}",
            f"Pesan kotak masuk terkirim: {self.inbox_delivered}",
        ]


def close_due_consultations(session: Session, *, now: datetime) -> list[str]:
    """Close every window whose end has passed and tell its drafters that dispositions are owed."""
    stmt = (
        select(ConsultationWindow, Policy)
        .join(Policy, col(Policy.id) == ConsultationWindow.policy_id)
        .where(col(ConsultationWindow.closed_at).is_(None), col(ConsultationWindow.closes_at) <= now)
        .order_by(col(ConsultationWindow.id))
    )
    closed: list[str] = []
    for window, policy in list(session.exec(stmt)):
        window.closed_at = window.closes_at
        session.add(window)
        session.flush()
        if policy.stage != Stage.WITHDRAWN:
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
        closed.append(policy.slug)
    return closed


def escalate_unanswered(session: Session, *, now: datetime, escalation_days: int) -> int:
    """Remind drafters and the unit head of comments still unanswered days after a window closed."""
    cutoff = now - timedelta(days=escalation_days)
    stmt = (
        select(ConsultationWindow, Policy)
        .join(Policy, col(Policy.id) == ConsultationWindow.policy_id)
        .where(
            col(ConsultationWindow.closed_at).is_not(None),
            col(ConsultationWindow.closed_at) <= cutoff,
            col(ConsultationWindow.report_published_at).is_(None),
            Policy.stage != Stage.WITHDRAWN,
        )
        .order_by(col(ConsultationWindow.id))
    )
    created = 0
    for window, policy in list(session.exec(stmt)):
        missing = undisposed_comments(session, window_id=window.id)  # type: ignore[arg-type]
        if missing == 0:
            continue
        people = audience.drafters(session, policy=policy) + audience.unit_heads(session, policy=policy)
        created += notify(
            session,
            key=f"escalation:{window.id}",
            template="escalation",
            recipients=people,
            due_at=now,
            policy=policy,
            context=policy_context(
                policy, closed_at=window.closed_at, undisposed=missing, days=escalation_days
            ),
            channels=(Channel.EMAIL, Channel.INBOX),
        )
    return created


def run_sweeps(session: Session, *, now: datetime, escalation_days: int) -> SweepReport:
    """Run every sweep once (email delivery is I/O and runs after the commit, elsewhere)."""
    report = SweepReport()
    report.consultations_closed = close_due_consultations(session, now=now)
    report.escalations = escalate_unanswered(session, now=now, escalation_days=escalation_days)
    report.rounds_closed = len(rounds.close_due_rounds(session, now=now))
    report.rounds_opened = len(rounds.open_due_rounds(session, now=now))
    report.respondent_reminders = rounds.queue_respondent_reminders(session, now=now)
    report.inbox_delivered = deliver_inbox(session, now=now)
    return report
