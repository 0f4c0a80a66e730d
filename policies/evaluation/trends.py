"""Trends of a policy's surveys: the IKM and each unsur across its closed rounds and years, and per unit.

Figures come from each round's stored results (the snapshot taken when it closed). A unit is shown in
a round only when it has at least the kind's `evaluation_min_group_size` answer sheets there, read
now, not when the round closed: a threshold raised since hides what it would hide today. A round
where a unit is hidden leaves a gap in its line, never a figure. `trend_section` builds the variables
of `service/templates/web/evaluation/_trends_section.html` (charts included); the report, the
publication page and the exports read the same `TrendSection`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup
from sqlmodel import Session

from policies.core.i18n import JAKARTA
from policies.evaluation import breakdowns, ikm
from policies.evaluation.common import num
from policies.evaluation.models import SurveyRound
from policies.evaluation.queries.trends import closed_rounds
from policies.evaluation.results import IkmPublic, ResultsPublic
from policies.evaluation.trend_charts import Series, dot_strips, trend_lines
from policies.lifecycle.queries import get_policy_by_id


@dataclass(frozen=True)
class TrendRound:
    """One closed round on the trend's axis: its number, year, IKM and respondents."""

    round_id: int
    number: int
    year: int
    cycle: int
    respondents: int
    ikm: str | None
    category: str | None

    def label(self, *, locale: str) -> str:
        """Return the round's axis label, two lines: "Putaran 2" then its year."""
        return f"{'Round' if locale == 'en' else 'Putaran'} {self.number}\n{self.year}"

    def short(self, *, locale: str) -> str:
        """Return the round's short label ("P2 2026", "R2 2026")."""
        return f"{'R' if locale == 'en' else 'P'}{self.number} {self.year}"


@dataclass(frozen=True)
class UnsurTrend:
    """One unsur across the rounds: its NRR and index in each (None where the round has none)."""

    code: str
    name: str
    name_en: str
    nrr: list[str | None]
    index: list[str | None]


@dataclass(frozen=True)
class UnitTrend:
    """One unit across the rounds: its IKM where it had enough respondents, None where hidden."""

    unit: str
    ikm: list[str | None]
    categories: list[str | None]


@dataclass(frozen=True)
class YearRow:
    """A year's surveys: its rounds and the IKM of its latest round (the year's result)."""

    year: int
    rounds: list[int]
    ikm: str | None
    category: str | None


@dataclass
class TrendSection:
    """Everything the trends section shows, with its charts drawn in the section's language."""

    policy_id: int
    locale: str
    min_group_size: int
    rounds: list[TrendRound] = field(default_factory=list)
    unsur: list[UnsurTrend] = field(default_factory=list)
    units: list[UnitTrend] = field(default_factory=list)
    years: list[YearRow] = field(default_factory=list)

    def charts(self, locale: str | None = None, *, ident: str = "trend") -> dict[str, Markup | None]:
        """Draw the charts (ikm, unsur, unit) in a language, the section's by default; None when empty."""
        return (
            _draw(self, locale=locale or self.locale, ident=ident) if self.rounds else dict.fromkeys(CHARTS)
        )


CHARTS = ("ikm", "unsur", "unit")


def _shown_units(results: ResultsPublic, *, minimum: int) -> dict[str, IkmPublic]:
    # Below today's minimum a unit is hidden, whatever the round's own minimum was when it closed.
    return {unit: r for unit, r in results.by_unit.items() if r.respondents >= minimum}


def _value(text: str | None) -> float | None:
    return float(text) if text is not None else None


def trend_section(
    session: Session,
    *,
    policy_id: int,
    locale: str = "id",
    ident: str = "trend",
    up_to_round: int | None = None,
) -> TrendSection:
    """Build a policy's trends: IKM, each unsur and each unit across its closed rounds, and by year.

    A round's report passes `up_to_round` (its number): it shows the trend as of that round, so what
    round 1's report says does not change once round 2 closes.
    """
    policy = get_policy_by_id(session, policy_id=policy_id)
    minimum = breakdowns.min_group_size(session, policy=policy)
    section = TrendSection(policy_id=policy_id, locale=locale, min_group_size=minimum)
    closed: list[tuple[SurveyRound, ResultsPublic]] = [
        (r, ResultsPublic.model_validate(r.results))
        for r in closed_rounds(session, policy_id=policy_id)
        if r.results and (up_to_round is None or r.number <= up_to_round)
    ]
    if not closed:
        return section
    for survey, results in closed:
        section.rounds.append(
            TrendRound(
                round_id=survey.id,  # type: ignore[arg-type]
                number=survey.number,
                year=survey.opens_at.astimezone(JAKARTA).year,
                cycle=survey.cycle,
                respondents=results.responses,
                ikm=results.ikm.ikm if results.ikm is not None else None,
                category=results.ikm.category if results.ikm is not None else None,
            )
        )
    for u in ikm.UNSUR:
        nrr: list[str | None] = []
        index: list[str | None] = []
        for _survey, results in closed:
            found = next((x for x in (results.ikm.unsur if results.ikm else []) if x.code == u.code), None)
            nrr.append(found.nrr if found else None)
            index.append(found.ikm if found else None)
        section.unsur.append(UnsurTrend(code=u.code, name=u.name, name_en=u.name_en, nrr=nrr, index=index))
    shown = [_shown_units(results, minimum=minimum) for _survey, results in closed]
    for unit in sorted({unit for by_unit in shown for unit in by_unit}):
        rows = [by_unit.get(unit) for by_unit in shown]
        section.units.append(
            UnitTrend(
                unit=unit,
                ikm=[r.ikm if r is not None else None for r in rows],
                categories=[r.category if r is not None else None for r in rows],
            )
        )
    for year in sorted({r.year for r in section.rounds}):
        of_year = [r for r in section.rounds if r.year == year]
        section.years.append(
            YearRow(
                year=year,
                rounds=[r.number for r in of_year],
                ikm=of_year[-1].ikm,
                category=of_year[-1].category,
            )
        )
    return section


def _draw(section: TrendSection, *, locale: str, ident: str) -> dict[str, Markup | None]:
    """Draw the section's three charts in a language."""
    en = locale == "en"
    labels = [r.label(locale=locale) for r in section.rounds]
    shorts = [r.short(locale=locale) for r in section.rounds]
    span = f"{shorts[0]} – {shorts[-1]}" if len(shorts) > 1 else shorts[0]
    ikm_values = [_value(r.ikm) for r in section.rounds]
    charts: dict[str, Markup | None] = dict.fromkeys(CHARTS)
    charts["ikm"] = trend_lines(
        labels,
        [Series("IKM", ikm_values)],
        title="IKM across rounds" if en else "IKM dari putaran ke putaran",
        desc=(
            f"The service satisfaction index of each closed round ({span}) on the 25–100 scale; dashed "
            "lines mark the category boundaries 65.00, 76.61 and 88.31."
            if en
            else f"Indeks kepuasan masyarakat setiap putaran yang ditutup ({span}) pada skala 25–100; garis "
            "putus-putus menandai batas mutu 65,00, 76,61 dan 88,31."
        ),
        ident=f"{ident}-ikm",
        locale=locale,
    )
    charts["unsur"] = dot_strips(
        shorts,
        [
            Series(f"{u.code.upper()} {u.name_en if en else u.name}", [_value(v) for v in u.index])
            for u in section.unsur
        ],
        title="Each unsur across rounds" if en else "Setiap unsur dari putaran ke putaran",
        desc=(
            f"For each of the nine elements, its index (NRR × 25) in each round ({span}), oldest light, "
            "latest dark; the latest value written at the right."
            if en
            else f"Untuk setiap unsur dari sembilan unsur, indeksnya (NRR × 25) pada setiap putaran "
            f"({span}), yang lama terang, yang terbaru gelap; nilai terbaru tertulis di kanan."
        ),
        ident=f"{ident}-unsur",
        locale=locale,
    )
    if section.units:
        charts["unit"] = trend_lines(
            labels,
            [Series(u.unit, [_value(v) for v in u.ikm]) for u in section.units],
            title="IKM per unit across rounds" if en else "IKM per unit dari putaran ke putaran",
            desc=(
                f"The IKM of each unit with at least {section.min_group_size} respondents in a round "
                f"({span}); a unit with fewer is not shown for that round (a gap in its line)."
                if en
                else f"IKM setiap unit yang memiliki paling sedikit {section.min_group_size} responden pada "
                f"suatu putaran ({span}); unit dengan responden lebih sedikit tidak ditampilkan pada putaran "
                "itu (garisnya terputus)."
            ),
            ident=f"{ident}-unit",
            locale=locale,
        )
    return charts


def trend_rows(section: TrendSection, *, locale: str = "id") -> tuple[list[str], list[list[str]]]:
    """Return the trends as a header (a column per round) and text rows: IKM, each unsur's NRR, each unit.

    A unit hidden in a round reads "< n" there (n the minimum group size), as every breakdown does.
    """
    en = locale == "en"
    header = ["", *(r.short(locale=locale) for r in section.rounds)]
    rows = [["IKM", *(num(r.ikm, locale=locale) if r.ikm else "—" for r in section.rounds)]]
    for u in section.unsur:
        name = f"{u.code.upper()} {u.name_en if en else u.name} (NRR)"
        rows.append([name, *(num(v, locale=locale) if v is not None else "—" for v in u.nrr)])
    hidden = f"< {section.min_group_size}"
    for unit in section.units:
        rows.append(
            [f"IKM {unit.unit}", *(num(v, locale=locale) if v is not None else hidden for v in unit.ikm)]
        )
    return header, rows
