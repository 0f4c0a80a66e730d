"""Submitting a questionnaire with a one-time token: validated whole, saved whole, once, with a receipt.

Three rows are written, none naming another: the answer sheet (random id, no date), the fact that
this respondent has answered (random id, no date; the once-only check) and the receipt's hash
(random id). Closing the round stores all three again in random order (`queries.remix_round`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from policies.core.db import utcnow
from policies.core.errors import Conflict, NotAuthenticated
from policies.evaluation import queries
from policies.evaluation.models import SurveyRespondent, SurveyResponse, SurveyRound
from policies.evaluation.receipts import keep_receipt, new_receipt
from policies.evaluation.survey import validate_answers
from policies.evaluation.tokens import hash_token

USED = "Token ini sudah dipakai untuk menjawab; setiap responden menjawab sekali."
USED_EN = "This token has already been used to answer; each respondent answers once."


def round_questions(session: Session, *, survey: SurveyRound) -> list[dict[str, Any]]:
    """Return the round's questions; the profile's unit is a choice of the population's units, if any."""
    units = sorted(queries.respondent_units(session, round_id=survey.id))  # type: ignore[arg-type]
    if not units:
        return survey.questions
    # A free-text unit would let one respondent stand out by spelling; a choice keeps units comparable.
    return [
        {**q, "type": "single", "options": units, "options_en": units} if q["code"] == "unit" else q
        for q in survey.questions
    ]


def round_for_token(session: Session, *, token: str) -> tuple[SurveyRespondent, SurveyRound]:
    """Return the respondent and round a token opens, or refuse an unknown token."""
    person = queries.respondent_by_token_hash(session, token_hash=hash_token(token or ""))
    if person is None:
        raise NotAuthenticated(
            "Token survei tidak dikenal. Gunakan tautan dari undangan Anda.",
            en="Unknown survey token. Use the link from your invitation.",
        )
    survey = session.get(SurveyRound, person.round_id)
    assert survey is not None  # a foreign key guarantees it
    return person, survey


@dataclass(frozen=True)
class Submitted:
    """A saved answer sheet and the receipt code only its respondent is shown (once)."""

    response: SurveyResponse
    receipt: str


def submit_response(
    session: Session, *, token: str, answers: dict[str, object], now: datetime | None = None
) -> Submitted:
    """Save one anonymous answer sheet for a token that has not answered yet; return it with a receipt."""
    now = now or utcnow()
    person, survey = round_for_token(session, token=token)
    if survey.closed_at is not None or now >= survey.closes_at:
        raise Conflict(
            "Survei ini sudah ditutup; jawaban tidak dapat diterima lagi.",
            en="This survey has closed; answers can no longer be accepted.",
        )
    if now < survey.opens_at:
        raise Conflict("Survei ini belum dibuka.", en="This survey has not opened yet.")
    if queries.has_answered(session, respondent_id=person.id):  # type: ignore[arg-type]
        raise Conflict(USED, en=USED_EN)
    questions = round_questions(session, survey=survey)
    cleaned = validate_answers(questions, payload=answers, default_unit=person.unit)  # type: ignore[arg-type]
    if not queries.claim_answer(session, round_id=survey.id, respondent_id=person.id):  # type: ignore[arg-type]
        raise Conflict(USED, en=USED_EN)
    # No date on the sheet: a day, matched against the access log's times or against who answered
    # on a quiet day, would tie a sheet to its sender. The round's dates say when it was collected.
    row = SurveyResponse(
        id=queries.free_id(session, SurveyResponse),
        round_id=survey.id,  # type: ignore[arg-type]
        unit=str(cleaned.pop("unit", "")),
        golongan=str(cleaned.pop("golongan", "")),
        years_of_service=cleaned.pop("years_of_service", None),  # type: ignore[arg-type]
        answers=cleaned,
    )
    session.add(row)
    receipt = new_receipt()
    keep_receipt(session, round_id=survey.id, code=receipt)  # type: ignore[arg-type]
    session.flush()
    return Submitted(response=row, receipt=receipt)
