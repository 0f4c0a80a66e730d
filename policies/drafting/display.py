"""How a person reads a clause: the legal text keeps its shape, Markdown is rendered safely.

A Pasal's ayat "(1)", its huruf "a.", a definition's "1." and a sub-item's "a)" each stand on their
own line, nested as Lampiran II of UU 12/2011 nests them (ayat › huruf › angka › huruf with a
parenthesis). Lines without a marker are Markdown paragraphs whose line breaks are kept. Raw HTML
is never passed through (markdown-it with html off), and nh3 keeps only harmless tags. This is
display only: the stored clause text is not changed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from html import unescape

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from policies.drafting.diff import Change, ClauseDiff, word_ops

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
# A source line is a line on the page: a drafter's line break inside a paragraph is kept.
_MD_LINES = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "breaks": True})
ALLOWED_TAGS = {"p", "em", "strong", "ol", "ul", "li", "blockquote", "code", "pre", "br", "a", "h4", "h5"}
_LEGAL_TAGS = ALLOWED_TAGS | {"span", "div"}
_LEGAL_ATTRIBUTES = {
    "a": {"href"},
    "ol": {"class"},
    "li": {"class"},
    "span": {"class", "aria-hidden"},
    "div": {"class"},
    "p": {"class"},
}
_INLINE_TAGS = {"em", "strong", "code"}

# The markers of Lampiran II, from the outermost level to the innermost.
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ayat", re.compile(r"^(\(\d{1,3}[a-z]?\))\s+(.*)$")),
    ("huruf", re.compile(r"^([a-z]\.)\s+(.*)$")),
    ("angka", re.compile(r"^(\d{1,3}[A-Z]?\.)\s+(.*)$")),
    ("subhuruf", re.compile(r"^([a-z]\))\s+(.*)$")),
)
_RANK = {kind: rank for rank, (kind, _pattern) in enumerate(_MARKERS)}
# The keys `clauses.new_key` makes: internal ids, never shown to a person.
_MADE_KEY = re.compile(r"^c-[0-9a-f]{8}$")


def shown_key(key: str) -> str | None:
    """Return a clause key a drafter chose (`pasal-5`) as it may be shown, or None for a made-up id."""
    return None if _MADE_KEY.match(key) else key


def _clean(html: str, *, tags: set[str] = ALLOWED_TAGS, attributes: dict[str, set[str]] | None = None) -> str:
    return nh3.clean(html, tags=tags, attributes=attributes or {"a": {"href"}}, link_rel="nofollow noopener")


def _no_headings(html: str) -> str:
    # Headings inside a clause would break the page's heading order; they become plain paragraphs.
    for level in ("1", "2", "3"):
        html = html.replace(f"<h{level}>", "<p><strong>").replace(f"</h{level}>", "</strong></p>")
    return html


# Text with none of these is one plain paragraph in CommonMark: no inline markup, no entity, no
# line break, no block (list, quote, heading, rule, indented code) can start in it.
_MARKDOWN_SIGNS = re.compile(r"[\\`*_\[\]<>&!#|~=\x00-\x1f\x7f]|^\s*(?:[-+>]|\d{1,9}[.)])")


@lru_cache(maxsize=8192)
def markdown_html(text: str) -> Markup:
    """Render Markdown to HTML and keep only harmless tags (raw HTML is never passed through)."""
    text = text or ""
    plain = text.strip(" ")
    if plain and not plain[0].isspace() and not plain[-1].isspace() and not _MARKDOWN_SIGNS.search(plain):
        # Most comments are plain sentences: the same paragraph without parsing (a 10,000-comment
        # report renders every one of them).
        return Markup(f"<p>{plain}</p>\n")  # no <, > nor & in it: nothing to escape
    return Markup(_clean(_no_headings(_MD.render(text))))  # nh3 sanitized it


def document_html(text: str) -> Markup:
    """Render a whole draft in the drafting format (an instrument): every source line stays a line.

    The format is line based (a Menimbang point, a Penutup line, "Ayat (2)" in the Penjelasan each
    stand alone); plain Markdown would run them together into one paragraph.
    """
    return Markup(_clean(_no_headings(_MD_LINES.render(text or ""))))  # nh3 sanitized it


@lru_cache(maxsize=8192)
def inline_html(text: str) -> Markup:
    """Render one line of Markdown (a heading) with emphasis and code only, never a block."""
    return Markup(_clean(_MD.renderInline(text or ""), tags=_INLINE_TAGS, attributes={}))  # nh3 sanitized it


@lru_cache(maxsize=8192)
def plain_text(text: str) -> str:
    """Return a line of Markdown as the words a person reads (no `**`, no escapes, no tags)."""
    rendered = _clean(_MD.renderInline(text or ""), tags=set(), attributes={})
    return unescape(rendered)


def plain_lines(text: str) -> str:
    """Return Markdown text as plain words, line by line (for the word diff)."""
    return "\n".join(plain_text(line) if line.strip() else line for line in text.split("\n"))


def _marker(line: str) -> tuple[str, str, str] | None:
    for kind, pattern in _MARKERS:
        match = pattern.match(line)
        if match:
            return kind, match.group(1), match.group(2)
    return None


class _Builder:
    """Open lists of markers, innermost last, and the HTML written so far."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.open: list[str] = []
        self.lines: list[str] = []

    def paragraph(self) -> None:
        if self.lines:
            self.out.append(_no_headings(_MD_LINES.render("\n".join(self.lines))))
            self.lines = []

    def close_to(self, rank: int) -> None:
        while self.open and _RANK[self.open[-1]] > rank:
            self.out.append("</li></ol>")
            self.open.pop()

    def item(self, kind: str, label: str, text: str) -> None:
        self.paragraph()
        self.close_to(_RANK[kind])
        if self.open and self.open[-1] == kind:
            self.out.append("</li>")
        else:
            self.out.append(f'<ol class="legal legal-{kind}">')
            self.open.append(kind)
        self.out.append(f'<li><span class="marker">{label}</span> {_MD.renderInline(text)}')

    def more(self, text: str) -> None:
        # An indented line under an item continues it, on its own line.
        self.out.append("<br>" + _MD.renderInline(text))

    def done(self) -> str:
        self.paragraph()
        self.close_to(-1)
        return "".join(self.out)


@lru_cache(maxsize=8192)
def legal_html(body: str) -> Markup:
    """Render a clause's text with each ayat, huruf and numbered item on its own line, nested."""
    build = _Builder()
    for raw in (body or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            build.paragraph()
            continue
        found = _marker(line)
        if found is not None:
            build.item(*found)
        elif build.open and not build.lines and raw[:1] in (" ", "\t"):
            build.more(line)
        else:
            if not build.lines:
                build.close_to(-1)
            build.lines.append(line)
    html = f'<div class="legal-text">{build.done()}</div>'
    return Markup(_clean(html, tags=_LEGAL_TAGS, attributes=_LEGAL_ATTRIBUTES))  # nh3 sanitized it


def readable_changes(changes: list[ClauseDiff]) -> list[ClauseDiff]:
    """Word-diff changed clauses as a person reads them: the words, without Markdown's marks."""
    return [
        replace(
            c,
            words=word_ops(
                plain_lines(f"{c.old_heading}\n{c.old_body}"),
                new=plain_lines(f"{c.new_heading}\n{c.new_body}"),
            ),
        )
        if c.change is Change.CHANGED
        else c
        for c in changes
    ]
