"""Publishing a closed round's results on a public page (no account): the evaluator's explicit act."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import utcnow
from policies.core.errors import Conflict, NotFound, PermissionDenied
from policies.evaluation.common import get_round, policy_of, require_evaluator
from policies.evaluation.models import SurveyRound
from policies.lifecycle.models import Policy


def require_publisher(actor: Actor | None, *, policy: Policy) -> Actor:
    """Refuse anyone but an admin or an evaluator of the policy's unit (not the drafters it judges)."""
    actor = require_evaluator(actor, policy=policy)
    if actor.role not in (Role.EVALUATOR, Role.ADMIN):
        raise PermissionDenied(
            "Hasil survei dipublikasikan oleh evaluator atau admin, bukan oleh perancang yang dinilai.",
            en="Survey results are published by evaluators or admins, not by the drafters they judge.",
        )
    return actor


def publish_results(
    session: Session, *, actor: Actor, round_id: int, now: datetime | None = None
) -> SurveyRound:
    """Publish a closed round's results for the public (an evaluator or admin of the unit; once)."""
    survey = get_round(session, round_id=round_id, for_update=True)
    # The same people who judge a round's results (evaluators, admins), not the drafters they judge.
    require_publisher(actor, policy=policy_of(session, survey=survey))
    if survey.closed_at is None:
        raise Conflict(
            f"Putaran survei {survey.number} masih berjalan: hasilnya baru dapat dipublikasikan "
            "setelah ditutup.",
            en=f"Survey round {survey.number} is still running: its results can be published once it closes.",
        )
    if survey.results_public_at is None:
        survey.results_public_at = now or utcnow()
        survey.results_public_by_id = actor.id
        session.add(survey)
        session.flush()
    return survey


def public_round(session: Session, *, round_id: int) -> SurveyRound:
    """Return a round whose results are published for the public, else NotFound (nothing to show yet)."""
    survey = get_round(session, round_id=round_id)
    if survey.results_public_at is None:
        raise NotFound(
            f"Hasil putaran survei {round_id} belum dipublikasikan.",
            en=f"The results of survey round {round_id} have not been published.",
        )
    return survey
