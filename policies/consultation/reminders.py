"""What the outbox asks about consultation messages: is the window they speak of still as they say.

Each message names its window in its outbox key (`<prefix>:<window id>:<channel>:<who>`). The
notice that a consultation is open and the reminder that it closes soon follow the deadline: worth
sending only while the window is open and ends when they say. Closing or withdrawing a consultation
cancels them in its own transaction (`retire_deadline_reminders`), so none stays pending for weeks;
a moved deadline moves them along (`follow_deadline`); the check when sending catches what was
queued by any other way, and a reminder that says another deadline than the window's. The notices
that dispositions are owed (after the close, and the clock's reminder and escalation) are worth
sending while a visible comment of the window still lacks one, the report is unpublished and the
policy is not withdrawn.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from policies.accounts.models import Account
from policies.consultation.models import Comment, ConsultationWindow
from policies.consultation.queries import answers_still_owed, undisposed_comments, window_still_open
from policies.drafting.queries import clause_heading, version_number
from policies.lifecycle.models import Policy, Stage
from policies.outbox import hooks
from policies.outbox.models import Channel, Reminder
from policies.outbox.notify import Recipient, cancel_keyed, enqueue, reschedule_keyed

OPENED, CLOSING = "consultation_opened", "consultation_closing"
# Named here, not imported: the clock sweep and the receipts import this module's neighbours.
ANSWERS_DUE_SOON, ANSWERS_OVERDUE = "answers_due_soon", "answers_overdue"
RECEIPT = "comment_receipt"
DISPOSITIONS_OWED, ESCALATION = "dispositions_owed", "escalation"
# The outbox key's prefix of each template (the enqueuers in lifecycle/entry_work.py and sweeps.py).
KEY_PREFIX = {
    OPENED: "consultation-open",
    CLOSING: "consultation-closing",
    DISPOSITIONS_OWED: "consultation-closed",
    # No longer queued (the answer clock's escalation replaced the calendar-day one): kept so a
    # message queued before is still checked, and still goes out, as it was.
    ESCALATION: "escalation",
    # The answer clocks' reminder and escalation (consultation/clock_sweep.py).
    ANSWERS_DUE_SOON: "answer-due",
    ANSWERS_OVERDUE: "answer-overdue",
}
# The in-app notice to a commenter that the drafter answered: true whatever happens later.
ANSWERED = "comment_answered"
DEADLINE_TEMPLATES = (OPENED, CLOSING)
ANSWER_TEMPLATES = (DISPOSITIONS_OWED, ESCALATION, ANSWERS_DUE_SOON, ANSWERS_OVERDUE)
GONE = "jendela konsultasinya tidak ada lagi"


def _window(session: Session, reminder: Reminder) -> ConsultationWindow | None:
    window_id = hooks.key_id(reminder, prefix=KEY_PREFIX[reminder.template])
    return session.get(ConsultationWindow, window_id) if window_id is not None else None


def why_deadline_obsolete(session: Session, reminder: Reminder, now: datetime) -> str:
    """Say why a consultation's opening notice or closing reminder is no longer true ("" while it is)."""
    window = _window(session, reminder)
    if window is None:
        return GONE
    if window.closed_at is not None:
        return "konsultasi sudah ditutup"
    if now >= window.closes_at:
        return "konsultasi sudah berakhir"
    said = reminder.context.get("closes_at")
    if isinstance(said, str) and datetime.fromisoformat(said) != window.closes_at:
        return "tenggat konsultasi sudah berubah"
    return ""


def why_answers_obsolete(session: Session, reminder: Reminder, now: datetime) -> str:
    """Say why a notice that dispositions are owed is no longer needed ("" while it is)."""
    window = _window(session, reminder)
    if window is None:
        return GONE
    if window.report_published_at is not None:
        return "laporan konsultasi sudah diterbitkan"
    policy = session.get(Policy, window.policy_id)
    if policy is None or policy.stage == Stage.WITHDRAWN:
        return "kebijakan sudah dicabut"
    if undisposed_comments(session, window_id=window.id) == 0:  # type: ignore[arg-type]
        return "setiap masukan sudah diberi tindak lanjut"
    return ""


def retire_deadline_reminders(session: Session, *, window: ConsultationWindow) -> int:
    """Cancel the window's pending opening notices and closing reminders (it closed, or was withdrawn)."""
    return sum(
        cancel_keyed(session, key_prefix=f"{KEY_PREFIX[template]}:{window.id}:", templates=(template,))
        for template in DEADLINE_TEMPLATES
    )


def follow_deadline(session: Session, *, window: ConsultationWindow, was: datetime) -> int:
    """Move the window's pending deadline reminders from its old end `was` to its new one; count them.

    Extending a window (`windows.extend_window`) calls it in the extension's transaction.
    """
    return sum(
        reschedule_keyed(
            session,
            key_prefix=f"{KEY_PREFIX[template]}:{window.id}:",
            templates=(template,),
            shift=window.closes_at - was if template == CLOSING else timedelta(0),
            context={"closes_at": window.closes_at},
        )
        for template in DEADLINE_TEMPLATES
    )


def _hooks(template: str) -> hooks.TemplateHooks:
    prefix = KEY_PREFIX[template]
    if template in DEADLINE_TEMPLATES:

        def open_now(now: datetime) -> sa.ColumnElement[bool]:
            return window_still_open(prefix=prefix, now=now)

        return hooks.TemplateHooks(obsolete=why_deadline_obsolete, current=open_now)

    def owed(now: datetime) -> sa.ColumnElement[bool]:
        return answers_still_owed(prefix=prefix)

    return hooks.TemplateHooks(obsolete=why_answers_obsolete, current=owed)


def register() -> None:
    """Register the consultation messages' hooks with the outbox."""
    for template in (*DEADLINE_TEMPLATES, *ANSWER_TEMPLATES):
        hooks.register(templates=(template,), hooks=_hooks(template))
    # A receipt says what was received when: true whatever happens later.
    hooks.register(templates=(ANSWERED, RECEIPT), hooks=hooks.ALWAYS_CURRENT)


def tell_author_answered(session: Session, *, comment: Comment, policy: Policy, now: datetime) -> None:
    """Queue the in-app notice that the drafter answered a comment, for its author (once per comment)."""
    author = session.get(Account, comment.author_id) if comment.author_id is not None else None
    if author is None:
        return  # a workshop's point has no account to tell
    heading = clause_heading(session, version_id=comment.version_id, key=comment.clause_key)
    number = version_number(session, version_id=comment.version_id)
    from policies.digest.events import comment_context, record  # the digest reads comments
    from policies.digest.models import EventKind

    # Immediately (the default) keeps the notice below; a digest cadence records the event for it.
    wanting_now = record(
        session,
        policy=policy,
        kind=EventKind.ANSWER,
        key=f"answer:{comment.id}",
        accounts=[author],
        now=now,
        context=comment_context(
            kind=EventKind.ANSWER,
            clause_heading=heading,
            version=number,
            clause_key=comment.clause_key,
            comment_id=comment.id,  # type: ignore[arg-type]
        ),
    )
    if not wanting_now:
        return
    enqueue(
        session,
        dedupe_key=f"comment-answered:{comment.id}:{Channel.INBOX.value}:a{author.id}",
        template=ANSWERED,
        channel=Channel.INBOX,
        recipient=Recipient.of(author),
        due_at=now,
        policy_id=policy.id,
        context={
            "title": policy.title,
            "slug": policy.slug,
            "version": number,
            "clause_key": comment.clause_key,
            "clause_heading": heading,
            "comment_id": comment.id,
        },
    )
