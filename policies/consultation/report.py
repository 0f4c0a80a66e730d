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
from markupsafe import Markup
from sqlmodel import Session

from policies.consultation.attribution import attribution_of
from policies.consultation.campaign_report import LABELS as CAMPAIGN_LABELS
from policies.consultation.campaign_report import CampaignLine, campaign_lines
from policies.consultation.campaigns import CampaignGroup, list_campaigns
from policies.consultation.clocks import Timeliness, timeliness
from policies.consultation.comment_queries import (
    PageSlice,
    report_clause_counts,
    report_comments,
)
from policies.consultation.models import ConsultationWindow
from policies.consultation.queries.voices import voices_in_windows
from policies.consultation.read_model import CommentPublic
from policies.consultation.record import consulted
from policies.consultation.report_labels import LABELS
from policies.consultation.statistics import ConsultationStats, consultation_stats
from policies.consultation.trace import MatrixRow, change_matrix
from policies.consultation.voice_models import CommentBehalf, CommentOrigin
from policies.core.errors import NotFound
from policies.core.i18n import JAKARTA, format_date, format_datetime, format_number, format_share
from policies.core.settings import Settings
from policies.drafting.display import inline_html, markdown_html, plain_text, shown_key
from policies.drafting.models import DraftVersion
from policies.drafting.queries import clauses_of, next_version, versions_by_id
from policies.lifecycle.models import Policy, PolicyKind
from policies.lifecycle.queries import get_policy

TEMPLATES = Path(__file__).resolve().parent / "templates"
FORMATS = ("html", "md")
# Comments per page of the on-screen report: a page a phone loads at once and a server renders in
# well under 100 ms. The whole document (print, download) has no pages.
PAGE_COMMENTS = 100


@dataclass(frozen=True)
class SectionIndex:
    """A clause in the report's table of contents: how many comments it has, on which page."""

    key: str
    heading: str
    comments: int
    page: int


@dataclass
class ClauseSection:
    """One clause of the consulted version and the comments on it."""

    key: str
    heading: str
    comments: list[CommentPublic] = field(default_factory=list)
    continued: bool = False  # its first comments are on an earlier page


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
    campaigns: list[CampaignGroup]
    replies: dict[int, int]
    generated_at: datetime
    windows: list[WindowLine] = field(default_factory=list)
    page: int | None = None  # None: the whole document
    pages: int = 1
    index: list[SectionIndex] = field(default_factory=list)
    cycle: int = 1
    # What the report's own links repeat: the cycle, when the reader asked for one (a stable address).
    query: str = ""
    # Every clause the report may name ("Pasal 5"), the next version's too: never a clause's key.
    headings: dict[str, str] = field(default_factory=dict)
    # The matriks perubahan: each change the accepted comments led to, and each text that stayed.
    matrix: list[MatrixRow] = field(default_factory=list)
    # The campaigns section: each group described (campaign_report.py) and the rule that grouped them.
    campaign_lines: list[CampaignLine] = field(default_factory=list)
    campaign_threshold: float = Settings.model_fields["campaign_threshold"].default
    # Where each offline input came from and whom a petition speaks for (attribution.py), by comment id.
    origins: dict[int, CommentOrigin] = field(default_factory=dict)
    behalf: dict[int, CommentBehalf] = field(default_factory=dict)
    # How many answers came within the kind's working days (consultation/clocks.py).
    timeliness: Timeliness | None = None


def _last_page(counts: dict[str, int]) -> int:
    """Return the number of pages the on-screen report has (at least one)."""
    return max(1, -(-sum(counts.values()) // PAGE_COMMENTS))


def _paginate(sections: dict[str, ClauseSection], *, counts: dict[str, int], last: int) -> list[SectionIndex]:
    """Place every clause, in reading order, on the page where its first comment falls."""
    index, start = [], 0
    for key, section in sections.items():
        n = counts.get(key, 0)
        page = min(start // PAGE_COMMENTS + 1, last)
        index.append(SectionIndex(key=key, heading=section.heading, comments=n, page=page))
        start += n
    return index


def _page_slice(sections: dict[str, ClauseSection], *, counts: dict[str, int], page: int) -> PageSlice:
    """Say which comments a page holds: whole clauses, and a slice of a clause the page cuts."""
    lo, hi, start = (page - 1) * PAGE_COMMENTS, page * PAGE_COMMENTS, 0
    whole: list[str] = []
    cut: list[tuple[str, int, int]] = []
    for key in sections:
        n = counts.get(key, 0)
        first, end = max(lo, start), min(hi, start + n)
        if first >= end:  # not on this page
            pass
        elif (first, end) == (start, start + n):
            whole.append(key)
        else:  # a long clause: its comments in time order, this page's share of them
            cut.append((key, end - first, first - start))
        start += n
    return PageSlice(whole=whole, cut=cut)


def build_report(
    session: Session,
    *,
    slug: str,
    now: datetime,
    page: int | None = None,
    cycle: int | None = None,
    campaign_threshold: float = Settings.model_fields["campaign_threshold"].default,
) -> ReportData:
    """Gather a cycle's windows (default: the current cycle's): comments, answers, campaigns, statistics.

    With `page`, only the comments of that page's clauses are read (the on-screen report).
    """
    policy = get_policy(session, slug=slug)
    chosen = consulted(session, policy=policy, cycle=cycle)
    windows = chosen.windows
    window, ids = windows[-1], [w.id for w in windows]
    versions = versions_by_id(session, version_ids={w.version_id for w in windows})
    version = versions[window.version_id]
    # The latest window's clauses in reading order, then any clause only an earlier window had.
    sections: dict[str, ClauseSection] = {}
    for version_id in dict.fromkeys([window.version_id, *(w.version_id for w in reversed(windows))]):
        for c in clauses_of(session, version_id=version_id):
            sections.setdefault(c.key, ClauseSection(key=c.key, heading=c.heading))
    index: list[SectionIndex] = []
    pages = 1
    on_page = None
    if page is not None:
        counts = report_clause_counts(session, window_ids=ids)  # type: ignore[arg-type]
        for key in counts:
            sections.setdefault(key, ClauseSection(key=key, heading=""))
        pages = _last_page(counts)
        index = _paginate(sections, counts=counts, last=pages)
        if not 1 <= page <= pages:
            raise NotFound(
                f"Laporan ini memiliki halaman 1 sampai {pages}; halaman {page} tidak ada.",
                en=f"This report has pages 1 to {pages}; there is no page {page}.",
            )
        on_page = _page_slice(sections, counts=counts, page=page)
    views, reply_parents = report_comments(session, window_ids=ids, page=on_page)  # type: ignore[arg-type]
    for view in views:
        section = sections.get(view.clause_key)
        if section is None:
            section = sections[view.clause_key] = ClauseSection(view.clause_key, "")
        section.comments.append(view)
    if page is not None:
        # The page's clauses: those with comments on it, and those without any that fall here.
        starts = {i.key: i for i in index}
        sections = {
            k: section
            for k, section in sections.items()
            if section.comments or (starts[k].comments == 0 and starts[k].page == page)
        }
        for k, section in sections.items():
            section.continued = starts[k].page < page
    # A clause a comment "becomes" in the next version is named as that version names it.
    headings = {key: section.heading for key, section in sections.items() if section.heading}
    following = next_version(session, version=version)
    if following is not None:
        headings.update((c.key, c.heading) for c in clauses_of(session, version_id=following.id))  # type: ignore[arg-type]
    replies: dict[int, int] = defaultdict(int)
    for parent_id in reply_parents:
        replies[parent_id] += 1
    # The report is public: a campaign is shown by a visible member, or not at all.
    groups = list_campaigns(session, window_ids=ids, visible_only=True)  # type: ignore[arg-type]
    origins, behalf = voices_in_windows(session, window_ids=ids)  # type: ignore[arg-type]
    return ReportData(
        policy=policy,
        window=window,
        version=version,
        sections=list(sections.values()),
        # The report counts each clause's comments itself (its sections and contents).
        stats=consultation_stats(session, window_ids=ids, by_clause=False),  # type: ignore[arg-type]
        campaigns=groups,
        replies=dict(replies),
        generated_at=now,
        windows=[
            WindowLine(versions[w.version_id].number, w.opens_at, w.closed_at or w.closes_at) for w in windows
        ],
        page=page,
        pages=pages,
        index=index,
        cycle=chosen.cycle,
        query=f"cycle={chosen.cycle}&" if chosen.named else "",
        headings=headings,
        # On the first page of the on-screen report and in the whole document.
        matrix=change_matrix(session, window_ids=ids) if page in (None, 1) else [],  # type: ignore[arg-type]
        # Like the matrix: on the first page of the on-screen report and in the whole document.
        campaign_lines=campaign_lines(session, groups=groups) if page in (None, 1) else [],
        campaign_threshold=campaign_threshold,
        origins=origins,
        behalf=behalf,
        timeliness=_timeliness(session, policy=policy, window_ids=ids, now=now),  # type: ignore[arg-type]
    )


def _timeliness(session: Session, *, policy: Policy, window_ids: list[int], now: datetime) -> Timeliness:
    kind = session.get(PolicyKind, policy.kind_id)
    return timeliness(session, window_ids=window_ids, rules=kind.rules if kind else {}, now=now)


@lru_cache(maxsize=4096)
def _local_date(day: date, locale: str) -> str:
    return format_date(day, locale=locale)


def _day_of(locale: str) -> Any:
    # Babel is slow per call and a report repeats the same few days thousands of times.
    return lambda value: _local_date(value.astimezone(JAKARTA).date(), locale)


# Backslash escapes (CommonMark 2.4) for every character that opens inline markup: link and image
# brackets, emphasis, code, tables, strikethrough, and the backslash itself. "<" and "&" are
# HTML-escaped instead, so neither raw HTML nor an autolink nor an entity can start.
_MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_[]!|~{}#"})
# Bare addresses a GFM renderer would link by itself, cut by an escape in their middle.
_BARE_LINKS = (("://", "\\://"), ("www.", "www\\."))


def _md_text(value: str) -> str:
    """Escape user text for Markdown and keep it inside one quoted block: it renders as text only."""
    text = html.escape(value, quote=False).translate(_MD_ESCAPES)
    for bare, cut in _BARE_LINKS:
        text = text.replace(bare, cut)
    lines = text.replace("\r", "").split("\n")
    return "\n".join("> " + line if line else ">" for line in lines)


def _md_cell(value: str) -> str:
    """Escape user text for one cell of a Markdown table: text only, on one line."""
    text = html.escape(value, quote=False).translate(_MD_ESCAPES)
    for bare, cut in _BARE_LINKS:
        text = text.replace(bare, cut)
    return " ".join(text.split())


@lru_cache(maxsize=2)
def _env(fmt: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=fmt == "html",
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(md_text=_md_text, cell=_md_cell)
    if fmt == "html":
        # User text and clause labels render as the site renders them: Markdown, made safe.
        env.filters.update(markdown=markdown_html, inline_markdown=inline_html)
    else:
        env.filters.update(plain=plain_text)
    return env


def render_report(data: ReportData, *, fmt: str = "html", locale: str = "id", draft: bool = False) -> str:
    """Render the report as HTML or Markdown in Indonesian or English (`draft` marks a preview)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    return (
        _env(fmt).get_template(f"consultation.{fmt}.j2").render(**_context(data, locale=locale, draft=draft))
    )


def render_report_body(data: ReportData, *, locale: str = "id", draft: bool = False) -> Markup:
    """Render the report's content alone, for a page of the site (its header, navigation, `<main>`)."""
    html = (
        _env("html")
        .get_template("consultation_body.html.j2")
        .render(**_context(data, locale=locale, draft=draft))
    )
    return Markup(html)  # autoescaped by its template


def _voice(data: ReportData, comment: CommentPublic, *, locale: str) -> str:
    """Say where an offline input came from, or whom a petition speaks for ("" for neither)."""
    lines = []
    origin = data.origins.get(comment.id)
    if origin is not None:
        lines.append(
            attribution_of(source=comment.source, who=comment.author_name, origin=origin, locale=locale)
        )
    behalf = data.behalf.get(comment.id)
    if behalf is not None:
        n = format_number(behalf.signatory_count, locale=locale)
        lines.append(
            f"Sent by {behalf.organisation} on behalf of {n} signatories"
            if locale == "en"
            else f"Dikirim oleh {behalf.organisation} atas nama {n} penanda tangan"
        )
    return "; ".join(lines)


def _context(data: ReportData, *, locale: str, draft: bool) -> dict[str, Any]:
    t = LABELS["en" if locale == "en" else "id"]
    context: dict[str, Any] = {
        "r": data,
        "t": t,
        "tc": CAMPAIGN_LABELS["en" if locale == "en" else "id"],
        "voice_of": lambda c: _voice(data, c, locale=t["locale"]),
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
        # A clause by its label; a key a drafter chose for a clause still to be written as typed.
        "label_of": lambda key: data.headings.get(key) or shown_key(key) or t["other_clause"],
    }
    return context
