"""The evaluation report rendered: Jinja2 to HTML or Markdown, in Indonesian or English.

The HTML body carries two slots, where the site's page puts the follow-up plans and the trends
(service templates the domain does not know); a standalone report (HTML or Markdown) fills them with
the same tables the .docx carries: this round's plans, the earlier round's outcomes, the trends.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlmodel import Session

from policies.core.errors import NotFound
from policies.evaluation.report.context import md_escape, report_context
from policies.evaluation.report.followup_tables import followup_tables, has_plans, trend_table

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORMATS = ("html", "md")
SLOT_FOLLOWUP = "<!--slot:followup-->"
SLOT_TRENDS = "<!--slot:trends-->"


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


def _with_tables(session: Session, context: dict, *, round_id: int, locale: str) -> dict:
    """Add the follow-up and trend tables the standalone report writes into its slots."""
    context["followup_tables"] = followup_tables(session, round_id=round_id, locale=locale)
    context["trend_table"] = trend_table(session, round_id=round_id, locale=locale)
    context["has_plans"] = has_plans(context["followup_tables"])
    return context


def _fill(html: str, *, context: dict) -> str:
    # Standalone: the slots get plain tables (the site's page puts its own sections there instead).
    tables = _env("html").get_template("report_tables.html.j2")
    plans = context["followup_tables"]
    followup = tables.render(tables=plans, empty="" if has_plans(plans) else context["t"]["followup_none"])
    trend = context["trend_table"]
    trends = tables.render(tables=[trend] if trend is not None else [], empty="")
    return html.replace(SLOT_FOLLOWUP, followup).replace(SLOT_TRENDS, trends)


def render_report(session: Session, *, round_id: int, fmt: str = "html", locale: str = "id") -> str:
    """Render a round's evaluation report as HTML or Markdown."""
    if fmt not in FORMATS:
        raise NotFound(
            f"Format laporan '{fmt}' tidak tersedia; pilih html atau md.",
            en=f"The report format '{fmt}' does not exist; choose html or md.",
        )
    context = report_context(session, round_id=round_id, locale=locale)
    context = _with_tables(session, context, round_id=round_id, locale=locale)
    name = "report.html.j2" if fmt == "html" else "report.md.j2"
    text = _env(fmt).get_template(name).render(**context)
    return _fill(text, context=context) if fmt == "html" else text


@dataclass(frozen=True)
class ReportParts:
    """A report's body cut at its two slots: up to the follow-up heading, up to the trends, the rest."""

    title: str
    head: Markup
    middle: Markup
    tail: Markup


def render_report_parts(session: Session, *, round_id: int, locale: str = "id") -> ReportParts:
    """Render the report's body in three parts, for a page that fills the follow-up and trends slots."""
    context = report_context(session, round_id=round_id, locale=locale)
    title = f"{context['t']['title']} — {context['policy'].title}"
    body = _env("html").get_template("report_body.html.j2").render(**context)
    head, rest = body.split(SLOT_FOLLOWUP, 1)
    middle, tail = rest.split(SLOT_TRENDS, 1)
    return ReportParts(
        title=title, head=Markup(head), middle=Markup(middle), tail=Markup(tail)
    )  # autoescaped


def render_report_body(session: Session, *, round_id: int, locale: str = "id") -> tuple[str, Markup]:
    """Render the report's title and content alone (slots filled with plain text), for a page of the site."""
    context = report_context(session, round_id=round_id, locale=locale)
    context = _with_tables(session, context, round_id=round_id, locale=locale)
    title = f"{context['t']['title']} — {context['policy'].title}"
    body = _env("html").get_template("report_body.html.j2").render(**context)
    return title, Markup(_fill(body, context=context))  # autoescaped
