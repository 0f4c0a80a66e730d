"""The evaluation report of a round: Jinja2 to HTML or Markdown, in Indonesian or English."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlmodel import Session

from policies.core.errors import InvalidInput, NotFound
from policies.core.i18n import format_datetime, format_share
from policies.evaluation import charts, queries
from policies.evaluation.common import get_round, num, policy_of
from policies.evaluation.indicators import meets_target, trends, unit_in
from policies.evaluation.results import QuestionResultPublic, ResultsPublic, results_and_texts
from policies.evaluation.views import require_results_published
from policies.lifecycle.queries import get_kind

TEMPLATES = Path(__file__).resolve().parent / "templates"
FORMATS = ("html", "md")
LOCALES = ("id", "en")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")

LABELS: dict[str, dict[str, str]] = {
    "id": {
        "title": "Laporan Evaluasi",
        "round": "Putaran survei",
        "cycle": "Siklus",
        "period": "Periode",
        "closed": "Ditutup",
        "open": "Masih dibuka",
        "ikm": "Indeks Kepuasan Masyarakat (IKM)",
        "category": "Kategori mutu pelayanan",
        "unsur": "Unsur",
        "nrr": "NRR",
        "unsur_ikm": "IKM unsur",
        "by_unit": "IKM per unit kerja",
        "unit": "Unit kerja",
        "respondents": "Responden",
        "response": "Tingkat respons",
        "population": "Populasi",
        "target_sample": "Sampel target (Krejcie–Morgan)",
        "responses": "Jawaban masuk",
        "indicators": "Indikator terhadap target",
        "indicator": "Indikator",
        "baseline": "Nilai dasar",
        "target": "Target",
        "value": "Nilai putaran ini",
        "meets": "Memenuhi target",
        "yes": "ya",
        "no": "tidak",
        "not_measured": "belum diukur",
        "questions": "Pertanyaan khusus",
        "mean": "Skor (25–100)",
        "free_text": "Jawaban terbuka",
        "no_responses": "Belum ada jawaban.",
        "recommendation": "Rekomendasi revisi",
        "no_recommendation": "Tidak ada rekomendasi revisi.",
        "method": "IKM dihitung persis (bobot 1/9 per unsur), dibulatkan setengah ke atas ke 2 desimal, "
        "lalu dikategorikan (PermenPANRB 14/2017).",
        "sample_ok": "Sampel target tercapai.",
        "sample_short": "Sampel target belum tercapai.",
        "trend": "Tren",
        "option": "Pilihan",
        "count": "Jumlah",
        "other_units": "Lainnya",
        "by_unit_unsur": "IKM unsur per unit kerja",
        "anonymity": "Unit kerja dengan kurang dari {n} responden tidak ditampilkan sendiri agar "
        "respondennya tidak dapat dikenali: {units} unit ({respondents} responden) digabung menjadi "
        "\u201cLainnya\u201d.",
        "anonymity_withheld": "Gabungan \u201cLainnya\u201d pun kurang dari {n} responden, jadi "
        "nilainya tidak ditampilkan; jawabannya tetap dihitung dalam IKM keseluruhan.",
        "breakdowns": "Rincian per kelompok responden",
        "dim_unit": "Unit kerja",
        "dim_golongan": "Golongan",
        "dim_years": "Masa kerja (tahun)",
        "suppressed": "< {n} (disembunyikan)",
        "merged": "digabung ke \u201cLainnya\u201d",
        "suppression_note": "Kelompok dengan kurang dari {n} responden disembunyikan: jumlah dan nilainya "
        "tidak ditampilkan, agar jawaban tidak dapat ditelusuri ke orangnya. Kelompok kecil digabung "
        "menjadi \u201cLainnya\u201d; bila gabungan itu masih kurang dari {n}, kelompok terkecil "
        "berikutnya ikut digabung, supaya nilai yang disembunyikan tidak dapat dihitung dari selisih "
        "dengan total.",
    },
    "en": {
        "title": "Evaluation Report",
        "round": "Survey round",
        "cycle": "Cycle",
        "period": "Period",
        "closed": "Closed",
        "open": "Still open",
        "ikm": "Community Satisfaction Index (IKM)",
        "category": "Service quality category",
        "unsur": "Element",
        "nrr": "Mean (NRR)",
        "unsur_ikm": "Element index",
        "by_unit": "IKM by work unit",
        "unit": "Work unit",
        "respondents": "Respondents",
        "response": "Response rate",
        "population": "Population",
        "target_sample": "Target sample (Krejcie–Morgan)",
        "responses": "Responses received",
        "indicators": "Indicators against targets",
        "indicator": "Indicator",
        "baseline": "Baseline",
        "target": "Target",
        "value": "This round",
        "meets": "Meets target",
        "yes": "yes",
        "no": "no",
        "not_measured": "not measured",
        "questions": "Policy-specific questions",
        "mean": "Score (25–100)",
        "free_text": "Open answers",
        "no_responses": "No responses yet.",
        "recommendation": "Revision recommendation",
        "no_recommendation": "No revision recommended.",
        "method": "The IKM is computed exactly (weight 1/9 per element), rounded half-up to 2 decimals, "
        "then classified (PermenPANRB 14/2017).",
        "sample_ok": "Target sample reached.",
        "sample_short": "Target sample not yet reached.",
        "trend": "Trend",
        "option": "Option",
        "count": "Count",
        "other_units": "Other",
        "by_unit_unsur": "Element index by work unit",
        "anonymity": "Work units with fewer than {n} respondents are not shown on their own, so that "
        "their respondents cannot be recognised: {units} units ({respondents} respondents) are merged "
        "into \u201cOther\u201d.",
        "anonymity_withheld": "Even merged, \u201cOther\u201d has fewer than {n} respondents, so its "
        "figures are not shown; its answers still count in the overall IKM.",
        "breakdowns": "Breakdown by respondent group",
        "dim_unit": "Work unit",
        "dim_golongan": "Golongan (rank)",
        "dim_years": "Years of service",
        "suppressed": "< {n} (hidden)",
        "merged": "merged into \u201cOther\u201d",
        "suppression_note": "Groups with fewer than {n} respondents are hidden: neither their count nor "
        "their figures are shown, so that no answer can be traced to its author. Small groups are merged "
        "into \u201cOther\u201d; if the merge still has fewer than {n}, the next smallest groups join "
        "it, so that a hidden figure cannot be worked out by subtraction from the total.",
    },
}


def md_escape(value: object) -> str:
    """Escape text for Markdown, HTML included (free text is written by the public)."""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", escape(text, quote=False))


@lru_cache(maxsize=2)
def _env(fmt: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    return env


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
            if g.ikm is None:
                note = t["merged"] if g.status == "merged" else ""
                rows.append((label, hidden, note or "—", ""))
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
    kind = get_kind(session, kind_id=policy.kind_id)
    # Read, not recomputed: a closed round's snapshot is what was published when it closed.
    results, texts = results_and_texts(session, survey=survey)
    en = locale == "en"
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
        "kind_name": kind.name_en if en else kind.name,
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
    }


def render_report(session: Session, *, round_id: int, fmt: str = "html", locale: str = "id") -> str:
    """Render a round's evaluation report as HTML or Markdown."""
    if fmt not in FORMATS:
        raise NotFound(
            f"Format laporan '{fmt}' tidak tersedia; pilih html atau md.",
            en=f"The report format '{fmt}' does not exist; choose html or md.",
        )
    context = report_context(session, round_id=round_id, locale=locale)
    name = "report.html.j2" if fmt == "html" else "report.md.j2"
    return _env(fmt).get_template(name).render(**context)


def render_report_body(session: Session, *, round_id: int, locale: str = "id") -> tuple[str, Markup]:
    """Render the report's title and content alone, for a page of the site (header, navigation, main)."""
    context = report_context(session, round_id=round_id, locale=locale)
    title = f"{context['t']['title']} — {context['policy'].title}"
    return title, Markup(_env("html").get_template("report_body.html.j2").render(**context))  # autoescaped
