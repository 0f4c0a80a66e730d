"""The SKM sections of the report (PermenPANRB 14/2017): sample, the NRR table, the interval conversion,
the weakest and strongest unsur, and the comparison with the previous survey."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from sqlmodel import Session

from policies.evaluation import ikm, queries
from policies.evaluation.models import SurveyRound
from policies.evaluation.results import IkmPublic, ResultsPublic, stored_results
from policies.evaluation.sample import SampleAdequacy, adequacy, sample_rule
from policies.lifecycle.models import Policy

# The regulation's interval conversion: perception 1–4, its NI interval as printed, then the IKM
# interval and grade (ikm.CATEGORIES holds the IKM boundaries the code classifies with).
NI_INTERVALS = {
    "D": ("1,00", "2,5996"),
    "C": ("2,60", "3,064"),
    "B": ("3,0644", "3,532"),
    "A": ("3,5324", "4,00"),
}


@dataclass(frozen=True)
class NrrRow:
    """One unsur in the regulation's table: sum of scores, NRR, weighted NRR, its index and grade."""

    code: str
    name: str
    total: int
    nrr: Fraction
    weighted: Fraction
    index: Decimal
    category: str


@dataclass(frozen=True)
class NrrTable:
    """The regulation's NRR table of a round, every figure exact until shown."""

    respondents: int
    rows: list[NrrRow]
    ni: Fraction
    ikm: Decimal
    category: ikm.Category
    ikm_printed_weight: Decimal


def nrr_table(session: Session, *, survey: SurveyRound, en: bool) -> NrrTable | None:
    """Return the NRR table from the round's answer sheets (None when nobody answered)."""
    sums: Counter[str] = Counter()
    n = 0
    for answers, *_profile in queries.answer_sheets(session, round_id=survey.id):  # type: ignore[arg-type]
        n += 1
        for code in ikm.UNSUR_CODES:
            sums[code] += answers[code]
    if not n:
        return None
    result = ikm.compute(sums, respondents=n)
    rows = [
        NrrRow(
            code=u.code,
            name=u.name_en if en else u.name,
            total=sums[u.code],
            nrr=u.nrr,
            weighted=u.nrr * ikm.WEIGHT,
            index=u.index,
            category=u.category.letter,
        )
        for u in result.unsur
    ]
    return NrrTable(
        respondents=n,
        rows=rows,
        ni=result.nrr_weighted,
        ikm=result.index,
        category=result.category,
        ikm_printed_weight=ikm.ikm_with_rounded_weights([u.nrr for u in result.unsur]),
    )


@dataclass(frozen=True)
class ConversionRow:
    """One row of the interval conversion table; `current` marks the round's own grade."""

    perception: int
    ni_low: str
    ni_high: str
    ikm_low: Decimal
    ikm_high: Decimal
    letter: str
    name: str
    current: bool


def conversion_rows(*, letter: str | None, en: bool) -> list[ConversionRow]:
    """Return the regulation's conversion table (NI 1,00–4,00 to IKM 25–100), the round's row marked."""
    rows = []
    for perception, category in enumerate(ikm.CATEGORIES, start=1):
        low, high = NI_INTERVALS[category.letter]
        if en:
            low, high = low.replace(",", "."), high.replace(",", ".")
        rows.append(
            ConversionRow(
                perception=perception,
                ni_low=low,
                ni_high=high,
                ikm_low=category.low,
                ikm_high=category.high,
                letter=category.letter,
                name=category.name_en if en else category.name,
                current=category.letter == letter,
            )
        )
    return rows


@dataclass(frozen=True)
class Extreme:
    """The lowest (or highest) unsur: every unsur sharing the extreme NRR."""

    names: list[str]
    nrr: str
    index: str
    category: str


def extremes(overall: IkmPublic | None, *, en: bool) -> tuple[Extreme, Extreme] | None:
    """Return the weakest and the strongest unsur by their index (ties listed together)."""
    if overall is None:
        return None

    def pick(value: Decimal) -> Extreme:
        chosen = [u for u in overall.unsur if Decimal(u.ikm) == value]
        return Extreme(
            names=[u.name_en if en else u.name for u in chosen],
            nrr=chosen[0].nrr,
            index=chosen[0].ikm,
            category=chosen[0].category,
        )

    values = [Decimal(u.ikm) for u in overall.unsur]
    return pick(min(values)), pick(max(values))


@dataclass(frozen=True)
class CompareRow:
    """One figure this round and in the previous one, with the change (None where there is no figure)."""

    label: str
    before: str | None
    now: str | None
    delta: Decimal | None


@dataclass(frozen=True)
class Comparison:
    """This round against the policy's previous closed round: IKM, then each unsur's NRR and index."""

    previous_number: int
    ikm: CompareRow
    nrr: list[CompareRow]
    index: list[CompareRow]


def _row(label: str, before: str | None, now: str | None) -> CompareRow:
    delta = Decimal(now) - Decimal(before) if before is not None and now is not None else None
    return CompareRow(label=label, before=before, now=now, delta=delta)


def comparison(
    session: Session, *, survey: SurveyRound, results: ResultsPublic, en: bool
) -> Comparison | None:
    """Return the comparison with the previous closed round of the same policy (None for the first)."""
    previous = queries.previous_closed_round(session, policy_id=survey.policy_id, before_number=survey.number)
    if previous is None:
        return None
    before = stored_results(session, survey=previous).ikm
    now = results.ikm
    old = {u.code: u for u in before.unsur} if before else {}
    new = {u.code: u for u in now.unsur} if now else {}
    names = {u.code: u.name_en if en else u.name for u in ikm.UNSUR}
    return Comparison(
        previous_number=previous.number,
        ikm=_row("IKM", before.ikm if before else None, now.ikm if now else None),
        nrr=[
            _row(names[c], old[c].nrr if c in old else None, new[c].nrr if c in new else None)
            for c in ikm.UNSUR_CODES
        ],
        index=[
            _row(names[c], old[c].ikm if c in old else None, new[c].ikm if c in new else None)
            for c in ikm.UNSUR_CODES
        ],
    )


def sample_of(session: Session, *, results: ResultsPublic, policy: Policy) -> SampleAdequacy:
    """Return the round's sample adequacy from its published totals."""
    return adequacy(
        population=results.population, responses=results.responses, rule=sample_rule(session, policy=policy)
    )
