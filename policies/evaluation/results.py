"""Results of a survey round: IKM overall and by unit, each question, response rate; one stored shape."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel
from sqlmodel import Session

from policies.evaluation import breakdowns, ikm, queries
from policies.evaluation.breakdowns import BreakdownPublic, Tally
from policies.evaluation.common import policy_of
from policies.evaluation.models import SurveyRound

# The default smallest group a breakdown shows (the kind's `evaluation_min_group_size` overrides it):
# a smaller unit is never shown on its own (its respondents could be recognised); such units are
# merged into "Lainnya" / "Other", itself shown only if it reaches the minimum (breakdowns.py).
MIN_UNIT_RESPONDENTS = breakdowns.DEFAULT_MIN_GROUP


# The results of a round, in the one shape they are stored in (SurveyRound.results, when it closes),
# served by the API and read by the report. Decimals are exact strings ("81.94"), rounded half-up.


class UnsurResultPublic(BaseModel):
    """One unsur's mean (NRR), its index (NRR × 25) and category."""

    code: str
    name: str
    name_en: str
    nrr: str
    ikm: str
    category: Literal["A", "B", "C", "D"]


class IkmPublic(BaseModel):
    """The IKM of a set of answer sheets; decimals as exact strings ("81.94")."""

    respondents: int
    ikm: str
    category: Literal["A", "B", "C", "D"]
    category_name: str
    category_name_en: str
    unsur: list[UnsurResultPublic]

    @classmethod
    def of(cls, result: ikm.IkmResult | None) -> IkmPublic | None:
        """Write an exact result with its figures rounded half-up (None stays None)."""
        if result is None:
            return None
        return cls(
            respondents=result.respondents,
            ikm=str(result.index),
            category=result.category.letter,  # type: ignore[arg-type]
            category_name=result.category.name,
            category_name_en=result.category.name_en,
            unsur=[
                UnsurResultPublic(
                    code=u.code,
                    name=u.name,
                    name_en=u.name_en,
                    nrr=str(ikm.round_half_up(u.nrr)),
                    ikm=str(u.index),
                    category=u.category.letter,  # type: ignore[arg-type]
                )
                for u in result.unsur
            ],
        )


class QuestionResultPublic(BaseModel):
    """What the answers to one of the kind's own questions add up to."""

    code: str
    type: str
    answered: int
    index: float | None
    counts: dict[str, int]
    texts: int


class OtherUnitsPublic(BaseModel):
    """Units with fewer than `min_unit_respondents` sheets, merged ("Lainnya"); no figures below it."""

    units: int
    # None when the merge itself stays below the minimum: its count would be as telling as its index.
    respondents: int | None
    ikm: IkmPublic | None


class ResultsPublic(BaseModel):
    """A round's results: IKM overall and by unit (small units merged), questions, responses against the
    target sample."""

    population: int
    responses: int
    target_sample: int
    response_rate: float
    sample_reached: bool
    ikm: IkmPublic | None
    by_unit: dict[str, IkmPublic]
    min_unit_respondents: int
    other_units: OtherUnitsPublic | None
    questions: list[QuestionResultPublic]
    # By unit, golongan and band of years of service; every group below the minimum hidden.
    breakdowns: list[BreakdownPublic] = []

    def question(self, code: str) -> QuestionResultPublic | None:
        """Return the result of one of the kind's own questions, if the round asked it."""
        return next((q for q in self.questions if q.code == code), None)


@dataclass
class _Tally:
    """The answers to one of the kind's questions, counted as the sheets are read."""

    code: str
    type: str
    answered: int = 0
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    texts: int = 0
    kept: list[str] | None = None  # the open answers themselves, when the caller wants them

    def add(self, value: Any) -> None:
        self.answered += 1
        if self.type == "scale":
            self.total += value
        elif self.type == "single":
            self.counts[value] = self.counts.get(value, 0) + 1
        elif self.type == "multi":
            for v in value:
                self.counts[v] = self.counts.get(v, 0) + 1
        else:
            self.texts += 1
            if self.kept is not None:
                self.kept.append(value)

    def result(self) -> QuestionResultPublic:
        # A scale question's mean on the 25–100 scale of the IKM (mean × 25).
        scaled = self.type == "scale" and self.answered
        index = float(ikm.unsur_index(Fraction(self.total, self.answered))) if scaled else None
        return QuestionResultPublic(
            code=self.code,
            type=self.type,
            answered=self.answered,
            index=index,
            counts=self.counts,
            texts=self.texts,
        )


def _own_questions(survey: SurveyRound) -> list[dict[str, Any]]:
    return [q for q in survey.questions if q["group"] == "kind"]


def compute_results(session: Session, *, survey: SurveyRound) -> ResultsPublic:
    """Compute a round's results from its stored responses, exactly, then round them half-up once."""
    return _computed(session, survey=survey, keep_texts=False)[0]


def results_and_texts(session: Session, *, survey: SurveyRound) -> tuple[ResultsPublic, dict[str, list[str]]]:
    """Return a round's results (its snapshot once closed) and its open answers, reading the sheets once."""
    snapshot = _snapshot(survey)
    if snapshot is not None:
        return snapshot, free_texts(session, survey=survey)
    # An open round (a preview of the report): one pass over the sheets gives both.
    return _computed(session, survey=survey, keep_texts=True)


def _computed(
    session: Session, *, survey: SurveyRound, keep_texts: bool
) -> tuple[ResultsPublic, dict[str, list[str]]]:
    population = queries.respondent_count(session, round_id=survey.id)  # type: ignore[arg-type]
    tallies = {q["code"]: _Tally(q["code"], q["type"]) for q in _own_questions(survey)}
    texts: dict[str, list[str]] = {}
    for code, tally in tallies.items():
        if keep_texts and tally.type not in ("scale", "single", "multi"):
            tally.kept = texts[code] = []
    for q in _own_questions(survey):
        if q["type"] in ("single", "multi"):
            # Every option is listed, so an option nobody chose shows as 0 rather than missing.
            tallies[q["code"]].counts = dict.fromkeys(q["options"], 0)
    sums: Counter[str] = Counter()
    by = {dimension: Tally.empty() for dimension in breakdowns.DIMENSIONS}
    n = 0
    for answers, unit, golongan, years in queries.answer_sheets(session, round_id=survey.id):  # type: ignore[arg-type]
        n += 1
        by["unit"].add(unit or breakdowns.UNKNOWN, answers)
        by["golongan"].add(golongan or breakdowns.UNKNOWN, answers)
        by["years"].add(breakdowns.years_band(years), answers)
        for code in ikm.UNSUR_CODES:
            sums[code] += answers[code]
        for code, tally in tallies.items():
            if answers.get(code) is not None:
                tally.add(answers[code])
    minimum = breakdowns.min_group_size(session, policy=policy_of(session, survey=survey))
    units = queries.respondent_units(session, round_id=survey.id)  # type: ignore[arg-type]
    shown, other = split_units(by["unit"], minimum=minimum)
    target = ikm.krejcie_morgan(population)
    results = ResultsPublic(
        population=population,
        responses=n,
        target_sample=target,
        response_rate=round(n / population, 4) if population else 0.0,
        sample_reached=n >= target > 0,
        ikm=IkmPublic.of(ikm.compute(sums, respondents=n) if n else None),
        by_unit={unit: IkmPublic.of(r) for unit, r in sorted(shown.items())},  # type: ignore[misc]
        min_unit_respondents=minimum,
        other_units=other,
        breakdowns=[
            breakdowns.breakdown(
                dimension,
                by[dimension],
                labels=breakdowns.labels_for(dimension, units=units),
                minimum=minimum,
            )
            for dimension in breakdowns.DIMENSIONS
        ],
        questions=[tally.result() for tally in tallies.values()],
    )
    return results, texts


def stored_results(session: Session, *, survey: SurveyRound) -> ResultsPublic:
    """Return a round's results: the snapshot taken when it closed, computed now while it is open."""
    snapshot = _snapshot(survey)
    return snapshot if snapshot is not None else compute_results(session, survey=survey)


def _snapshot(survey: SurveyRound) -> ResultsPublic | None:
    # What a closed round published when it closed; an open round has none yet.
    return (
        ResultsPublic.model_validate(survey.results)
        if survey.closed_at is not None and survey.results
        else None
    )


def free_texts(session: Session, *, survey: SurveyRound) -> dict[str, list[str]]:
    """Return the open answers to each of the kind's free-text questions (in no order of arrival)."""
    codes = [q["code"] for q in _own_questions(survey) if q["type"] not in ("scale", "single", "multi")]
    texts: dict[str, list[str]] = {code: [] for code in codes}
    for answers, *_profile in queries.answer_sheets(session, round_id=survey.id):  # type: ignore[arg-type]
        for code in codes:
            if answers.get(code) is not None:
                texts[code].append(answers[code])
    return texts


def split_units(tally: Tally, *, minimum: int) -> tuple[dict[str, ikm.IkmResult], OtherUnitsPublic | None]:
    """Return the units big enough to show on their own, and the rest merged (breakdowns.split)."""
    shown, small, merged, pooled, size = breakdowns.split(tally, minimum=minimum)
    if not small and not merged:
        return shown, None
    other = OtherUnitsPublic(
        units=len(small) + len(merged),
        respondents=size if pooled is not None else None,
        ikm=IkmPublic.of(pooled),
    )
    return shown, other
