"""The consultation report: every comment by clause, its disposition and reason, campaigns, statistics.

It is the public answer owed to every commenter (UU 13/2022 Pasal 96). HTML is autoescaped by
Jinja2; in Markdown, user text is HTML-escaped and quoted so it can neither inject markup nor
break the document's structure.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import sqlalchemy as sa
from sqlmodel import Session, col, select

from policies.campaigns import list_campaigns
from policies.comment_queries import LIST_COLUMNS, LIST_FROM, CommentView, view_of_row
from policies.errors import NotFound
from policies.i18n import JAKARTA, format_date, format_datetime, format_number, format_share
from policies.models import Campaign, Clause, Comment, ConsultationWindow, DraftVersion, Policy
from policies.queries import cycle_windows, get_policy, in_windows
from policies.rendering.report_labels import LABELS
from policies.statistics import ConsultationStats, consultation_stats

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "report"
FORMATS = ("html", "md")
@dataclass
class ClauseSection:
    """One clause of the consulted version and the comments on it."""

    key: str
    heading: str
    comments: list[CommentView] = field(default_factory=list)


@dataclass(frozen=True)
class WindowLine:
    """One consultation window of the cycle, as the report names it."""

    version_number: int
    opens_at: datetime
    ends_at: datetime


@dataclass
class ReportData:
    """Everything the report templates show."""

    policy: Policy
    window: ConsultationWindow
    version: DraftVersion
    sections: list[ClauseSection]
    stats: ConsultationStats
    campaigns: list[Campaign]
    replies: dict[int, int]
    generated_at: datetime
    windows: list[WindowLine] = field(default_factory=list)


def build_report(session: Session, *, slug: str, now: datetime) -> ReportData:
    """Gather every window of the current cycle: comments, dispositions, campaigns, statistics."""
    policy = get_policy(session, slug=slug)
    windows = cycle_windows(session, policy=policy)
    if not windows:
        raise NotFound(
            "Kebijakan ini belum memiliki konsultasi publik pada siklus ini.",
            en="This policy has no public consultation in this cycle.",
        )
    window, ids = windows[-1], [w.id for w in windows]
    versions = {
        v.id: v
        for v in session.exec(
            select(DraftVersion).where(col(DraftVersion.id).in_({w.version_id for w in windows}))
        )
    }
    version = versions[window.version_id]
    # The latest window's clauses in reading order, then any clause only an earlier window had.
    sections: dict[str, ClauseSection] = {}
    for version_id in dict.fromkeys([window.version_id, *(w.version_id for w in reversed(windows))]):
        for c in session.exec(
            select(Clause).where(Clause.version_id == version_id).order_by(col(Clause.position))
        ):
            sections.setdefault(c.key, ClauseSection(key=c.key, heading=c.heading))
    rows = session.execute(
        sa.select(*LIST_COLUMNS)
        .select_from(LIST_FROM)
        .where(in_windows(Comment.window_id, ids), col(Comment.parent_id).is_(None))  # type: ignore[arg-type]
        .order_by(col(Comment.id))
    )
    for row in rows:
        view = view_of_row(tuple(row), full_text=False)
        section = sections.get(view.clause_key)
        if section is None:
            section = sections[view.clause_key] = ClauseSection(view.clause_key, view.clause_key)
        section.comments.append(view)
    replies: dict[int, int] = defaultdict(int)
    for parent_id in session.exec(
        select(Comment.parent_id).where(
            in_windows(Comment.window_id, ids), col(Comment.parent_id).is_not(None)  # type: ignore[arg-type]
        )
    ).all():
        replies[parent_id] += 1  # type: ignore[index]
    return ReportData(
        policy=policy,
        window=window,
        version=version,
        sections=list(sections.values()),
        stats=consultation_stats(session, window_ids=ids),  # type: ignore[arg-type]
        # The report is public: a campaign is shown by a visible member, or not at all.
        campaigns=list_campaigns(session, window_ids=ids, visible_only=True),  # type: ignore[arg-type]
        replies=dict(replies),
        generated_at=now,
        windows=[
            WindowLine(versions[w.version_id].number, w.opens_at, w.closed_at or w.closes_at)
            for w in windows
        ],
    )


@lru_cache(maxsize=4096)
def _local_date(day: date, locale: str) -> str:
    return format_date(day, locale=locale)


def _day_of(locale: str) -> Any:
    # Babel is slow per call and a report repeats the same few days thousands of times.
    return lambda value: _local_date(value.astimezone(JAKARTA).date(), locale)


def _md_text(value: str) -> str:
    """Escape user text for Markdown and keep it inside one quoted block."""
    lines = html.escape(value, quote=False).replace("\r", "").split("\n")
    return "\n".join("> " + line.replace("\\", "\\\\") if line else ">" for line in lines)


@lru_cache(maxsize=2)
def _env(fmt: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=fmt == "html",
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(md_text=_md_text)
    return env


def render_report(data: ReportData, *, fmt: str = "html", locale: str = "id", draft: bool = False) -> str:
    """Render the report as HTML or Markdown in Indonesian or English (`draft` marks a preview)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    t = LABELS["en" if locale == "en" else "id"]
    context: dict[str, Any] = {
        "r": data,
        "t": t,
        "locale": t["locale"],
        "draft": draft,
        "total": data.stats.comments + data.stats.hidden,
        "day": _day_of(t["locale"]),
        "fmt_dt": lambda v: format_datetime(v, locale=t["locale"]),
        "fmt_d": lambda v: format_date(v, locale=t["locale"]),
        "fmt_n": lambda v: format_number(v, locale=t["locale"]),
        "fmt_pct": lambda v: format_share(v, locale=t["locale"]),
        "outcome_label": lambda o: t["outcomes"].get(o, o),
        "stance_label": lambda s: t["stances"].get(s, s),
        "group_label": lambda g: t["groups"].get(g, g),
    }
    return _env(fmt).get_template(f"consultation.{fmt}.j2").render(**context)
