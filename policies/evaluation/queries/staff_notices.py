"""The SQL of the evaluators' and drafters' notices: is the round still running, the next round still due."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select

from policies.evaluation.models import SurveyRound
from policies.lifecycle.models import Policy, Stage
from policies.outbox.models import Reminder


def round_still_running(now: datetime) -> sa.ColumnElement[bool]:
    """Hold for a notice whose round (its context's round_id) is neither closed nor past its end."""
    return (
        select(SurveyRound.id)
        .where(
            col(SurveyRound.id) == col(Reminder.context)["round_id"].as_integer(),
            col(SurveyRound.closed_at).is_(None),
            col(SurveyRound.closes_at) > now,
        )
        .exists()
    )


def next_round_still_due() -> sa.ColumnElement[bool]:
    """Hold for a notice of a round due while the policy is in evaluation and that round is not open yet."""
    in_evaluation = (
        select(Policy.id)
        .where(col(Policy.id) == Reminder.policy_id, Policy.stage == Stage.EVALUATION.value)
        .exists()
    )
    opened = (
        select(SurveyRound.id)
        .where(
            col(SurveyRound.policy_id) == Reminder.policy_id,
            col(SurveyRound.number) >= col(Reminder.context)["next_round_number"].as_integer(),
        )
        .exists()
    )
    return sa.and_(in_evaluation, ~opened)
