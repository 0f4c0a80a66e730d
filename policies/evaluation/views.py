"""Reads for the evaluation API and pages: rounds page by page, a round's counts, results, template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from policies.evaluation import queries
from policies.evaluation.common import get_round, require_published
from policies.evaluation.ikm import krejcie_morgan
from policies.evaluation.models import SurveyRound
from policies.evaluation.responses import round_for_token, round_questions
from policies.evaluation.results import ResultsPublic, stored_results
from policies.evaluation.survey import template_for
from policies.lifecycle.queries import get_kind, get_policy


@dataclass(frozen=True)
class RoundCounts:
    """A round's population, invitations and answers so far (totals only), and the target sample."""

    population: int
    invited: int
    responses: int
    target_sample: int


def survey_template(session: Session, *, slug: str) -> list[dict[str, Any]]:
    """Return the question set a new round of the policy would freeze."""
    policy = get_policy(session, slug=slug)
    return template_for(get_kind(session, kind_id=policy.kind_id))


def rounds_page(session: Session, *, slug: str, after_id: int = 0, limit: int = 50) -> list[SurveyRound]:
    """Return a page of a policy's rounds by id (keyset)."""
    policy = get_policy(session, slug=slug)
    return queries.rounds_after(session, policy_id=policy.id, after_id=after_id, limit=limit)  # type: ignore[arg-type]


def round_counts(session: Session, *, round_id: int) -> RoundCounts:
    """Count a round's population and answers, with the target sample."""
    population = queries.respondent_count(session, round_id=round_id)
    invited = queries.invited_count(session, round_id=round_id)
    answered = queries.answered_count(session, round_id=round_id)
    return RoundCounts(population, invited, answered, krejcie_morgan(population))


def require_results_published(session: Session, *, survey: SurveyRound) -> None:
    """Refuse an open round's results and report to everyone, telling its counts instead."""
    if survey.report_published_at is None:
        counts = round_counts(session, round_id=survey.id)  # type: ignore[arg-type]
        require_published(survey, invited=counts.invited, responded=counts.responses)


def results_of(session: Session, *, round_id: int) -> ResultsPublic:
    """Return a round's results, public once it has closed; nobody's while it runs."""
    survey = get_round(session, round_id=round_id)
    require_results_published(session, survey=survey)
    return stored_results(session, survey=survey)


@dataclass(frozen=True)
class Questionnaire:
    """What a token opens: the round, its questions for this population, and whether it answered."""

    survey: SurveyRound
    questions: list[dict[str, Any]]
    answered: bool
    unit: str


def questionnaire(session: Session, *, token: str) -> Questionnaire:
    """Return the questionnaire a token opens (the unit a choice of the population's units, if known)."""
    person, survey = round_for_token(session, token=token)
    return Questionnaire(
        survey=survey,
        questions=round_questions(session, survey=survey),
        answered=queries.has_answered(session, respondent_id=person.id),  # type: ignore[arg-type]
        unit=person.unit,
    )
