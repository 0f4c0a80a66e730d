"""Helpers the evaluation modules share: who may run a survey, finding a round, dates, numbers."""

from __future__ import annotations

import calendar
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlmodel import Session

from policies.accounts.access import Actor, require_actor
from policies.accounts.models import Role
from policies.core.errors import Conflict, NotFound, PermissionDenied
from policies.core.fields import clean_text
from policies.core.i18n import format_date, format_number
from policies.evaluation import queries
from policies.evaluation.models import SurveyRound
from policies.lifecycle.models import Policy

# A round without an explicit length stays open this long (the kind's cadence permitting).
DEFAULT_ROUND_DAYS = 30
# The regulation asks for an index at least once a year, whatever the kind says.
MAX_CADENCE_MONTHS = 12
# The request body limit bounds an upload first; this only caps a CSV handed over another way.
MAX_CSV_CHARS = 50_000_000


def clean_csv(text: str) -> str:
    """Return an uploaded CSV as sent, or refuse it when it holds NUL (PostgreSQL cannot store it)."""
    return clean_text(
        text, field="file", label="Berkas CSV", label_en="The CSV file", max_chars=MAX_CSV_CHARS, strip=False
    )


def runs_evaluation(actor: Actor | None, *, policy: Policy) -> bool:
    """Tell whether a viewer runs the policy's evaluation: an admin, or its unit's evaluator or drafter."""
    if actor is None:
        return False
    if actor.role is Role.ADMIN:
        return True
    # An evaluator of another unit is a stranger to this survey's population: no reads, no writes.
    return actor.role in (Role.EVALUATOR, Role.DRAFTER) and bool(actor.unit) and actor.unit == policy.unit


def require_evaluator(actor: Actor | None, *, policy: Policy) -> Actor:
    """Refuse anyone but an admin, or an evaluator or drafter of the policy's unit."""
    actor = require_actor(actor)
    if runs_evaluation(actor, policy=policy):
        return actor
    raise PermissionDenied(
        "Survei evaluasi dikelola oleh admin, atau evaluator dan perancang dari "
        f"{policy.unit}; Anda tidak termasuk.",
        en=f"Evaluation surveys are run by admins, or by evaluators and drafters of {policy.unit}; "
        "you are not one of them.",
    )


def require_evaluation_role(actor: Actor | None) -> Actor:
    """Refuse, before any row is read, a role that runs no evaluation anywhere (the unit comes later)."""
    actor = require_actor(actor)
    if actor.role in (Role.ADMIN, Role.EVALUATOR, Role.DRAFTER):
        return actor
    raise PermissionDenied(
        "Survei evaluasi dikelola oleh admin, evaluator, dan perancang; Anda tidak termasuk.",
        en="Evaluation surveys are run by admins, evaluators and drafters; you are not one of them.",
    )


def is_staff(actor: Actor | None, *, policy: Policy) -> bool:
    """Tell whether a viewer runs the policy's evaluation (and so sees its working details)."""
    return runs_evaluation(actor, policy=policy)


def get_round(session: Session, *, round_id: int, for_update: bool = False) -> SurveyRound:
    """Return a survey round or raise NotFound."""
    row = queries.round_by_id(session, round_id=round_id, for_update=for_update)
    if row is None:
        raise NotFound(
            f"Putaran survei {round_id} tidak ditemukan.", en=f"Survey round {round_id} was not found."
        )
    return row


def require_published(survey: SurveyRound, *, invited: int, responded: int) -> None:
    """Refuse a round's results and report until it has closed: while it runs, only its counts are told.

    Live figures, compared after each submission, would tie an answer sheet to whoever just answered,
    so nobody sees them early, admins included.
    """
    if survey.report_published_at is not None:
        return
    raise Conflict(
        f"Hasil dan laporan putaran survei {survey.number} diterbitkan ketika putaran ditutup "
        f"({format_date(survey.closes_at)}). Selama putaran berjalan hanya jumlahnya yang ditampilkan: "
        f"{invited} diundang, {responded} sudah menjawab.",
        en=f"The results and report of survey round {survey.number} are published when the round closes "
        f"({format_date(survey.closes_at, locale='en')}). While it runs only its counts are shown: "
        f"{invited} invited, {responded} answered.",
        invited=invited,
        responded=responded,
    )


def policy_of(session: Session, *, survey: SurveyRound) -> Policy:
    """Return the policy a round belongs to."""
    policy = session.get(Policy, survey.policy_id)
    assert policy is not None  # a foreign key guarantees it
    return policy


def add_months(moment: datetime, *, months: int) -> datetime:
    """Return the same day `months` later, clamped to the month's last day."""
    total = moment.month - 1 + months
    year, month = moment.year + total // 12, total % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def half_up(value: float | int | str | Decimal | Fraction, *, digits: int = 2) -> Decimal:
    """Round half-up to `digits` decimals, from the exact value (Babel alone would round half-even)."""
    if isinstance(value, Fraction):
        # Exact when it terminates (21/8 = 2,625); otherwise 28 digits, far closer than any
        # survey fraction ever comes to a rounding boundary it does not sit on.
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    elif isinstance(value, float):
        # The shortest repr is the number people typed or the system stored ("11.125", not 11.12499…).
        exact = Decimal(repr(value))
    else:  # an int, a Decimal, or a decimal as stored ("81.94")
        exact = Decimal(value)
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def num(value: float | int | str | Decimal | Fraction, *, locale: str = "id", digits: int = 2) -> str:
    """Format a number for people ("2,63"), rounded half-up like every figure of the evaluation."""
    return format_number(half_up(value, digits=digits), locale=locale, digits=digits)
