"""Server-side SVG charts of trends across rounds: lines over rounds, and one strip of dots per unsur.

Built to read on a phone: a narrow viewBox (400 units) drawn at the page's width (`width="100%"`, no
height, so the browser keeps the aspect ratio) makes 13-unit text about 12 px on a 360 px screen;
every chart has a <title> and a <desc> it names in `aria-labelledby`, and each point its own <title>
(its series, round and value). No JavaScript, no inline style (the CSP allows none).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from policies.evaluation.charts import BOUNDARIES
from policies.evaluation.common import num

TREND_WIDTH = 400
FONT = 13
LOW, HIGH = 25.0, 100.0
# Okabe–Ito colours: told apart by people with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#882255", "#44AA99")
# The line chart's frame, in viewBox units.
# The right margin holds half of the last round's label and the mutu letters.
LEFT, RIGHT, TOP, PLOT_H = 44, 40, 18, 170
LEGEND_CHARS = 44
LEGEND_LINE = 18
# The dot strips: a label line above each strip, the strip itself, a gap.
STRIP_LABEL, STRIP_H, STRIP_GAP = 16, 18, 10


@dataclass(frozen=True)
class Series:
    """One line: its name and a value per round (None where the round shows none, e.g. suppressed)."""

    name: str
    values: Sequence[float | None]


def y_of(value: float) -> float:
    """Return the vertical position of a value on the 25–100 scale of the line chart."""
    return TOP + (HIGH - min(max(value, LOW), HIGH)) / (HIGH - LOW) * PLOT_H


def x_of(i: int, n: int) -> float:
    """Return the horizontal position of the i-th of n rounds on the line chart."""
    width = TREND_WIDTH - LEFT - RIGHT
    return LEFT + (width * i / (n - 1) if n > 1 else width / 2)


def _open(width: int, height: float, *, title: str, desc: str, ident: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" width="100%" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" font-family="sans-serif" '
        f'font-size="{FONT}" class="trend-chart" id="{ident}">'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>'
    )


def _scale(parts: list[str], *, right: float, locale: str, bands: bool) -> None:
    """Draw the 25–100 axis with its grid, and the mutu boundaries dashed when asked."""
    for v in (25, 50, 75, 100):
        y = y_of(v)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{v}</text>'
        )
    if bands:
        for b in BOUNDARIES:
            y = y_of(b)
            parts.append(
                f'<line x1="{LEFT}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" stroke="#999" '
                f'stroke-dasharray="3 3"><title>{escape(num(b, locale=locale))}</title></line>'
            )
        # Each band's mutu letter in the right margin, halfway between its boundaries.
        edges = (LOW, *BOUNDARIES, HIGH)
        for letter, low, high in zip("DCBA", edges, edges[1:], strict=False):
            parts.append(
                f'<text x="{TREND_WIDTH - 6}" y="{y_of((low + high) / 2) + 4:.1f}" text-anchor="end" '
                f'fill="#777" class="mutu">{letter}</text>'
            )


def trend_lines(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    ident: str,
    locale: str = "id",
    bands: bool = True,
) -> Markup:
    """Draw each series over the rounds on the 25–100 scale; a missing value breaks its line."""
    n = len(labels)
    legend = [
        textwrap.wrap(
            _legend_text(s, several=len(series) > 1, locale=locale), width=LEGEND_CHARS, break_long_words=True
        )
        or [""]
        for s in series
    ]
    axis_bottom = TOP + PLOT_H
    legend_top = axis_bottom + 44
    height = legend_top + sum(len(lines) for lines in legend) * LEGEND_LINE + 6
    right = TREND_WIDTH - RIGHT
    parts = [_open(TREND_WIDTH, height, title=title, desc=desc, ident=ident)]
    _scale(parts, right=right, locale=locale, bands=bands)
    for i, label in enumerate(labels):
        x = x_of(i, n)
        spans = "".join(
            f'<tspan x="{x:.1f}" y="{axis_bottom + 18 + k * 15:.1f}">{escape(line)}</tspan>'
            for k, line in enumerate(label.split("\n"))
        )
        parts.append(f'<text text-anchor="middle" fill="#333" class="round-label">{spans}</text>')
    row = legend_top
    for s, colour, lines in zip(series, _colours(len(series)), legend, strict=True):
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(s.values):
            if v is None:
                runs.append([])
            else:
                runs[-1].append((x_of(i, n), y_of(v)))
        for run in runs:
            if len(run) > 1:
                coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                parts.append(
                    f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
                )
        for i, v in enumerate(s.values):
            if v is not None:
                shown = escape(f"{s.name}, {labels[i].replace(chr(10), ' ')}: {num(v, locale=locale)}")
                parts.append(
                    f'<circle cx="{x_of(i, n):.1f}" cy="{y_of(v):.1f}" r="4.5" fill="{colour}" '
                    f'data-value="{v}"><title>{shown}</title></circle>'
                )
                # One line has room for its values above its points (a phone has no hover).
                if len(series) == 1:
                    # The first and last read inwards, clear of the axis labels; a white halo over lines.
                    anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
                    shift = {"start": -4, "end": 4, "middle": 0}[anchor]
                    parts.append(
                        f'<text x="{x_of(i, n) + shift:.1f}" y="{y_of(v) - 9:.1f}" text-anchor="{anchor}" '
                        f'stroke="#fff" stroke-width="3" paint-order="stroke" class="value">'
                        f"{escape(num(v, locale=locale))}</text>"
                    )
        spans = "".join(
            f'<tspan x="{LEFT + 22}" y="{row + 13 + k * LEGEND_LINE:.1f}">{escape(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        parts.append(
            f'<line x1="{LEFT}" y1="{row + 9:.1f}" x2="{LEFT + 16}" y2="{row + 9:.1f}" stroke="{colour}" '
            f'stroke-width="3"/><text class="legend">{spans}</text>'
        )
        row += len(lines) * LEGEND_LINE
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend_text(s: Series, *, several: bool, locale: str) -> str:
    """Name a line in the legend; among several, with its latest value (the points carry none)."""
    latest = next((v for v in reversed(s.values) if v is not None), None)
    return f"{s.name}: {num(latest, locale=locale)}" if several and latest is not None else s.name


def _colours(n: int) -> list[str]:
    return [PALETTE[i % len(PALETTE)] for i in range(n)]


def dot_strips(
    round_labels: Sequence[str],
    rows: Sequence[Series],
    *,
    title: str,
    desc: str,
    ident: str,
    locale: str = "id",
) -> Markup:
    """Draw one strip per row (an unsur) on the 25–100 scale, a dot per round, the latest value written."""
    left, right = 8, TREND_WIDTH - 56
    width = right - left

    def x(v: float) -> float:
        return left + (min(max(v, LOW), HIGH) - LOW) / (HIGH - LOW) * width

    colours = _shades(len(round_labels))
    key = 26
    height = key + len(rows) * (STRIP_LABEL + STRIP_H + STRIP_GAP) + 4
    parts = [_open(TREND_WIDTH, height, title=title, desc=desc, ident=ident)]
    # The key: which shade is which round, oldest light, latest dark.
    step = (TREND_WIDTH - 16) / max(len(round_labels), 1)
    for i, (label, colour) in enumerate(zip(round_labels, colours, strict=True)):
        cx = 14 + i * step
        parts.append(
            f'<circle cx="{cx:.1f}" cy="10" r="5" fill="{colour}"/>'
            f'<text x="{cx + 9:.1f}" y="14" class="round-key">{escape(label.replace(chr(10), " "))}</text>'
        )
    top = key
    for r in rows:
        line_y = top + STRIP_LABEL + STRIP_H / 2
        parts.append(
            f'<text x="{left}" y="{top + 12}" class="label">{escape(r.name)}</text>'
            f'<line x1="{left}" y1="{line_y:.1f}" x2="{right}" y2="{line_y:.1f}" stroke="#ddd" '
            f'stroke-width="6" stroke-linecap="round"/>'
        )
        for b in BOUNDARIES:
            parts.append(
                f'<line x1="{x(b):.1f}" y1="{line_y - 7:.1f}" x2="{x(b):.1f}" y2="{line_y + 7:.1f}" '
                f'stroke="#999"/>'
            )
        known = [(i, v) for i, v in enumerate(r.values) if v is not None]
        for i, v in known:
            shown = escape(f"{r.name}, {round_labels[i].replace(chr(10), ' ')}: {num(v, locale=locale)}")
            parts.append(
                f'<circle cx="{x(v):.1f}" cy="{line_y:.1f}" r="5" fill="{colours[i]}" stroke="#fff" '
                f'data-value="{v}"><title>{shown}</title></circle>'
            )
        if known:
            parts.append(
                f'<text x="{TREND_WIDTH - 6}" y="{line_y + 4:.1f}" text-anchor="end">'
                f"{escape(num(known[-1][1], locale=locale))}</text>"
            )
        top += STRIP_LABEL + STRIP_H + STRIP_GAP
    parts.append("</svg>")
    return Markup("".join(parts))


def _shades(n: int) -> list[str]:
    """Return n blues from light (oldest round) to dark (latest), still visible on white."""
    if n <= 1:
        return ["#0b4f8a"]
    light, dark = (158, 197, 230), (11, 79, 138)
    return [
        "#" + "".join(f"{round(a + (b - a) * i / (n - 1)):02x}" for a, b in zip(light, dark, strict=True))
        for i in range(n)
    ]
