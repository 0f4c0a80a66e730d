"""What a round's evaluation report shows, gathered once for every format (HTML, Markdown, docx, xlsx)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any

from sqlmodel import Session

from policies.core.errors import InvalidInput
from policies.core.i18n import format_datetime, format_share
from policies.evaluation import charts, queries
from policies.evaluation.common import get_round, num, policy_of
from policies.evaluation.indicators import meets_target, trends, unit_in
from policies.evaluation.models import SurveyRound
from policies.evaluation.report import skm
from policies.evaluation.report.labels import LABELS
from policies.evaluation.results import QuestionResultPublic, ResultsPublic, results_and_texts
from policies.evaluation.views import require_results_published
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_kind

LOCALES = ("id", "en")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def md_escape(value: object) -> str:
    """Escape text for Markdown, HTML included (free text is written by the public)."""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", escape(text, quote=False))


@dataclass(frozen=True)
class QuestionRow:
    """One of the kind's questions as the report shows it, options in the report's language."""

    text: str
    type: str
    answered: int
    index: float | None
    counts: list[tuple[str, int]]
    texts: list[str]


def _question_row(
    q: QuestionResultPublic, frozen: dict[str, Any], texts: list[str], *, en: bool
) -> QuestionRow:
    labels = dict(zip(frozen.get("options", []), frozen.get("options_en", []), strict=False)) if en else {}
    text = frozen.get("text", "")
    return QuestionRow(
        text=(frozen.get("text_en") or text) if en else text,
        type=q.type,
        answered=q.answered,
        index=q.index,
        counts=[(labels.get(option) or option, n) for option, n in q.counts.items()],
        texts=texts,
    )


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator with this round's value and its history."""

    code: str
    name: str
    unit: str
    baseline: float | None
    target: float
    direction: str
    value: float | None
    meets: bool | None
    chart: Any


def breakdown_rows(
    results: ResultsPublic, *, locale: str
) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """Return each breakdown as (title, rows of label, count, IKM, category), hidden cells spelled out."""
    t = LABELS[locale]
    out = []
    for b in results.breakdowns:
        hidden = t["suppressed"].format(n=b.min_group_size)
        rows = []
        for g in b.groups:
            label = t["other_units"] if g.status == "other" else g.label
            if g.status == "merged":
                rows.append((label, t["merged_hidden"], t["merged"], ""))
            elif g.ikm is None:
                rows.append((label, hidden, "—", ""))
            else:
                count = num(g.respondents or 0, locale=locale, digits=0)
                rows.append((label, count, num(g.ikm, locale=locale), g.category or ""))
        out.append((t[f"dim_{b.dimension}"], rows))
    return out


def report_context(session: Session, *, round_id: int, locale: str) -> dict[str, Any]:
    """Gather what the report shows; a round's report is published when it closes, and not before."""
    if locale not in LOCALES:
        raise InvalidInput("Bahasa laporan: id atau en.", en="Report language: id or en.", field="lang")
    survey = get_round(session, round_id=round_id)
    policy = policy_of(session, survey=survey)
    require_results_published(session, survey=survey)
    t = LABELS[locale]
    en = locale == "en"
    kind = get_kind(session, kind_id=policy.kind_id)
    kind_name = kind.name_en if en else kind.name
    # Read, not recomputed: a closed round's snapshot is what was published when it closed.
    results, texts = results_and_texts(session, survey=survey)
    history = trends(session, policy_id=policy.id)  # type: ignore[arg-type]
    rows = []
    for ind in queries.list_indicators(session, policy_id=policy.id):  # type: ignore[arg-type]
        points = [p for p in history.get(ind.id, []) if p.round_number <= survey.number]  # type: ignore[arg-type]
        here = next((p for p in points if p.round_id == survey.id), None)
        name = (ind.name_en or ind.name) if en else ind.name
        rows.append(
            IndicatorRow(
                code=ind.code,
                name=name,
                unit=unit_in(ind.unit, locale=locale),
                baseline=ind.baseline,
                target=ind.target,
                direction=ind.direction,
                value=here.value if here else None,
                meets=meets_target(ind, value=here.value) if here else None,
                chart=charts.trend_line(
                    [(f"#{p.round_number}", p.value) for p in points],
                    target=ind.target,
                    title=name,
                    locale=locale,
                )
                if points
                else None,
            )
        )
    overall = results.ikm
    unsur_chart = None
    if overall is not None:
        unsur_chart = charts.ikm_bars(
            [("IKM", float(overall.ikm), overall.category)]
            + [((u.name_en if en else u.name), float(u.ikm), u.category) for u in overall.unsur],
            title=t["ikm"],
            locale=locale,
        )
    recommendation = queries.recommendation_of(session, round_id=survey.id)  # type: ignore[arg-type]
    frozen = {q["code"]: q for q in survey.questions}
    other = results.other_units
    k = results.min_unit_respondents
    notes = []
    if other is not None:
        count = f"< {k}" if other.respondents is None else num(other.respondents, locale=locale, digits=0)
        notes.append(t["anonymity"].format(n=k, units=other.units, respondents=count))
        if other.ikm is None:
            notes.append(t["anonymity_withheld"].format(n=k))
    units = sorted(results.by_unit.items())
    if other is not None and other.ikm is not None:
        units.append((t["other_units"], other.ikm))
    return {
        "t": t,
        "locale": locale,
        "policy": policy,
        "kind_name": kind_name,
        "survey": survey,
        "results": results,
        # From the counts, not the stored rate (rounded to 4 places for the API): one rounding only.
        "response_rate": results.responses / results.population if results.population else 0.0,
        "overall": overall,
        "unsur_chart": unsur_chart,
        "gauge": charts.response_gauge(
            responses=results.responses,
            target=results.target_sample,
            population=results.population,
            title=t["response"],
            locale=locale,
        ),
        "indicators": rows,
        "units": units,
        "unit_notes": notes,
        "breakdowns": breakdown_rows(results, locale=locale),
        "suppression_note": t["suppression_note"].format(n=k),
        "reasons": [(r.get("text_en") or r["text"]) if en else r["text"] for r in recommendation.reasons]
        if recommendation is not None
        else [],
        "questions": [
            _question_row(q, frozen.get(q.code, {}), texts.get(q.code, []), en=en) for q in results.questions
        ],
        # Every figure rounded half-up from its exact value (NRR 21/8 is 2,63), never half-even.
        "num": lambda v, d=2: num(v, locale=locale, digits=d),
        "share": lambda v: format_share(v, locale=locale),
        "when": lambda v: format_datetime(v, locale=locale),
        **skm_context(
            session, survey=survey, results=results, policy=policy, kind_name=kind_name, locale=locale
        ),
    }


def skm_context(
    session: Session,
    *,
    survey: SurveyRound,
    results: ResultsPublic,
    policy: Policy,
    kind_name: str,
    locale: str,
) -> dict[str, Any]:
    """Gather the SKM report's own sections: introduction, sample, NRR table, conversion, analysis."""
    t, en = LABELS[locale], locale == "en"
    sample = skm.sample_of(session, results=results, policy=policy)
    overall = results.ikm
    margin = (
        t["margin_none"]
        if sample.margin_of_error is None
        else "± " + num(sample.margin_of_error, locale=locale) + (" %" if locale == "id" else "%")
    )
    table = skm.nrr_table(session, survey=survey, en=en)
    if overall is not None:
        name = overall.category_name_en if en else overall.category_name
        conclusion = t["conclusion"].format(
            ikm=num(overall.ikm, locale=locale),
            category=overall.category,
            name=name,
            responses=num(results.responses, locale=locale, digits=0),
            margin=margin,
        )
    else:
        conclusion = t["conclusion_none"]
    return {
        "background": t["background"].format(policy=policy.title, kind=kind_name, unit=policy.unit),
        "legal": [*t["legal"], f"{policy.title}."],
        "method_text": t["method_text"].format(unit=policy.unit),
        "sample": sample,
        "sample_warning": sample.warning(locale=locale),
        "margin": margin,
        "nrr_table": table,
        "rounding": t["rounding"].format(rounded=num(table.ikm_printed_weight, locale=locale))
        if table
        else "",
        "conversion": skm.conversion_rows(letter=overall.category if overall else None, en=en),
        "extremes": skm.extremes(overall, en=en),
        "comparison": skm.comparison(session, survey=survey, results=results, en=en),
        "service": (kind_name, policy.title),
        "conclusion": conclusion,
        "signed": lambda v: ("+" if v > 0 else "") + num(v, locale=locale),
        "round_id": survey.id,
        "policy_id": policy.id,
    }
