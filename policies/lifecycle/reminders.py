"""What the outbox asks about a policy's news (adopted, a new cycle, evaluation begun): is it still in force.

News about a policy stays true while the policy moves on, but not once it is withdrawn: nobody is
told of an adoption or a new draft of a withdrawn policy (its withdrawal notice, which always goes
out, says what happened instead).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from policies.lifecycle.models import Policy, Stage
from policies.lifecycle.queries import policy_not_withdrawn
from policies.outbox import hooks
from policies.outbox.models import Reminder

ADOPTED, REVISION_STARTED, EVALUATION_OPENED = "policy_adopted", "revision_started", "evaluation_opened"
WITHDRAWN = "policy_withdrawn"
# The notice that a stage's work failed after its automatic retries (`recovery.py`).
STAGE_WORK_FAILED = "stage_work_failed"
NEWS_TEMPLATES = (ADOPTED, REVISION_STARTED, EVALUATION_OPENED)


def why_withdrawn(session: Session, reminder: Reminder, now: datetime) -> str:
    """Say that the reminder's policy is gone or withdrawn ("" when it is in force, or names none)."""
    if reminder.policy_id is None:
        return ""
    policy = session.get(Policy, reminder.policy_id)
    if policy is None:
        return "kebijakannya tidak ada lagi"
    return "kebijakan sudah dicabut" if policy.stage == Stage.WITHDRAWN else ""


def _in_force(now: datetime) -> sa.ColumnElement[bool]:
    return policy_not_withdrawn()


# News of a policy: worth telling while the policy is in force.
POLICY_NEWS = hooks.TemplateHooks(obsolete=why_withdrawn, current=_in_force)


def register() -> None:
    """Register the hooks of the lifecycle's news; the withdrawal notice itself always goes out."""
    hooks.register(templates=NEWS_TEMPLATES, hooks=POLICY_NEWS)
    hooks.register(templates=(WITHDRAWN,), hooks=hooks.ALWAYS_CURRENT)
    # Someone has to look at a failed run whatever the policy's stage since: always worth sending.
    hooks.register(templates=(STAGE_WORK_FAILED,), hooks=hooks.ALWAYS_CURRENT)
