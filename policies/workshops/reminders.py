"""What the outbox asks about a workshop invitation: is the policy still in that cycle's workshop stage.

The invitation asks people to the workshops of a cycle's workshop stage (its key names the policy
and the cycle). Once the policy left that stage (on to consultation, withdrawn, a new cycle), the
invitation is about something over: it is cancelled when sending, with that reason on the row.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from policies.lifecycle.models import Policy, Stage
from policies.outbox import hooks
from policies.outbox.models import Reminder
from policies.workshops.queries import workshop_stage_still_on

INVITATION = "workshop_invitation"


def why_obsolete(session: Session, reminder: Reminder, now: datetime) -> str:
    """Say why a workshop invitation is no longer worth sending ("" while it is)."""
    policy = session.get(Policy, reminder.policy_id) if reminder.policy_id is not None else None
    if policy is None:
        return "kebijakannya tidak ada lagi"
    cycle = reminder.context.get("cycle")
    if policy.cycle != cycle or policy.stage != Stage.WORKSHOP:
        return f"tahap lokakarya siklus {cycle} sudah berakhir"
    return ""


def _still_on(now: datetime) -> sa.ColumnElement[bool]:
    return workshop_stage_still_on()


def register() -> None:
    """Register the workshop invitation's hooks with the outbox."""
    hooks.register(
        templates=(INVITATION,), hooks=hooks.TemplateHooks(obsolete=why_obsolete, current=_still_on)
    )
