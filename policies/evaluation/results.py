"""Results of a survey round: IKM overall and by unit, each question, response rate."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from sqlmodel import Session, col, func, select

from policies.evaluation import ikm
from policies.evaluation.models import SurveyRespondent, SurveyResponse, SurveyRound

# A unit with fewer answer sheets than this is never shown on its own (its respondents could be
# recognised); such units are merged into "Lainnya" / "Other", itself shown only if it reaches this.
MIN_UNIT_RESPONDENTS = 5


@dataclass(frozen=True)
class OtherUnits:
    """The small units merged together: how many, how many sheets, and their index if big enough."""

    units: int
    respondents: int
    result: ikm.IkmResult | None


@dataclass
class QuestionResult:
    """What the answers to one of the kind's own questions add up to."""

    code: str
    type: str
    text: str
    text_en: str
    answered: int = 0
    mean: Fraction | None = None
    counts: dict[str, int] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)

    @property
    def index(self) -> float | None:
        """Return a scale question's mean on the 25–100 scale of the IKM (mean × 25)."""
        return None if self.mean is None else float(ikm.unsur_index(self.mean))


@dataclass
class RoundResults:
    """Everything the report and the indicators read about one round."""

    round_id: int
    population: int
    responses: int
    target_sample: int
    overall: ikm.IkmResult | None
    by_unit: dict[str, ikm.IkmResult]
    questions: dict[str, QuestionResult]
    other_units: OtherUnits | None = None

    @property
    def response_rate(self) -> float:
        """Return responses over population (0 when nobody was invited)."""
        return self.responses / self.population if self.population else 0.0

    @property
    def sample_reached(self) -> bool:
        """Tell whether the responses reach the Krejcie–Morgan sample."""
        return self.responses >= self.target_sample > 0

    def to_json(self) -> dict[str, Any]:
        """Return a JSON summary (stored on the round, served by the API)."""

        def one(r: ikm.IkmResult | None) -> dict[str, Any] | None:
            if r is None:
                return None
            return {
                "respondents": r.respondents,
                "ikm": str(r.index),
                "category": r.category.letter,
                "category_name": r.category.name,
                "category_name_en": r.category.name_en,
                "unsur": [
                    {
                        "code": u.code,
                        "name": u.name,
                        "name_en": u.name_en,
                        "nrr": str(ikm.round_half_up(u.nrr)),
                        "ikm": str(u.index),
                        "category": u.category.letter,
                    }
                    for u in r.unsur
                ],
            }

        return {
            "population": self.population,
            "responses": self.responses,
            "target_sample": self.target_sample,
            "response_rate": round(self.response_rate, 4),
            "sample_reached": self.sample_reached,
            "ikm": one(self.overall),
            "by_unit": {unit: one(r) for unit, r in sorted(self.by_unit.items())},
            "min_unit_respondents": MIN_UNIT_RESPONDENTS,
            "other_units": (
                {
                    "units": self.other_units.units,
                    "respondents": self.other_units.respondents,
                    "ikm": one(self.other_units.result),
                }
                if self.other_units is not None
                else None
            ),
            "questions": [
                {
                    "code": q.code,
                    "type": q.type,
                    "answered": q.answered,
                    "index": q.index,
                    "counts": q.counts,
                    "texts": len(q.texts),
                }
                for q in self.questions.values()
            ],
        }


def population_size(session: Session, *, round_id: int) -> int:
    """Count a round's respondents."""
    stmt = select(func.count()).select_from(SurveyRespondent).where(SurveyRespondent.round_id == round_id)
    return int(session.exec(stmt).one())


def compute_results(session: Session, *, survey: SurveyRound) -> RoundResults:
    """Compute a round's results from its stored responses, exactly."""
    population = population_size(session, round_id=survey.id)  # type: ignore[arg-type]
    own = [q for q in survey.questions if q["group"] == "kind"]
    questions = {
        q["code"]: QuestionResult(q["code"], q["type"], q["text"], q.get("text_en", "")) for q in own
    }
    for q in own:
        if q["type"] in ("single", "multi"):
            # Every option is listed, so an option nobody chose shows as 0 rather than missing.
            questions[q["code"]].counts = dict.fromkeys(q["options"], 0)
    sums: Counter[str] = Counter()
    unit_sums: dict[str, Counter[str]] = defaultdict(Counter)
    unit_n: Counter[str] = Counter()
    scale_sums: Counter[str] = Counter()
    n = 0
    rows = session.exec(
        select(SurveyResponse.answers, SurveyResponse.unit)
        .where(SurveyResponse.round_id == survey.id)
        .order_by(col(SurveyResponse.id))
    )
    for answers, unit in rows:
        n += 1
        unit_n[unit] += 1
        per_unit = unit_sums[unit]
        for code in ikm.UNSUR_CODES:
            score = answers[code]
            sums[code] += score
            per_unit[code] += score
        for code, q in questions.items():
            value = answers.get(code)
            if value is None:
                continue
            q.answered += 1
            if q.type == "scale":
                scale_sums[code] += value
            elif q.type == "single":
                q.counts[value] = q.counts.get(value, 0) + 1
            elif q.type == "multi":
                for v in value:
                    q.counts[v] = q.counts.get(v, 0) + 1
            else:
                q.texts.append(value)
    for code, q in questions.items():
        if q.type == "scale" and q.answered:
            q.mean = Fraction(scale_sums[code], q.answered)
    shown, other = split_units(unit_sums, unit_n=unit_n)
    return RoundResults(
        round_id=survey.id,  # type: ignore[arg-type]
        population=population,
        responses=n,
        target_sample=ikm.krejcie_morgan(population),
        overall=ikm.compute(sums, respondents=n) if n else None,
        by_unit=shown,
        questions=questions,
        other_units=other,
    )


def split_units(
    unit_sums: dict[str, Counter[str]], *, unit_n: Counter[str]
) -> tuple[dict[str, ikm.IkmResult], OtherUnits | None]:
    """Return the units big enough to show on their own, and the small ones merged."""
    shown = {
        u: ikm.compute(unit_sums[u], respondents=n) for u, n in unit_n.items() if n >= MIN_UNIT_RESPONDENTS
    }
    small = [u for u, n in unit_n.items() if n < MIN_UNIT_RESPONDENTS]
    if not small:
        return shown, None
    merged: Counter[str] = Counter()
    for u in small:
        merged.update(unit_sums[u])
    count = sum(unit_n[u] for u in small)
    result = ikm.compute(merged, respondents=count) if count >= MIN_UNIT_RESPONDENTS else None
    return shown, OtherUnits(units=len(small), respondents=count, result=result)
