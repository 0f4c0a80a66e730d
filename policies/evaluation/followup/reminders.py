"""Reminders of follow-up items: a week before the due date, and an overdue notice once it has passed.

The scheduled sweep queues them through the outbox, once per item, kind and due date (the outbox key
holds all three, so a second pass adds nothing); marking the item done or moving its date cancels
what is still queued (plans.update_item), and the send-time check drops any that slipped through.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from policies.evaluation.followup import queries
from policies.evaluation.followup.models import FollowUpItem, FollowUpStatus
from policies.evaluation.followup.plans import today_in_jakarta
from policies.evaluation.outreach import notify_staff
from policies.outbox import hooks
from policies.outbox.models import Reminder

DUE_SOON, OVERDUE = "followup_due_soon", "followup_overdue"
DUE_SOON_DAYS = 7


def queue_followup_reminders(session: Session, *, now: datetime) -> int:
    """Queue a reminder for each unfinished item due within a week, an overdue notice once past; count new."""
    today = today_in_jakarta(now)
    count = 0
    for item, policy in queries.items_to_remind(session, due_by=today + timedelta(days=DUE_SOON_DAYS)):
        overdue = item.due_on < today
        count += notify_staff(
            session,
            policy=policy,
            key=f"followup:{item.id}:{'overdue' if overdue else 'due-soon'}:{item.due_on.isoformat()}",
            template=OVERDUE if overdue else DUE_SOON,
            now=now,
            # The owners of a plan are the policy's drafters; evaluators see it in the round's report.
            evaluators=False,
            item_id=item.id,
            round_id=item.round_id,
            code=item.code.upper(),
            label=item.label,
            action=item.action,
            owner_unit=item.owner_unit,
            due_on=item.due_on.isoformat(),
        )
    return count


def why_obsolete(session: Session, reminder: Reminder, now: datetime) -> str:
    """Say why a follow-up reminder is no longer worth sending ("" while it is)."""
    item_id = reminder.context.get("item_id")
    item = session.get(FollowUpItem, item_id) if isinstance(item_id, int) else None
    if item is None:
        return "rencana tindak lanjut tidak ada lagi"
    if item.status == FollowUpStatus.DONE.value:
        return "rencana tindak lanjut sudah selesai"
    if reminder.context.get("due_on") != item.due_on.isoformat():
        return "tenggat rencana tindak lanjut sudah berubah"
    return ""


def register() -> None:
    """Register the follow-up reminders' hooks with the outbox."""
    hooks.register(
        templates=(DUE_SOON, OVERDUE),
        hooks=hooks.TemplateHooks(obsolete=why_obsolete, current=queries.item_still_open),
    )
