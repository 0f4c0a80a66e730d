"""The answer clocks' sweep: remind the drafters before the due date, escalate to the unit head after.

One reminder and one escalation per window at most: the outbox key names the window
(`answer-due:<window id>`, `answer-overdue:<window id>`), so a sweep that runs again, or twice at
once, queues nothing new; and the outbox drops either message when it is about to go out if every
comment has meanwhile been answered (consultation/reminders.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from policies.accounts import audience
from policies.calendar.actions import work_calendar
from policies.consultation import clocks
from policies.consultation.queries import undisposed_comments
from policies.consultation.queries.clocks import windows_owing_answers
from policies.consultation.reminders import ANSWERS_DUE_SOON, ANSWERS_OVERDUE, KEY_PREFIX
from policies.outbox.models import Channel
from policies.outbox.notify import notify, policy_context


def sweep_answer_clocks(session: Session, *, now: datetime, failures: list[str] | None = None) -> int:
    """Queue the reminders and escalations the clocks call for; count the new messages."""
    today = clocks.local_day(now)
    created = 0
    for window, policy, kind in windows_owing_answers(session):
        if window.closed_at is None:
            continue  # still open: the clock has not started
        try:
            with session.begin_nested():
                start = clocks.closes_on(closes_at=window.closes_at, closed_at=window.closed_at)
                calendar = work_calendar(session, start=start, end=today)
                due = clocks.window_due_on(calendar, window=window, rules=kind.rules)
                left = calendar.working_days_between(today, due)
                if today > due:
                    template = ANSWERS_OVERDUE
                    people = audience.drafters(session, policy=policy) + audience.unit_heads(
                        session, policy=policy
                    )
                elif left <= clocks.reminder_days(kind.rules):
                    template = ANSWERS_DUE_SOON
                    people = audience.drafters(session, policy=policy)
                else:
                    continue
                created += notify(
                    session,
                    key=f"{KEY_PREFIX[template]}:{window.id}",
                    template=template,
                    recipients=people,
                    due_at=now,
                    policy=policy,
                    context=policy_context(
                        policy,
                        due_on=clocks.noon_of(due),
                        days=clocks.answer_days(kind.rules),
                        undisposed=undisposed_comments(session, window_id=window.id),  # type: ignore[arg-type]
                    ),
                    channels=(Channel.EMAIL, Channel.INBOX),
                )
        except Exception as exc:
            if failures is None:
                raise
            failures.append(f"{policy.slug}: {type(exc).__name__}: {exc}"[:500])
    return created
