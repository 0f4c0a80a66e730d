"""Small server-side SVG charts for the evaluation report (no JavaScript, no chart service)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from policies.evaluation.common import num

CATEGORY_COLOURS = {"A": "#1a7f37", "B": "#2f6fb3", "C": "#c77d00", "D": "#b42318"}
BOUNDARIES = (65.0, 76.61, 88.31)
WIDTH = 640
# Labels left of the bars: at 12 px a sans-serif character is under 8 px wide, so 26 characters fit
# in 230 px with room to spare (a PermenPANRB 14/2017 unsur name takes two lines, never clipped).
LABEL_WIDTH = 230
LABEL_CHARS = 26


def _x(value: float, *, low: float, high: float, left: int, width: int) -> float:
    return left + (min(max(value, low), high) - low) / (high - low) * width


def _label_lines(label: str) -> list[str]:
    """Wrap a bar's label so every line fits left of the bars (a long word is cut, never clipped)."""
    return textwrap.wrap(label, width=LABEL_CHARS, break_long_words=True) or [""]


def ikm_bars(rows: Sequence[tuple[str, float, str]], *, title: str, locale: str = "id") -> Markup:
    """Draw horizontal bars on the 25–100 scale with the category boundaries marked."""
    left, plot, bar, gap, line = LABEL_WIDTH, WIDTH - LABEL_WIDTH - 80, 18, 8, 14
    labels = [_label_lines(label) for label, _value, _category in rows]
    heights = [max(bar, len(lines) * line) for lines in labels]
    height = 30 + sum(h + gap for h in heights) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">'
        f"<title>{escape(title)}</title>"
    ]
    for b in BOUNDARIES:
        x = _x(b, low=25, high=100, left=left, width=plot)
        parts.append(
            f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{height - 18}" stroke="#999" '
            f'stroke-dasharray="3 3"/><text x="{x:.1f}" y="14" text-anchor="middle" fill="#555">'
            f"{num(b, locale=locale)}</text>"
        )
    top = 26
    for (_label, value, category), lines, row in zip(rows, labels, heights, strict=True):
        y = top + (row - bar) / 2
        end = _x(value, low=25, high=100, left=left, width=plot)
        colour = CATEGORY_COLOURS.get(category, "#666")
        shown = escape(num(value, locale=locale))
        # The label's lines centred on the bar, each its own tspan.
        first = top + row / 2 - (len(lines) - 1) * line / 2 + 4
        spans = "".join(
            f'<tspan x="{left - 6}" y="{first + i * line:.1f}">{escape(text)}</tspan>'
            for i, text in enumerate(lines)
        )
        parts.append(
            f'<text class="label" text-anchor="end">{spans}</text>'
            f'<rect x="{left}" y="{y:.1f}" width="{end - left:.1f}" height="{bar}" fill="{colour}"/>'
            f'<text x="{end + 4:.1f}" y="{y + 13:.1f}">{shown} {escape(category)}</text>'
        )
        top += row + gap
    parts.append("</svg>")
    return Markup("".join(parts))


def trend_line(
    points: Sequence[tuple[str, float]], *, target: float, title: str, locale: str = "id"
) -> Markup:
    """Draw an indicator's values over rounds as a line, with its target dashed."""
    height, left, right, top, bottom = 160, 50, 20, 20, 30
    values = [v for _, v in points] + [target]
    low, high = min(values), max(values)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.1
    low, high = low - pad, high + pad
    plot_w, plot_h = WIDTH - left - right, height - top - bottom

    def y(v: float) -> float:
        return top + (high - v) / (high - low) * plot_h

    def x(i: int) -> float:
        return left + (plot_w * i / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    ty = y(target)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">'
        f"<title>{escape(title)}</title>"
        f'<line x1="{left}" y1="{ty:.1f}" x2="{WIDTH - right}" y2="{ty:.1f}" stroke="#b42318" '
        f'stroke-dasharray="5 4"/><text x="{left - 4}" y="{ty + 4:.1f}" text-anchor="end" fill="#b42318">'
        f"{escape(num(target, locale=locale))}</text>"
    ]
    if len(points) > 1:
        coords = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(points))
        parts.append(f'<polyline points="{coords}" fill="none" stroke="#2f6fb3" stroke-width="2"/>')
    for i, (label, v) in enumerate(points):
        parts.append(
            f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="4" fill="#2f6fb3"/>'
            f'<text x="{x(i):.1f}" y="{y(v) - 8:.1f}" text-anchor="middle">'
            f"{escape(num(v, locale=locale))}</text>"
            f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="middle" fill="#555">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def response_gauge(*, responses: int, target: int, population: int, title: str, locale: str = "id") -> Markup:
    """Draw responses against the target sample and the population as one bar."""
    height, left, plot = 56, 10, WIDTH - 20
    scale = max(population, target, responses, 1)
    done = left + plot * responses / scale
    goal = left + plot * target / scale
    colour = "#1a7f37" if responses >= target > 0 else "#c77d00"
    figures = (responses, target, population)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">'
        f"<title>{escape(title)}</title>"
        f'<rect x="{left}" y="10" width="{plot}" height="20" fill="#eee"/>'
        f'<rect x="{left}" y="10" width="{done - left:.1f}" height="20" fill="{colour}"/>'
        f'<line x1="{goal:.1f}" y1="4" x2="{goal:.1f}" y2="36" stroke="#000" stroke-width="2"/>'
        f'<text x="{left}" y="50">{" / ".join(num(n, locale=locale, digits=0) for n in figures)}</text></svg>'
    )
