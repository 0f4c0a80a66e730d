"""The follow-up plans' SQL: items of a round or a policy, items due a reminder, the round to compare with."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from policies.evaluation.followup.models import FollowUpItem, FollowUpStatus
from policies.evaluation.models import SurveyRound
from policies.lifecycle.models import Policy, Stage
from policies.outbox.models import Reminder

DONE = FollowUpStatus.DONE.value


def items_of_round(session: Session, *, round_id: int) -> list[FollowUpItem]:
    """Return a round's follow-up items by subject, code, then in the order recorded."""
    stmt = (
        select(FollowUpItem)
        .where(FollowUpItem.round_id == round_id)
        .order_by(col(FollowUpItem.subject).desc(), col(FollowUpItem.code), col(FollowUpItem.id))
    )
    return list(session.exec(stmt))


def items_of_rounds_before(
    session: Session, *, policy_id: int, cycle: int
) -> list[tuple[FollowUpItem, SurveyRound]]:
    """Return every follow-up item (with its round) of a policy's rounds in cycles before `cycle`."""
    stmt = (
        select(FollowUpItem, SurveyRound)
        .join(SurveyRound, col(SurveyRound.id) == FollowUpItem.round_id)
        .where(FollowUpItem.policy_id == policy_id, SurveyRound.cycle < cycle)
        .order_by(col(SurveyRound.number), col(FollowUpItem.id))
    )
    return list(session.exec(stmt).all())  # type: ignore[arg-type]


def previous_closed_round(session: Session, *, survey: SurveyRound) -> SurveyRound | None:
    """Return the policy's latest round closed before this one (by number), if any."""
    stmt = (
        select(SurveyRound)
        .where(
            SurveyRound.policy_id == survey.policy_id,
            col(SurveyRound.number) < survey.number,
            col(SurveyRound.closed_at).is_not(None),
        )
        .order_by(col(SurveyRound.number).desc())
        .limit(1)
    )
    return session.exec(stmt).first()


def items_to_remind(session: Session, *, due_by: date) -> list[tuple[FollowUpItem, Policy]]:
    """Return the unfinished items due on or before `due_by` of policies not withdrawn, with the policy."""
    stmt = (
        select(FollowUpItem, Policy)
        .join(Policy, col(Policy.id) == FollowUpItem.policy_id)
        .where(
            FollowUpItem.status != DONE,
            col(FollowUpItem.due_on) <= due_by,
            Policy.stage != Stage.WITHDRAWN.value,
        )
        .order_by(col(FollowUpItem.due_on), col(FollowUpItem.id))
    )
    return list(session.exec(stmt).all())  # type: ignore[arg-type]


def item_still_open(now: datetime) -> sa.ColumnElement[bool]:
    """Hold for a reminder whose follow-up item (its context's item_id) is not done yet."""
    return (
        select(FollowUpItem.id)
        .where(
            col(FollowUpItem.id) == col(Reminder.context)["item_id"].as_integer(),
            FollowUpItem.status != DONE,
        )
        .exists()
    )
