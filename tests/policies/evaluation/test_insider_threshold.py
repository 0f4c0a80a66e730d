"""Suppression exactly at the threshold: a group of 4 is hidden, a group of 5 is shown, everywhere the
domain answers (results, report, breakdown CSV, raw-response CSV), and the kind's rule moves it."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

import pytest

from policies.accounts.access import SYSTEM
from policies.core.db import unit_of_work
from policies.core.errors import PermissionDenied
from policies.evaluation import exports, population
from policies.evaluation.exports import coarsen
from policies.evaluation.report import render_report
from policies.evaluation.views import results_of
from policies.lifecycle.queries import get_kind, get_policy
from tests.policies.evaluation.conftest import (
    SECRET,
    SLUG,
    answer_and_close,
    answers,
    csv_of,
    open_now,
)
from tests.policies.evaluation.test_anonymity import STRANGER

# Ten sheets: unit A 5 (shown), B 4 (hidden), C 1 (hidden); B and C merged make 5, so "Lainnya" is
# shown and no shown unit has to join it. Golongan and years of service follow the same 5 / 4 / 1.
GROUPS: list[tuple[str, str, int, int, int]] = [
    # unit, golongan, years, scores, how many
    ("Dinas A", "III", 2, 4, 5),
    ("Dinas B", "IV", 7, 2, 4),
    ("Dinas C", "II", 12, 3, 1),
]


def _sheets() -> list[dict[str, Any]]:
    out = []
    for unit, golongan, years, score, n in GROUPS:
        out += [answers(score, unit=unit, golongan=golongan, years_of_service=years)] * n
    return out


@pytest.fixture
def threshold_round(db: str, in_evaluation: str, staff: dict) -> int:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=10)
        lines, start = ["nip,nama,unit,email"], 0
        for unit, _g, _y, _s, n in GROUPS:
            lines += csv_of(n, unit=unit, start=start).splitlines()[1:]
            start += n
        issued = population.import_population_csv(
            s, actor=staff["evaluator"], round_id=survey.id, secret=SECRET, csv_text="\n".join(lines) + "\n"
        ).issued
    answer_and_close(db, staff["evaluator"], round_id=survey.id, sheets=zip(issued, _sheets(), strict=True))
    return survey.id  # type: ignore[return-value]


def _groups(results: Any, dimension: str) -> dict[str, tuple[Any, Any, str]]:
    [b] = [b for b in results.breakdowns if b.dimension == dimension]
    return {g.label: (g.respondents, g.ikm, g.status) for g in b.groups}


def test_four_are_hidden_five_are_shown_in_every_breakdown(db: str, threshold_round: int) -> None:
    with unit_of_work(db) as s:
        r = results_of(s, round_id=threshold_round)
    assert list(r.by_unit) == ["Dinas A"] and r.by_unit["Dinas A"].respondents == 5
    assert (r.other_units.units, r.other_units.respondents) == (2, 5)
    assert _groups(r, "unit") == {
        "Dinas A": (5, "100.00", "shown"),
        "Dinas B": (None, None, "suppressed"),
        "Dinas C": (None, None, "suppressed"),
        "Lainnya": (5, "55.00", "other"),  # (4 x 2 + 1 x 3) / 5 = 2,2 -> 55,00
    }
    golongan = _groups(r, "golongan")
    assert golongan["III"] == (5, "100.00", "shown")
    assert golongan["IV"] == golongan["II"] == golongan["I"] == (None, None, "suppressed")
    years = _groups(r, "years")
    assert years["0–4"] == (5, "100.00", "shown")
    assert years["5–9"] == years["10–19"] == years["20+"] == (None, None, "suppressed")


def test_the_report_writes_hidden_cells_as_below_five_with_the_reason(db: str, threshold_round: int) -> None:
    with unit_of_work(db) as s:
        html = render_report(s, round_id=threshold_round, fmt="html", locale="id")
        english = render_report(s, round_id=threshold_round, fmt="html", locale="en")
    assert '<td>Dinas B</td><td class="num suppressed">&lt; 5 (disembunyikan)</td>' in html
    assert '<td>Dinas A</td><td class="num">5</td><td class="num">100,00</td>' in html
    assert "Kelompok dengan kurang dari 5 responden disembunyikan" in html
    assert '<td>IV</td><td class="num suppressed">&lt; 5 (disembunyikan)</td>' in html
    assert '<td>Dinas B</td><td class="num suppressed">&lt; 5 (hidden)</td>' in english
    # Nowhere does the count of a hidden group appear next to its name.
    assert '<td>Dinas B</td><td class="num">4</td>' not in html


def test_the_breakdown_csv_hides_the_same_cells(db: str, threshold_round: int) -> None:
    with unit_of_work(db) as s:
        text = exports.breakdowns_csv(s, round_id=threshold_round)
    rows = list(csv.DictReader(io.StringIO(text)))
    units = {r["group"]: (r["respondents"], r["ikm"], r["status"]) for r in rows if r["dimension"] == "unit"}
    assert units == {
        "Dinas A": ("5", "100.00", "shown"),
        "Dinas B": ("< 5", "", "suppressed"),
        "Dinas C": ("< 5", "", "suppressed"),
        "Lainnya": ("5", "55.00", "other"),
    }


def test_the_raw_export_coarsens_rare_profiles_and_is_for_staff_only(
    db: str, threshold_round: int, staff: dict
) -> None:
    with unit_of_work(db) as s:
        text = exports.responses_csv(s, actor=staff["drafter"], round_id=threshold_round)
    rows = list(csv.DictReader(io.StringIO(text)))
    profiles = sorted((r["unit"], r["golongan"], r["years_of_service"]) for r in rows)
    # A's five share (A, III, 0–4) and keep it; B's four and C's one become one group of five.
    assert profiles == [("Dinas A", "III", "0–4")] * 5 + [("Lainnya", "—", "—")] * 5
    assert {r["u1"] for r in rows if r["unit"] == "Lainnya"} == {"2", "3"}
    assert "Dinas B" not in text and "submitted" not in text and "id" not in rows[0]
    with unit_of_work(db) as s, pytest.raises(PermissionDenied):
        exports.responses_csv(s, actor=STRANGER, round_id=threshold_round)
    with unit_of_work(db) as s:
        assert exports.responses_csv(s, actor=SYSTEM, round_id=threshold_round) == text


def test_the_kinds_minimum_moves_the_threshold(db: str, in_evaluation: str, staff: dict) -> None:
    with unit_of_work(db) as s:
        kind = get_kind(s, kind_id=get_policy(s, slug=SLUG).kind_id)
        kind.rules = {**kind.rules, "evaluation_min_group_size": 4}
        s.add(kind)
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=10)
        lines, start = ["nip,nama,unit,email"], 0
        for unit, _g, _y, _s, n in GROUPS:
            lines += csv_of(n, unit=unit, start=start).splitlines()[1:]
            start += n
        issued = population.import_population_csv(
            s, actor=staff["evaluator"], round_id=survey.id, secret=SECRET, csv_text="\n".join(lines) + "\n"
        ).issued
    answer_and_close(db, staff["evaluator"], round_id=survey.id, sheets=zip(issued, _sheets(), strict=True))
    with unit_of_work(db) as s:
        r = results_of(s, round_id=survey.id)
    # Four is now enough; C's one alone would be given back by subtraction, so B joins it.
    assert r.min_unit_respondents == 4
    units = _groups(r, "unit")
    assert units["Dinas A"][2] == "shown" and units["Dinas C"][2] == "suppressed"
    assert units["Dinas B"][2] == "merged" and units["Lainnya"][:2] == (5, "55.00")


def test_coarsening_reaches_the_minimum_even_for_the_last_group() -> None:
    profiles = [("A", "III", "0–4")] * 5 + [("A", "III", "5–9")] * 3 + [("B", "IV", "0–4")]
    # Minimum 5: the three lose their band, then golongan, then unit, as does B's one; the four fully
    # hidden are still fewer than 5, so the smallest remaining profile (A's five) joins them.
    assert Counter(coarsen(profiles, minimum=5)) == {("Lainnya", "—", "—"): 9}
    # Minimum 3: the three stand; B's one alone is too few, so the three join it.
    assert Counter(coarsen(profiles, minimum=3)) == {("A", "III", "0–4"): 5, ("Lainnya", "—", "—"): 4}
