"""Submitting a questionnaire with a one-time token: validated whole, saved whole, once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from policies.core.db import utcnow
from policies.core.errors import Conflict, NotAuthenticated
from policies.core.i18n import JAKARTA
from policies.evaluation import queries
from policies.evaluation.models import SurveyRespondent, SurveyResponse, SurveyRound
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


def submit_response(
    session: Session, *, token: str, answers: dict[str, object], now: datetime | None = None
) -> SurveyResponse:
    """Save one anonymous answer sheet for a token that has not answered yet."""
    now = now or utcnow()
    person, survey = round_for_token(session, token=token)
    if survey.closed_at is not None or now >= survey.closes_at:
        raise Conflict(
            "Survei ini sudah ditutup; jawaban tidak dapat diterima lagi.",
            en="This survey has closed; answers can no longer be accepted.",
        )
    if now < survey.opens_at:
        raise Conflict("Survei ini belum dibuka.", en="This survey has not opened yet.")
    if person.responded_at is not None:
        raise Conflict(USED, en=USED_EN)
    questions = round_questions(session, survey=survey)
    cleaned = validate_answers(questions, payload=answers, default_unit=person.unit)  # type: ignore[arg-type]
    # The guarded update is the once-only check that also holds under concurrent submits. Only the
    # day is kept (midnight WIB), so the order of answer sheets cannot be matched to respondents.
    day = now.astimezone(JAKARTA).replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    if not queries.claim_answer(session, respondent_id=person.id, day=day):  # type: ignore[arg-type]
        raise Conflict(USED, en=USED_EN)
    session.expire(person)
    row = SurveyResponse(
        round_id=survey.id,  # type: ignore[arg-type]
        unit=str(cleaned.pop("unit", "")),
        golongan=str(cleaned.pop("golongan", "")),
        years_of_service=cleaned.pop("years_of_service", None),  # type: ignore[arg-type]
        answers=cleaned,
        submitted_on=now.astimezone(JAKARTA).date().isoformat(),
    )
    session.add(row)
    session.flush()
    return row
