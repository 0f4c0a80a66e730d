"""The report's figures: half-up NRR, the by-unit table with each unsur, small units merged, English."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from policies.core.db import unit_of_work
from policies.evaluation import population
from policies.evaluation.breakdowns import Tally
from policies.evaluation.ikm import UNSUR_CODES
from policies.evaluation.models import SurveyRound
from policies.evaluation.report import render_report
from policies.evaluation.results import MIN_UNIT_RESPONDENTS, split_units
from tests.policies.evaluation.conftest import SECRET, answer_and_close, answers, csv_of, open_now


def _sheet(unit: str, u1: int, rest: int, u8: int, **extra: Any) -> dict[str, Any]:
    scores = [u1] + [rest] * 6 + [u8, rest]
    return answers(scores, unit=unit, **extra)


# Sixteen sheets, worked out by hand:
#   Dinas Kesehatan x6: u1 3, u8 2, the other seven 4
#   Dinas Pendidikan x5: u1 2, u8 1, the others 3
#   Dinas Sosial x2: everything 2;  Kecamatan Serpong x3: u1 3, 3, 4, everything else 4
# u1: 18 + 10 + 4 + 10 = 42 over 16 -> NRR 21/8 = 2,625 -> shown 2,63 (half-up; half-even gives 2,62),
#     index 65,625 -> 65,63 C. The seven others: 24 + 15 + 4 + 12 = 55 -> 3,4375 -> 85,94 B.
# u8: 12 + 5 + 4 + 12 = 33 -> 2,0625 -> 51,56 D. IKM: 460 / 144 x 25 = 79,861 -> 79,86 B.
# By unit: Kesehatan (3 + 28 + 2) / 9 x 25 = 91,67 A; Pendidikan (2 + 21 + 1) / 9 x 25 = 66,67 C;
# Sosial (2) and Serpong (3) are under 5 each, merged: 5 sheets, u1 14/5 -> 70,00 C, the others
# 16/5 -> 80,00 B, IKM 142 / 45 x 25 = 78,89 B.
SHEETS = (
    [_sheet("Dinas Kesehatan", 3, 4, 2, format_pelatihan="Tatap muka")] * 6
    + [_sheet("Dinas Pendidikan", 2, 3, 1)] * 5
    + [_sheet("Dinas Sosial", 2, 2, 2)] * 2
    + [_sheet("Kecamatan Serpong", u1, 4, 4) for u1 in (3, 3, 4)]
)
UNITS = Counter(sheet["unit"] for sheet in SHEETS)


@pytest.fixture
def report_round(db: str, in_evaluation: str, staff: dict) -> int:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=10)
        lines, start = ["nip,nama,unit,email"], 0
        for unit, n in UNITS.items():
            lines += csv_of(n, unit=unit, start=start).splitlines()[1:]
            start += n
        issued = population.import_population_csv(
            s, actor=staff["evaluator"], round_id=survey.id, secret=SECRET, csv_text="\n".join(lines) + "\n"
        ).issued
    answer_and_close(db, staff["evaluator"], round_id=survey.id, sheets=zip(issued, SHEETS, strict=True))
    return survey.id  # type: ignore[return-value]


def test_results_merge_small_units_and_keep_the_exact_figures(db: str, report_round: int) -> None:
    with unit_of_work(db) as s:
        results = s.get(SurveyRound, report_round).results
    assert (results["ikm"]["ikm"], results["ikm"]["category"]) == ("79.86", "B")
    u1 = results["ikm"]["unsur"][0]
    assert (u1["nrr"], u1["ikm"], u1["category"]) == ("2.63", "65.63", "C")
    assert {u: (r["ikm"], r["category"]) for u, r in results["by_unit"].items()} == {
        "Dinas Kesehatan": ("91.67", "A"),
        "Dinas Pendidikan": ("66.67", "C"),
    }
    other = results["other_units"]
    assert (other["units"], other["respondents"], other["ikm"]["ikm"], other["ikm"]["category"]) == (
        2,
        5,
        "78.89",
        "B",
    )
    assert results["min_unit_respondents"] == MIN_UNIT_RESPONDENTS == 5
    # The small units are listed in the breakdown by name only: no count, no index.
    [by_unit] = [b for b in results["breakdowns"] if b["dimension"] == "unit"]
    small = [g for g in by_unit["groups"] if g["label"] in ("Dinas Sosial", "Kecamatan Serpong")]
    assert [(g["respondents"], g["ikm"], g["status"]) for g in small] == [(None, None, "suppressed")] * 2
    assert "Dinas Sosial" not in str(results["by_unit"]) and "Kecamatan Serpong" not in str(
        results["by_unit"]
    )


def test_the_markdown_report_shows_half_up_nrr_and_each_units_unsur(db: str, report_round: int) -> None:
    with unit_of_work(db) as s:
        text = render_report(s, round_id=report_round, fmt="md", locale="id")
    assert "| Persyaratan | 2,63 | 65,63 | C |" in text
    assert "| Penanganan Pengaduan, Saran dan Masukan | 2,06 | 51,56 | D |" in text
    assert "| Dinas Kesehatan | 6 | 91,67 | A |" in text and "| Lainnya | 5 | 78,89 | B |" in text
    header = "| Unit kerja | U1 | U2 | U3 | U4 | U5 | U6 | U7 | U8 | U9 |"
    assert header in text
    assert (
        "| Dinas Kesehatan | 75,00 C | 100,00 A | 100,00 A | 100,00 A | 100,00 A | 100,00 A | 100,00 A | "
        "50,00 D | 100,00 A |"
    ) in text
    assert "| Lainnya | 70,00 C | 80,00 B |" in text
    assert "2 unit \\(5 responden\\) digabung menjadi “Lainnya”" in text
    assert "| Dinas Sosial | &lt; 5 \\(disembunyikan\\) | — |  |" in text
    assert "| Dinas Sosial | 2" not in text and "| Kecamatan Serpong | 3" not in text


def test_the_english_html_report_is_english(db: str, report_round: int) -> None:
    with unit_of_work(db) as s:
        text = render_report(s, round_id=report_round, fmt="html", locale="en")
    assert "IKM 79.86" in text and '<td>Requirements</td><td class="num">2.63</td>' in text
    assert '<td class="num cat-C">75.00 C</td>' in text  # Kesehatan's u1 in the by-unit breakdown
    assert "<td>Other</td>" in text and "merged into “Other”" in text
    # Options, indicator units and the recommendation in English; nothing Indonesian in between.
    assert "<td>Face to face</td>" in text and "Tatap muka" not in text
    assert "Element Requirements: index 65.63, category C (Fair), 10.98 below category B." in text
    assert "Indikator" not in text and "Unsur " not in text and "persen" not in text
    assert "76.61" in text and "76,61" not in text  # chart boundaries in English numbers too


def _tally(counts: dict[str, int]) -> Tally:
    sums = {u: Counter(dict.fromkeys(UNSUR_CODES, 3 * n)) for u, n in counts.items()}
    return Tally(sums=sums, counts=Counter(counts))


def test_a_merge_below_the_threshold_takes_in_the_smallest_shown_unit() -> None:
    # B and C alone (4) would be withheld, but then A's figures and the total would give them back
    # by subtraction: the smallest shown unit, A, joins the merge, which reaches 11.
    shown, other = split_units(_tally({"A": 7, "B": 2, "C": 2}), minimum=MIN_UNIT_RESPONDENTS)
    assert shown == {} and (other.units, other.respondents, other.ikm.ikm) == (3, 11, "75.00")
    shown, other = split_units(_tally({"A": 7, "D": 6, "B": 2, "C": 2}), minimum=MIN_UNIT_RESPONDENTS)
    assert list(shown) == ["A"] and (other.units, other.respondents) == (3, 10)
    shown, other = split_units(_tally({"A": 7}), minimum=MIN_UNIT_RESPONDENTS)
    assert other is None
    # Everything small and the merge still small: nothing, not even its count.
    shown, other = split_units(_tally({"B": 2, "C": 2}), minimum=MIN_UNIT_RESPONDENTS)
    assert shown == {} and (other.units, other.respondents, other.ikm) == (2, None, None)
