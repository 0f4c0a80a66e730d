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
from policies.evaluation import models
from policies.evaluation.models import (
    SurveyLinkIssue,
    SurveyParticipation,
    SurveyReceipt,
    SurveyRespondent,
    SurveyResponse,
    SurveyRound,
    random_row_id,
)
from policies.lifecycle.models import Policy
from policies.outbox.models import Reminder


def respondent_count(session: Session, *, round_id: int) -> int:
    """Count a round's respondents."""
    stmt = select(func.count()).select_from(SurveyRespondent).where(SurveyRespondent.round_id == round_id)
    return int(session.exec(stmt).one())


def answered_count(session: Session, *, round_id: int) -> int:
    """Count a round's respondents who have answered."""
    stmt = (
        select(func.count()).select_from(SurveyParticipation).where(SurveyParticipation.round_id == round_id)
    )
    return int(session.exec(stmt).one())


def has_answered(session: Session, *, respondent_id: int) -> bool:
    """Tell whether a respondent has answered (the one per-person fact kept, never when or what)."""
    stmt = select(SurveyParticipation.id).where(SurveyParticipation.respondent_id == respondent_id)
    return session.exec(stmt).first() is not None


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


def claim_answer(session: Session, *, round_id: int, respondent_id: int) -> bool:
    """Record that a respondent has answered unless it already has; tell whether this call did."""
    # The unique respondent_id is the once-only check that also holds under concurrent submits.
    try:
        with session.begin_nested():
            session.add(
                SurveyParticipation(
                    id=free_id(session, SurveyParticipation), round_id=round_id, respondent_id=respondent_id
                )
            )
            session.flush()
    except sa.exc.IntegrityError:
        return False
    return True


def free_id(session: Session, model: type[SurveyParticipation | SurveyReceipt | SurveyResponse]) -> int:
    """Return a random id no row of `model` has (a collision is one in two billion; retried anyway)."""
    while True:
        candidate = random_row_id()
        if session.get(model, candidate) is None:
            return candidate


def add_receipt(session: Session, *, round_id: int, receipt_hash: str) -> None:
    """Keep a receipt's hash, in a set of its own that names no respondent and no answer sheet."""
    session.add(
        SurveyReceipt(id=free_id(session, SurveyReceipt), round_id=round_id, receipt_hash=receipt_hash)
    )


def receipt_round(session: Session, *, receipt_hash: str) -> int | None:
    """Return the round a receipt's hash was counted in, if any."""
    stmt = select(SurveyReceipt.round_id).where(SurveyReceipt.receipt_hash == receipt_hash)
    return session.exec(stmt).first()


def remix_round(session: Session, *, round_id: int) -> int:
    """Store a round's answer sheets, participations and receipts again, in random order with new ids.

    Random ids already hide the order of submissions from anyone sorting by id; rewriting the rows
    at close also hides it from anyone reading a table in its storage order (PostgreSQL's heap keeps
    insertion order), so a dump of a closed round tells nothing about who answered when.
    """
    shuffler = models.ROW_RNG
    moved = 0
    for model in (SurveyResponse, SurveyParticipation, SurveyReceipt):
        table = model.__table__  # type: ignore[attr-defined]
        rows = [
            dict(r._mapping) for r in session.execute(sa.select(table).where(table.c.round_id == round_id))
        ]
        if not rows:
            continue
        session.execute(sa.delete(table).where(table.c.round_id == round_id))
        taken = set(session.execute(sa.select(table.c.id)).scalars())
        shuffler.shuffle(rows)
        for row in rows:
            row["id"] = random_row_id()
            while row["id"] in taken:
                row["id"] = random_row_id()
            taken.add(row["id"])
        # Inserted in the shuffled order (a multi-row insert keeps its order), so the storage order
        # is the shuffled one.
        session.execute(sa.insert(table), rows)
        moved += len(rows)
    session.expire_all()
    return moved


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


def _of_round(session: Session, round_id: int, *where: ColumnElement[bool]) -> Sequence[SurveyRespondent]:
    """Return the round's respondents who meet `where`, in the order added, answered or not.

    Whether someone has answered decides nothing sent to them: a reminder skipped, cancelled or
    absent in the outbox would tell the reader of the outbox who answered, and roughly when.
    """
    stmt = select(SurveyRespondent).where(SurveyRespondent.round_id == round_id, *where)
    return session.exec(stmt.order_by(col(SurveyRespondent.id))).all()


def uninvited_respondents(session: Session, *, round_id: int) -> Sequence[SurveyRespondent]:
    """Return the round's respondents not yet invited, in the order added."""
    return _of_round(session, round_id, col(SurveyRespondent.invited_at).is_(None))


def respondents_to_remind(
    session: Session, *, round_id: int, reminder_max: int
) -> Sequence[SurveyRespondent]:
    """Return the round's invited respondents with reminders left, in the order added."""
    return _of_round(
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
            col(SurveyRound.closed_at).is_(None),
            col(SurveyRound.closes_at) > now,
        )
    )
    return answerable.exists()


def answer_sheets(
    session: Session, *, round_id: int
) -> Iterable[tuple[dict[str, Any], str, str, int | None]]:
    """Return a round's answer sheets (answers, unit, golongan, years) by their random ids, streamed."""
    return session.exec(
        select(
            SurveyResponse.answers,
            SurveyResponse.unit,
            SurveyResponse.golongan,
            SurveyResponse.years_of_service,
        )
        .where(SurveyResponse.round_id == round_id)
        .order_by(col(SurveyResponse.id))
    )


def answer_sheet_rows(session: Session, *, round_id: int) -> Iterable[SurveyResponse]:
    """Return a round's whole answer sheets with their declared profile, by their random ids."""
    stmt = select(SurveyResponse).where(SurveyResponse.round_id == round_id)
    return session.exec(stmt.order_by(col(SurveyResponse.id)))


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
