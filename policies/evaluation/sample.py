"""Sample adequacy of a round: population, answers, the Krejcie–Morgan minimum and the margin of error.

The margin of error is the half-width of a 95 % confidence interval for a proportion at its widest
(p = 0,5), with the finite population correction, in percentage points:

    e = z · √(p(1 − p) / n) · √((N − n) / (N − 1)),   z = 1,96, p = 0,5

rounded half-up to 2 decimals. n = N (everyone answered) gives 0; no answer gives none.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from sqlmodel import Session

from policies.core.errors import Conflict
from policies.evaluation import queries
from policies.evaluation.common import half_up, num
from policies.evaluation.ikm import krejcie_morgan
from policies.evaluation.models import SurveyRound
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_kind

Z_95 = Decimal("1.96")
P = Decimal("0.5")
Rule = Literal["warn", "refuse"]


def margin_of_error(*, population: int, responses: int) -> Decimal | None:
    """Return the 95 % margin of error in percentage points with the finite population correction."""
    if responses <= 0 or population <= 0:
        return None
    n, big_n = Decimal(min(responses, population)), Decimal(population)
    if big_n == 1 or n == big_n:
        return Decimal("0.00")
    # Decimal square roots (28 digits): the same figure on every machine, then one half-up rounding.
    e = Z_95 * (P * (1 - P) / n).sqrt() * ((big_n - n) / (big_n - 1)).sqrt() * 100
    return half_up(e, digits=2)


def sample_rule(session: Session, *, policy: Policy) -> Rule:
    """Return what closing below the minimum sample does for the policy's kind ("warn" unless it says)."""
    rules = get_kind(session, kind_id=policy.kind_id).rules or {}
    return "refuse" if rules.get("evaluation_refuse_below_sample") else "warn"


@dataclass(frozen=True)
class SampleAdequacy:
    """A round's sample against its Krejcie–Morgan minimum, with the margin of error it gives."""

    population: int
    responses: int
    minimum: int
    margin_of_error: Decimal | None
    rule: Rule

    @property
    def shortfall(self) -> int:
        """Return how many more answers the minimum sample needs (0 when reached)."""
        return max(0, self.minimum - self.responses)

    @property
    def adequate(self) -> bool:
        """Tell whether the minimum sample is reached (an empty population never is)."""
        return self.minimum > 0 and self.shortfall == 0

    def warning(self, *, locale: str = "id") -> str:
        """Return the sentence that states the shortfall (empty when the sample is adequate)."""
        if self.adequate:
            return ""
        values = {
            "short": num(self.shortfall, locale=locale, digits=0),
            "minimum": num(self.minimum, locale=locale, digits=0),
            "responses": num(self.responses, locale=locale, digits=0),
            "population": num(self.population, locale=locale, digits=0),
        }
        if locale == "en":
            return (
                "Below the minimum sample: {responses} answers of {population}, the Krejcie–Morgan "
                "minimum is {minimum}, {short} more needed."
            ).format(**values)
        return (
            "Di bawah sampel minimum: {responses} jawaban dari populasi {population}, sampel minimum "
            "Krejcie–Morgan {minimum}, kurang {short} jawaban."
        ).format(**values)


def adequacy(*, population: int, responses: int, rule: Rule = "warn") -> SampleAdequacy:
    """Return the adequacy of `responses` answers from `population`."""
    return SampleAdequacy(
        population=population,
        responses=responses,
        minimum=krejcie_morgan(population),
        margin_of_error=margin_of_error(population=population, responses=responses),
        rule=rule,
    )


def adequacy_of(session: Session, *, survey: SurveyRound, policy: Policy) -> SampleAdequacy:
    """Return a round's adequacy from its totals (the only figures a running round shows)."""
    population = queries.respondent_count(session, round_id=survey.id)  # type: ignore[arg-type]
    responses = queries.answered_count(session, round_id=survey.id)  # type: ignore[arg-type]
    return adequacy(population=population, responses=responses, rule=sample_rule(session, policy=policy))


def require_adequate(sample: SampleAdequacy) -> None:
    """Refuse to close a round below its minimum sample when the kind's rule says so (else it warns)."""
    if sample.rule != "refuse" or sample.adequate:
        return
    raise Conflict(
        sample.warning()
        + " Aturan jenis kebijakan ini menolak penutupan di bawah sampel minimum: kumpulkan jawaban "
        "lagi (kirim pengingat) lalu tutup kembali.",
        en=sample.warning(locale="en")
        + " This policy kind's rule refuses to close below the minimum sample: collect more answers "
        "(send reminders) and close again.",
        population=sample.population,
        responses=sample.responses,
        minimum_sample=sample.minimum,
        shortfall=sample.shortfall,
    )
