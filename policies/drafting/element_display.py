"""A clause as structure: each ayat, huruf, angka and point in its own nested item, anchored by its eId.

A comment or a link points at `#bab_2__pasal_6__ayat_2`; the page has an element with that id. The
text is rendered as Markdown inline (raw HTML never passes) and nh3 keeps only harmless tags.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Protocol

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from policies.drafting.diff import ElementChange, word_ops
from policies.drafting.display import plain_lines

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_TAGS = {"p", "em", "strong", "code", "br", "a", "ol", "li", "span", "div"}
_ATTRIBUTES = {
    "a": {"href"},
    "ol": {"class"},
    "li": {"class", "id"},
    "span": {"class", "aria-hidden"},
    "div": {"class", "id"},
    "p": {"class", "id"},
}
# Listed parts get a numbered item; the others (a closing sentence) a paragraph.
_LISTED = {"ayat", "huruf", "angka", "point"}


class ElementRow(Protocol):
    """What the page reads of a stored element."""

    key: str
    eid: str
    kind: str
    num: str
    parent_key: str | None
    clause_key: str
    depth: int
    text: str


# (eid, kind, marker, text, level below the clause); a tuple so that a clause renders once per text.
Item = tuple[str, str, str, str, int]


def _marker(row: ElementRow, *, parent_kind: str, in_penjelasan: bool) -> str:
    if in_penjelasan:
        return {"ayat": f"Ayat ({row.num})", "huruf": f"Huruf {row.num}", "angka": f"Angka {row.num}"}.get(
            row.kind, ""
        )
    if row.kind == "ayat":
        return f"({row.num})"
    if row.kind == "huruf" and parent_kind == "angka":
        return f"{row.num})"
    return f"{row.num}." if row.kind in _LISTED else ""


def _list_kind(row: ElementRow, *, parent_kind: str) -> str:
    # The list's class as legal_html names it: a Menimbang point is a huruf, a Mengingat one an angka.
    if row.kind == "point":
        return "huruf" if row.num.isalpha() else "angka"
    if row.kind == "huruf" and parent_kind == "angka":
        return "subhuruf"
    return row.kind


def clause_items(rows: Sequence[ElementRow], *, clause_key: str) -> tuple[Item, ...]:
    """Return the clause's element and everything under it, in document order, ready to render."""
    head = next((r for r in rows if r.key == clause_key), None)
    if head is None:
        return ()
    kinds = {head.key: head.kind}
    penjelasan = head.kind == "penjelasan_pasal"
    items: list[Item] = [(head.eid, head.kind, "", head.text, 0)]
    for r in rows:
        if r.parent_key in kinds and r.key not in kinds:
            kinds[r.key] = r.kind
            marker = _marker(r, parent_kind=kinds[r.parent_key], in_penjelasan=penjelasan)
            items.append(
                (r.eid, _list_kind(r, parent_kind=kinds[r.parent_key]), marker, r.text, r.depth - head.depth)
            )
    return tuple(items)


def _text(text: str) -> str:
    return "<br>".join(_MD.renderInline(line) for line in text.split("\n") if line.strip())


@lru_cache(maxsize=8192)
def structured_html(items: tuple[Item, ...]) -> Markup:
    """Render a clause's elements nested, each with `id` set to its eId."""
    if not items:
        return Markup("")
    eid, _kind, _marker_text, text, _level = items[0]
    out = [f'<div class="legal-text" id="{escape(eid)}">']
    if text:
        out.append(f'<p class="own">{_text(text)}</p>')
    open_levels: list[int] = []  # levels with an open <li>, each inside its own <ol>
    for eid, kind, marker, text, level in items[1:]:
        while open_levels and open_levels[-1] > level:
            out.append("</li></ol>")
            open_levels.pop()
        if open_levels and open_levels[-1] == level:
            out.append("</li>")
        else:
            out.append(f'<ol class="legal legal-{escape(kind)}">')
            open_levels.append(level)
        # In the Penjelasan "Ayat (2)" stands on its own line above its explanation.
        line = marker[:1].isupper()
        shown = f'<span class="marker{" line" if line else ""}">{escape(marker)}</span>' if marker else ""
        shown += "<br>" if line else " " if marker else ""
        css = ' class="explained"' if line else ""
        out.append(f'<li id="{escape(eid)}"{css}>{shown}{_text(text)}')
    out.extend("</li></ol>" for _ in open_levels)
    out.append("</div>")
    html = nh3.clean("".join(out), tags=_TAGS, attributes=_ATTRIBUTES, link_rel="nofollow noopener")
    return Markup(html)  # nh3 sanitized it


def clause_markup(rows: Sequence[ElementRow], *, clause_key: str) -> Markup | None:
    """Render one clause from its elements, or None when it has none (an old text kept as it was)."""
    items = clause_items(rows, clause_key=clause_key)
    return structured_html(items) if items else None


def structured_by_clause(rows: Iterable[ElementRow]) -> dict[str, Markup]:
    """Render every clause of a version from its elements, keyed by clause key."""
    listed = list(rows)
    clause_keys = {r.clause_key for r in listed}
    by_clause: dict[str, list[ElementRow]] = {}
    for r in listed:
        by_clause.setdefault(r.clause_key, []).append(r)
    result: dict[str, Markup] = {}
    for key in clause_keys:
        # Descendants share the clause key of their clause; the parts above (a BAB) are not its children.
        items = clause_items(by_clause[key], clause_key=key)
        if items:
            result[key] = structured_html(items)
    return result


def readable_element_changes(changes: Sequence[ElementChange]) -> dict[str, list[ElementChange]]:
    """Group element changes by clause, changed ones word-diffed as a person reads them (no Markdown)."""
    grouped: dict[str, list[ElementChange]] = {}
    for c in changes:
        if c.kind == "changed":
            ops = word_ops(plain_lines(c.old_text or ""), new=plain_lines(c.new_text or ""))
            c = replace(c, words=[(w.op, w.text) for w in ops])
        elif c.words:
            c = replace(c, words=[(op, plain_lines(text)) for op, text in c.words])
        grouped.setdefault(c.clause_key or "", []).append(c)
    return grouped
