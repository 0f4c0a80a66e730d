"""The report's follow-up plans and trends as titled tables, for the .docx and spreadsheet exports."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from policies.evaluation.common import get_round
from policies.evaluation.followup.progress import followup_section, outcome_rows, plan_rows
from policies.evaluation.trends import trend_rows, trend_section


@dataclass(frozen=True)
class TitledTable:
    """One table of the exports: its caption, header and plain-text rows."""

    title: str
    header: list[str]
    rows: list[list[str]]
    kind: str = ""  # "plans" for this round's own plans


def has_plans(tables: list[TitledTable]) -> bool:
    """Tell whether the round has plans of its own (its report says so when it has none yet)."""
    return any(table.kind == "plans" for table in tables)


def followup_tables(session: Session, *, round_id: int, locale: str) -> list[TitledTable]:
    """Return the round's plans and the earlier round's outcomes (each only when it has rows)."""
    en = locale == "en"
    section = followup_section(session, round_id=round_id)
    tables = []
    header, rows = plan_rows(section, locale=locale)
    if rows:
        tables.append(
            TitledTable(
                "Plans for this round's weak unsur" if en else "Rencana putaran ini",
                header,
                rows,
                kind="plans",
            )
        )
    header, rows = outcome_rows(section, locale=locale)
    if rows:
        title = (
            f"What became of round {section.previous_round_number}'s plans"
            if en
            else f"Hasil rencana putaran {section.previous_round_number}"
        )
        tables.append(TitledTable(title, header, rows))
    return tables


def trend_table(session: Session, *, round_id: int, locale: str) -> TitledTable | None:
    """Return the policy's trends up to this round (small units hidden), or None before any."""
    survey = get_round(session, round_id=round_id)
    section = trend_section(session, policy_id=survey.policy_id, locale=locale, up_to_round=survey.number)
    if not section.rounds:
        return None
    header, rows = trend_rows(section, locale=locale)
    title = "Trends across rounds" if locale == "en" else "Tren antarputaran"
    return TitledTable(title, header, rows)
