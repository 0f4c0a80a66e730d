"""Trends across rounds: the IKM, each unsur and each unit, suppressed at the threshold, drawn as SVG."""

from __future__ import annotations

from datetime import timedelta

import pytest
from lxml import etree

from policies.core.db import unit_of_work
from policies.evaluation.trend_charts import Series, trend_lines, x_of, y_of
from policies.evaluation.trends import TrendRound, TrendSection, UnitTrend, trend_rows, trend_section
from policies.lifecycle.queries import get_kind, get_policy
from tests.conftest import NOW
from tests.policies.evaluation.conftest import SLUG
from tests.policies.evaluation.followup_setup import BETTER_U8, WEAK_U8, closed_round, sheets

SVG = "{http://www.w3.org/2000/svg}"
# Round 1: IKM (8 × 4 + 2) / 9 × 25 = 94,44 A; round 2: (8 × 4 + 3) / 9 × 25 = 97,22 A.
# Each round: 5 sheets from Dinas Kesehatan (exactly the minimum), 6 from Dinas Pendidikan.
UNITS = {"Dinas Kesehatan": 5, "Dinas Pendidikan": 6}


@pytest.fixture
def two_rounds(db: str, in_evaluation: str, staff: dict) -> tuple[int, int]:
    first = closed_round(db, staff["evaluator"], opens_at=NOW, sheets=sheets(WEAK_U8, units=UNITS))
    # The second a year on, so the trend spans two years.
    second = closed_round(
        db, staff["evaluator"], opens_at=NOW + timedelta(days=365), sheets=sheets(BETTER_U8, units=UNITS)
    )
    return first, second


def _parse(markup: object) -> etree._Element:
    return etree.fromstring(str(markup).encode())


def test_ikm_and_each_unsur_across_rounds_and_years(db: str, two_rounds: tuple[int, int]) -> None:
    with unit_of_work(db) as s:
        t = trend_section(s, policy_id=get_policy(s, slug=SLUG).id, locale="id")
    assert [(r.number, r.year, r.ikm, r.category) for r in t.rounds] == [
        (1, 2026, "94.44", "A"),
        (2, 2027, "97.22", "A"),
    ]
    assert [(y.year, y.rounds, y.ikm) for y in t.years] == [(2026, [1], "94.44"), (2027, [2], "97.22")]
    u8 = next(u for u in t.unsur if u.code == "u8")
    assert (u8.nrr, u8.index) == (["2.00", "3.00"], ["50.00", "75.00"])
    svg = _parse(t.charts()["ikm"])
    # Well-formed, scalable, described for screen readers.
    assert svg.get("viewBox") == f"0 0 400 {svg.get('viewBox').split()[3]}" and svg.get("width") == "100%"
    assert svg.find(f"{SVG}title").text == "IKM dari putaran ke putaran"
    assert (
        "Putaran" not in (svg.find(f"{SVG}desc").text or "")
        and "P1 2026 – P2 2027" in svg.find(f"{SVG}desc").text
    )
    assert svg.get("aria-labelledby") == "trend-ikm-title trend-ikm-desc"
    points = [(float(c.get("cx")), float(c.get("cy"))) for c in svg.iter(f"{SVG}circle")]
    assert points == [
        (round(x_of(0, 2), 1), round(y_of(94.44), 1)),
        (round(x_of(1, 2), 1), round(y_of(97.22), 1)),
    ]
    assert [c.find(f"{SVG}title").text for c in svg.iter(f"{SVG}circle")] == [
        "IKM, Putaran 1 2026: 94,44",
        "IKM, Putaran 2 2027: 97,22",
    ]
    # One line: its values written above its points; the mutu letters in the margin.
    assert [x.text for x in svg.iter(f"{SVG}text") if x.get("class") == "value"] == ["94,44", "97,22"]
    assert [x.text for x in svg.iter(f"{SVG}text") if x.get("class") == "mutu"] == ["D", "C", "B", "A"]
    strips = _parse(t.charts()["unsur"])
    labels = [x.text for x in strips.iter(f"{SVG}text") if x.get("class") == "label"]
    assert len(labels) == 9 and labels[7] == "U8 Penanganan Pengaduan, Saran dan Masukan"
    u8_dots = [c.get("data-value") for c in strips.iter(f"{SVG}circle") if c.get("data-value")][14:16]
    assert u8_dots == ["50.0", "75.0"]


def test_units_show_at_the_minimum_and_hide_below_it(db: str, two_rounds: tuple[int, int]) -> None:
    with unit_of_work(db) as s:
        policy_id = get_policy(s, slug=SLUG).id
        t = trend_section(s, policy_id=policy_id)
        # Five sheets is exactly the default minimum of 5: shown.
        assert [(u.unit, u.ikm) for u in t.units] == [
            ("Dinas Kesehatan", ["94.44", "97.22"]),
            ("Dinas Pendidikan", ["94.44", "97.22"]),
        ]
        assert len(_parse(t.charts()["unit"]).findall(f".//{SVG}polyline")) == 2
        # The kind now asks for 6: Dinas Kesehatan's five are hidden in every round, no figure, no line.
        kind = get_kind(s, kind_id=get_policy(s, slug=SLUG).kind_id)
        kind.rules = {**kind.rules, "evaluation_min_group_size": 6}
        s.add(kind)
        s.flush()
        t = trend_section(s, policy_id=policy_id, locale="en")
        assert [(u.unit, u.ikm) for u in t.units] == [("Dinas Pendidikan", ["94.44", "97.22"])]
        svg = _parse(t.charts()["unit"])
        assert "Dinas Kesehatan" not in etree.tostring(svg, encoding="unicode")
        assert "at least 6 respondents" in svg.find(f"{SVG}desc").text


def test_a_missing_value_breaks_the_line_and_text_is_escaped() -> None:
    svg = _parse(
        trend_lines(
            ["P1\n2025", "P2\n2026", "P3\n2027"],
            [Series("<Unit & Co>", [70.0, None, 80.0]), Series("B", [60.0, 61.0, 62.0])],
            title="<t>",
            desc="d & e",
            ident="x",
            locale="en",
        )
    )
    lines = svg.findall(f".//{SVG}polyline")
    assert len(lines) == 1  # the unit with a gap has no segment; B's three points join
    assert len(lines[0].get("points").split()) == 3
    assert svg.find(f"{SVG}title").text == "<t>" and svg.find(f"{SVG}desc").text == "d & e"
    assert [t.text for t in svg.iter(f"{SVG}tspan")][:2] == ["P1", "2025"]
    # Among several lines the legend gives each its latest value.
    assert [t.text for t in svg.iter(f"{SVG}tspan")][-2:] == ["<Unit & Co>: 80.00", "B: 62.00"]


def test_the_exports_rows_hide_a_small_unit_as_every_breakdown_does(
    db: str, two_rounds: tuple[int, int]
) -> None:
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        kind = get_kind(s, kind_id=policy.kind_id)
        kind.rules = {**kind.rules, "evaluation_min_group_size": 6}
        s.add(kind)
        s.flush()
        header, rows = trend_rows(trend_section(s, policy_id=policy.id), locale="id")
    assert header == ["", "P1 2026", "P2 2027"]
    assert rows[0] == ["IKM", "94,44", "97,22"]
    assert rows[8] == ["U8 Penanganan Pengaduan, Saran dan Masukan (NRR)", "2,00", "3,00"]
    assert rows[10:] == [
        ["IKM Dinas Pendidikan", "94,44", "97,22"]
    ]  # Dinas Kesehatan's 5 < 6: not even "< 6"


def test_a_round_where_a_unit_is_hidden_reads_below_the_minimum() -> None:
    section = TrendSection(policy_id=1, locale="en", min_group_size=5)
    section.rounds = [TrendRound(1, 1, 2026, 1, 9, "80.00", "B"), TrendRound(2, 2, 2027, 1, 12, "81.50", "B")]
    section.units = [UnitTrend("Dinas Sosial", [None, "82.25"], [None, "B"])]
    header, rows = trend_rows(section, locale="en")
    assert header == ["", "R1 2026", "R2 2027"]
    assert rows[-1] == ["IKM Dinas Sosial", "< 5", "82.25"]
