"""What a round's report and page show of follow-up: its weak subjects with their plans, and what the
plans of the round before did (done or not, what was done) and whether their unsur improved.

`followup_section` builds the variables of `service/templates/web/evaluation/_followup_section.html`;
the report, the publication page and the exports read the same `FollowUpSection`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlmodel import Session

from policies.core.i18n import format_date
from policies.evaluation import queries as evaluation
from policies.evaluation.common import get_round, num
from policies.evaluation.followup import queries
from policies.evaluation.followup.models import FollowUpItem, FollowUpStatus
from policies.evaluation.followup.plans import WeakSubject, weak_subjects
from policies.evaluation.models import Indicator, SurveyRound
from policies.evaluation.results import stored_results


@dataclass(frozen=True)
class WeakRow:
    """A weak subject of the round with the plans recorded for it."""

    weak: WeakSubject
    items: list[FollowUpItem]


@dataclass(frozen=True)
class Outcome:
    """An earlier round's plan as this round finds it: done or not, the subject's figure then and now."""

    item: FollowUpItem
    done: bool
    now: str | None  # this round's NRR (unsur) or value (indicator); None when not measured
    delta: Decimal | None  # now − then, exact from the stored figures
    improved: bool | None  # the figure moved the better way (None: not measured this round)
    category_now: str  # this round's mutu of the unsur ("" for an indicator)


@dataclass
class FollowUpSection:
    """Everything the follow-up section of one round shows."""

    round_id: int
    round_number: int
    closed: bool
    weak: list[WeakRow] = field(default_factory=list)
    previous_round_number: int | None = None
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        """Tell whether there is anything to show (a weak subject, or an earlier plan)."""
        return bool(self.weak or self.outcomes)


def _figures_now(session: Session, *, survey: SurveyRound) -> dict[tuple[str, str], tuple[str, str]]:
    """Return this round's (figure, mutu) per (subject, code): NRR of each unsur, value of each indicator."""
    figures: dict[tuple[str, str], tuple[str, str]] = {}
    results = stored_results(session, survey=survey)
    for u in results.ikm.unsur if results.ikm is not None else []:
        figures[("unsur", u.code)] = (u.nrr, u.category)
    for m in evaluation.measurements_of_round(session, round_id=survey.id):  # type: ignore[arg-type]
        indicator = session.get(Indicator, m.indicator_id)
        if indicator is not None:
            figures[("indicator", indicator.code)] = (repr(m.value), "")
    return figures


def _direction(session: Session, item: FollowUpItem) -> str:
    if item.subject == "unsur":
        return "up"
    codes = evaluation.indicator_codes(session, policy_id=item.policy_id)
    indicator_id = next((i for i, code in codes.items() if code == item.code), None)
    indicator = session.get(Indicator, indicator_id) if indicator_id is not None else None
    return indicator.direction if indicator is not None else "up"


def outcome_of(
    session: Session, item: FollowUpItem, figures: dict[tuple[str, str], tuple[str, str]]
) -> Outcome:
    """Compare an earlier plan's subject in this round with the round it was planned on."""
    now, category = figures.get((item.subject, item.code), (None, ""))
    delta = Decimal(now) - Decimal(item.baseline) if now is not None else None
    improved = None
    if delta is not None:
        improved = delta > 0 if _direction(session, item) == "up" else delta < 0
    return Outcome(
        item=item,
        done=item.status == FollowUpStatus.DONE.value,
        now=now,
        delta=delta,
        improved=improved,
        category_now=category,
    )


def followup_section(session: Session, *, round_id: int) -> FollowUpSection:
    """Build a round's follow-up section: its weak subjects and plans, and the earlier round's outcomes."""
    survey = get_round(session, round_id=round_id)
    section = FollowUpSection(
        round_id=round_id, round_number=survey.number, closed=survey.closed_at is not None
    )
    if survey.closed_at is None:
        return section
    items = queries.items_of_round(session, round_id=round_id)
    section.weak = [
        WeakRow(weak=w, items=[i for i in items if (i.subject, i.code) == (w.subject, w.code)])
        for w in weak_subjects(session, survey=survey)
    ]
    previous = queries.previous_closed_round(session, survey=survey)
    if previous is not None:
        section.previous_round_number = previous.number
        figures = _figures_now(session, survey=survey)
        section.outcomes = [
            outcome_of(session, item, figures)
            for item in queries.items_of_round(session, round_id=previous.id)  # type: ignore[arg-type]
        ]
    return section


STATUS_WORDS = {"planned": ("Direncanakan", "Planned"), "in_progress": ("Sedang berjalan", "In progress")}


def _status(item: FollowUpItem, *, locale: str) -> str:
    en = locale == "en"
    if item.status == FollowUpStatus.DONE.value:
        done_on = format_date(item.done_on, locale=locale)
        return f"{'Done' if en else 'Selesai'} {done_on}: {item.done_note}"
    words = STATUS_WORDS[item.status]
    return words[1] if en else words[0]


def subject_name(item: FollowUpItem, *, locale: str = "id") -> str:
    """Name a plan's subject for readers: "U8 Penanganan Pengaduan…", an indicator by its name alone."""
    label = (item.label_en or item.label) if locale == "en" else item.label
    # U1–U9 are the regulation's own numbering; an indicator's code is an internal identifier.
    return f"{item.code.upper()} {label}" if item.subject == "unsur" else label


def plan_rows(section: FollowUpSection, *, locale: str = "id") -> tuple[list[str], list[list[str]]]:
    """Return the round's plans as a header and plain-text rows (for the .docx and spreadsheet exports)."""
    en = locale == "en"
    header = (
        ["Unsur or indicator", "Round figure", "Action", "Owner unit", "Due", "Status"]
        if en
        else [
            "Unsur atau indikator",
            "Nilai putaran",
            "Rencana tindak lanjut",
            "Unit penanggung jawab",
            "Tenggat",
            "Status",
        ]
    )
    rows = [
        [
            subject_name(item, locale=locale),
            f"{num(item.baseline, locale=locale)}{f' ({item.category})' if item.category else ''}",
            item.action,
            item.owner_unit,
            format_date(item.due_on, locale=locale),
            _status(item, locale=locale),
        ]
        for row in section.weak
        for item in row.items
    ]
    return header, rows


def outcome_rows(section: FollowUpSection, *, locale: str = "id") -> tuple[list[str], list[list[str]]]:
    """Return how the previous round's plans turned out as a header and plain-text rows (for the exports)."""
    en = locale == "en"
    before, now = section.previous_round_number, section.round_number
    header = (
        ["Unsur or indicator", "Action", "What was done", f"Round {before}", f"Round {now}", "Change"]
        if en
        else [
            "Unsur atau indikator",
            "Rencana",
            "Yang telah dilakukan",
            f"Putaran {before}",
            f"Putaran {now}",
            "Perubahan",
        ]
    )
    rows = []
    for o in section.outcomes:
        change = "—"
        if o.delta is not None:
            sign = "+" if o.delta > 0 else ""
            better = (
                ("improved" if o.improved else "not improved")
                if en
                else ("membaik" if o.improved else "tidak membaik")
            )
            change = f"{sign}{num(o.delta, locale=locale)} ({better})"
        rows.append(
            [
                subject_name(o.item, locale=locale),
                o.item.action,
                _status(o.item, locale=locale) if o.done else ("Not done" if en else "Belum selesai"),
                num(o.item.baseline, locale=locale),
                num(o.now, locale=locale) if o.now is not None else "—",
                change,
            ]
        )
    return header, rows
