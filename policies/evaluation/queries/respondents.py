"""Reads and the one guarded write of a round's respondents, their answer sheets, and the accounts a
round reaches."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, func, select

from policies.accounts.models import Account, Role
from policies.evaluation.models import (
    SurveyLinkIssue,
    SurveyRespondent,
    SurveyResponse,
    SurveyRound,
)
from policies.lifecycle.models import Policy
from policies.outbox.models import Reminder


def respondent_count(session: Session, *, round_id: int) -> int:
    """Count a round's respondents."""
    stmt = select(func.count()).select_from(SurveyRespondent).where(SurveyRespondent.round_id == round_id)
    return int(session.exec(stmt).one())


def answered_count(session: Session, *, round_id: int) -> int:
    """Count a round's respondents who have answered."""
    return int(
        session.exec(
            select(func.count())
            .select_from(SurveyRespondent)
            .where(SurveyRespondent.round_id == round_id, col(SurveyRespondent.responded_at).is_not(None))
        ).one()
    )


def respondent_units(session: Session, *, round_id: int) -> list[str]:
    """Return the distinct non-empty units of a round's population (unordered)."""
    return list(
        session.exec(
            select(SurveyRespondent.unit)
            .where(SurveyRespondent.round_id == round_id, SurveyRespondent.unit != "")
            .distinct()
        )
    )


def respondent_by_token_hash(session: Session, *, token_hash: str) -> SurveyRespondent | None:
    """Return the respondent whose token hashes to `token_hash`, if any."""
    return session.exec(select(SurveyRespondent).where(SurveyRespondent.token_hash == token_hash)).first()


def claim_answer(session: Session, *, respondent_id: int, day: datetime) -> bool:
    """Mark a respondent as answered on `day` unless it already has; tell whether this call did."""
    claimed = session.execute(
        sa.update(SurveyRespondent)
        .where(col(SurveyRespondent.id) == respondent_id, col(SurveyRespondent.responded_at).is_(None))
        .values(responded_at=day)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1  # type: ignore[attr-defined]


def respondent_nips(session: Session, *, round_id: int) -> set[str]:
    """Return the NIPs a round's population already has."""
    return set(session.exec(select(SurveyRespondent.nip).where(SurveyRespondent.round_id == round_id)))


def respondents_after(
    session: Session, *, round_id: int, after_id: int, limit: int
) -> list[SurveyRespondent]:
    """Return a page of a round's respondents by id, after `after_id` (keyset)."""
    stmt = (
        select(SurveyRespondent)
        .where(SurveyRespondent.round_id == round_id, SurveyRespondent.id > after_id)  # type: ignore[operator]
        .order_by(col(SurveyRespondent.id))
        .limit(limit)
    )
    return list(session.exec(stmt))


def _unanswered(session: Session, round_id: int, *where: ColumnElement[bool]) -> Sequence[SurveyRespondent]:
    """Return the round's respondents who have not answered and meet `where`, in the order added."""
    stmt = select(SurveyRespondent).where(
        SurveyRespondent.round_id == round_id, col(SurveyRespondent.responded_at).is_(None), *where
    )
    return session.exec(stmt.order_by(col(SurveyRespondent.id))).all()


def uninvited_respondents(session: Session, *, round_id: int) -> Sequence[SurveyRespondent]:
    """Return the round's respondents not yet invited who have not answered, in the order added."""
    return _unanswered(session, round_id, col(SurveyRespondent.invited_at).is_(None))


def respondents_to_remind(
    session: Session, *, round_id: int, reminder_max: int
) -> Sequence[SurveyRespondent]:
    """Return the round's invited respondents yet to answer with reminders left, in the order added."""
    return _unanswered(
        session,
        round_id,
        col(SurveyRespondent.invited_at).is_not(None),
        SurveyRespondent.reminders_sent < reminder_max,
    )


def still_answerable(now: datetime) -> sa.ColumnElement[bool]:
    """Hold for a message whose respondent can still answer with its link (why_obsolete in SQL)."""
    ctx = col(Reminder.context)
    answerable = (
        sa.select(SurveyRespondent.id)
        .join(SurveyRound, col(SurveyRound.id) == SurveyRespondent.round_id)
        .where(
            col(SurveyRespondent.id) == ctx["respondent_id"].as_integer(),
            col(SurveyRound.id) == ctx["round_id"].as_integer(),
            col(SurveyRespondent.token_salt) == ctx["token_salt"].as_string(),
            col(SurveyRespondent.responded_at).is_(None),
            col(SurveyRound.closed_at).is_(None),
            col(SurveyRound.closes_at) > now,
        )
    )
    return answerable.exists()


def answer_sheets(session: Session, *, round_id: int) -> Iterable[tuple[dict[str, Any], str]]:
    """Return a round's answer sheets (answers, unit) in the order they came, read as they stream."""
    return session.exec(
        select(SurveyResponse.answers, SurveyResponse.unit)
        .where(SurveyResponse.round_id == round_id)
        .order_by(col(SurveyResponse.id))
    )


def staff_to_notify(session: Session, *, policy: Policy, evaluators: bool = True) -> list[Account]:
    """Return the active drafters of the policy's unit and, if asked, its unit's active evaluators."""
    roles = [Role.DRAFTER.value] + ([Role.EVALUATOR.value] if evaluators else [])
    cond = col(Account.role).in_(roles) & (col(Account.unit) == policy.unit)
    stmt = select(Account).where(cond, col(Account.active).is_(True)).order_by(col(Account.id))
    return list(session.exec(stmt))


def reminders_sent_total(session: Session, *, round_id: int) -> int:
    """Count the reminders a round has sent in all (a total: never whom they went to)."""
    stmt = select(func.coalesce(func.sum(SurveyRespondent.reminders_sent), 0)).where(
        SurveyRespondent.round_id == round_id
    )
    return int(session.exec(stmt).one())


def invited_count(session: Session, *, round_id: int) -> int:
    """Count a round's respondents whose invitation has been queued."""
    stmt = (
        select(func.count())
        .select_from(SurveyRespondent)
        .where(SurveyRespondent.round_id == round_id, col(SurveyRespondent.invited_at).is_not(None))
    )
    return int(session.exec(stmt).one())


def link_issues_of(session: Session, *, respondent_id: int) -> list[SurveyLinkIssue]:
    """Return every issue of a respondent's link, oldest first."""
    stmt = select(SurveyLinkIssue).where(SurveyLinkIssue.respondent_id == respondent_id)
    return list(session.exec(stmt.order_by(col(SurveyLinkIssue.id))))


def link_still_current(now: datetime) -> sa.ColumnElement[bool]:
    """Hold for a reissue notice whose link is still the respondent's and whose round is still open."""
    ctx = col(Reminder.context)
    current = (
        sa.select(SurveyRespondent.id)
        .join(SurveyRound, col(SurveyRound.id) == SurveyRespondent.round_id)
        .where(
            col(SurveyRespondent.id) == ctx["respondent_id"].as_integer(),
            col(SurveyRound.id) == ctx["round_id"].as_integer(),
            col(SurveyRespondent.token_salt) == ctx["token_salt"].as_string(),
            col(SurveyRound.closed_at).is_(None),
            col(SurveyRound.closes_at) > now,
        )
    )
    return current.exists()
