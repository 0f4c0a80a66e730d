"""What the outbox asks about the notices to evaluators and drafters: closing soon, round due, revision.

"The round closes soon" follows the round's deadline: not worth sending once the round is closed,
past its end, or its end moved (closing a round also cancels it, in the same transaction:
rounds.close_round). "The next round is due" is not worth sending once that round is open or the
policy left evaluation. A revision recommendation is news of the policy: kept while it is in force.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from policies.evaluation.models import SurveyRound
from policies.evaluation.queries import latest_round
from policies.evaluation.queries.staff_notices import next_round_still_due, round_still_running
from policies.lifecycle.models import Policy, Stage
from policies.lifecycle.reminders import POLICY_NEWS
from policies.outbox import hooks
from policies.outbox.models import Reminder

CLOSING_SOON, ROUND_DUE, RECOMMENDED = "survey_closing_soon", "survey_round_due", "revision_recommended"


def why_closing_soon_obsolete(session: Session, reminder: Reminder, now: datetime) -> str:
    """Say why "the round closes soon" is no longer true ("" while it is)."""
    round_id = reminder.context.get("round_id")
    survey = session.get(SurveyRound, round_id) if isinstance(round_id, int) else None
    if survey is None:
        return "putaran survei tidak ada lagi"
    if survey.closed_at is not None or now >= survey.closes_at:
        return "putaran survei sudah ditutup"
    said = reminder.context.get("closes_at")
    if isinstance(said, str) and datetime.fromisoformat(said) != survey.closes_at:
        return "tenggat putaran survei sudah berubah"
    return ""


def why_round_due_obsolete(session: Session, reminder: Reminder, now: datetime) -> str:
    """Say why "the next round is due" is no longer needed ("" while it is)."""
    policy = session.get(Policy, reminder.policy_id) if reminder.policy_id is not None else None
    if policy is None or policy.stage != Stage.EVALUATION:
        return "kebijakan tidak lagi dalam tahap evaluasi"
    number = reminder.context.get("next_round_number")
    last = latest_round(session, policy_id=policy.id)  # type: ignore[arg-type]
    if isinstance(number, int) and last is not None and last.number >= number:
        return f"putaran survei {number} sudah dibuka"
    return ""


def _still_due(now: datetime) -> sa.ColumnElement[bool]:
    return next_round_still_due()


def register() -> None:
    """Register the staff notices' hooks with the outbox."""
    hooks.register(
        templates=(CLOSING_SOON,),
        hooks=hooks.TemplateHooks(obsolete=why_closing_soon_obsolete, current=round_still_running),
    )
    hooks.register(
        templates=(ROUND_DUE,), hooks=hooks.TemplateHooks(obsolete=why_round_due_obsolete, current=_still_due)
    )
    hooks.register(templates=(RECOMMENDED,), hooks=POLICY_NEWS)
