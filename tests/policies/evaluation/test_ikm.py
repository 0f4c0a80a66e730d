"""The IKM arithmetic on examples worked out by hand (PermenPANRB 14/2017)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from policies.evaluation import ikm


def test_nine_standard_unsur_with_four_indonesian_labels_each() -> None:
    assert [u.name for u in ikm.UNSUR] == [
        "Persyaratan",
        "Sistem, Mekanisme, dan Prosedur",
        "Waktu Penyelesaian",
        "Biaya/Tarif",
        "Produk Spesifikasi Jenis Pelayanan",
        "Kompetensi Pelaksana",
        "Perilaku Pelaksana",
        "Penanganan Pengaduan, Saran dan Masukan",
        "Sarana dan Prasarana",
    ]
    assert all(len(u.options) == 4 and len(u.options_en) == 4 for u in ikm.UNSUR)
    assert ikm.UNSUR[3].options == ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")


def test_small_round_worked_by_hand() -> None:
    # Four respondents, scores per unsur (u1..u9):
    #   r1: 4 4 3 4 3 3 4 3 3   r2: 3 3 3 4 3 3 3 2 3
    #   r3: 3 4 2 4 3 4 4 2 3   r4: 4 3 3 4 2 3 4 3 2
    # Column sums: 14 14 11 16 11 13 15 10 11 -> NRR = sum/4:
    #   3,50 3,50 2,75 4,00 2,75 3,25 3,75 2,50 2,75; their sum = 28,75.
    # IKM = 28,75 x 1/9 x 25 = 718,75/9 = 79,8611... -> 79,86 -> B (76,61-88,30).
    # u8: 2,50 x 25 = 62,50 -> D;  u3: 2,75 x 25 = 68,75 -> C;  u4: 100,00 -> A.
    sheets = [
        [4, 4, 3, 4, 3, 3, 4, 3, 3],
        [3, 3, 3, 4, 3, 3, 3, 2, 3],
        [3, 4, 2, 4, 3, 4, 4, 2, 3],
        [4, 3, 3, 4, 2, 3, 4, 3, 2],
    ]
    result = ikm.compute_from_answers([dict(zip(ikm.UNSUR_CODES, s, strict=True)) for s in sheets])
    assert result.respondents == 4
    assert [u.nrr for u in result.unsur] == [Fraction(x, 4) for x in (14, 14, 11, 16, 11, 13, 15, 10, 11)]
    assert result.index == Decimal("79.86")
    assert result.category.letter == "B" and result.category.name == "Baik"
    by_code = {u.code: u for u in result.unsur}
    assert (by_code["u8"].index, by_code["u8"].category.letter) == (Decimal("62.50"), "D")
    assert (by_code["u3"].index, by_code["u3"].category.letter) == (Decimal("68.75"), "C")
    assert (by_code["u4"].index, by_code["u4"].category.letter) == (Decimal("100.00"), "A")


def test_extremes_are_exactly_25_and_100() -> None:
    assert ikm.ikm_value([Fraction(1)] * 9) == Decimal("25.00")
    assert ikm.ikm_value([Fraction(4)] * 9) == Decimal("100.00")
    # With the printed weight 0,111 the scale would end at 99,90 (9 x 0,111 = 0,999).
    assert ikm.ikm_with_rounded_weights([Fraction(4)] * 9) == Decimal("99.90")


@pytest.mark.parametrize(
    ("value", "letter", "name"),
    [
        ("25.00", "D", "Tidak Baik"),
        ("64.99", "D", "Tidak Baik"),
        ("65.00", "C", "Kurang Baik"),
        ("76.60", "C", "Kurang Baik"),
        ("76.61", "B", "Baik"),
        ("88.30", "B", "Baik"),
        ("88.31", "A", "Sangat Baik"),
        ("100.00", "A", "Sangat Baik"),
    ],
)
def test_category_boundaries(value: str, letter: str, name: str) -> None:
    category = ikm.classify(Decimal(value))
    assert (category.letter, category.name) == (letter, name)


def test_classify_refuses_values_outside_the_scale() -> None:
    with pytest.raises(ValueError):
        ikm.classify(Decimal("24.99"))
    with pytest.raises(ValueError):
        ikm.classify(Decimal("100.01"))


def test_exactly_65_from_responses() -> None:
    # 5 respondents, total score 117 over the 9 unsur: sum of NRR = 117/5 = 23,4;
    # IKM = 23,4/9 x 25 = 65,00 exactly -> C. One point less (116): 23,2/9 x 25 = 64,444 -> 64,44 -> D.
    sums = {"u1": 13, "u2": 13, "u3": 13, "u4": 13, "u5": 13, "u6": 13, "u7": 13, "u8": 13, "u9": 13}
    at = ikm.compute(sums, respondents=5)
    assert (at.index, at.category.letter) == (Decimal("65.00"), "C")
    below = ikm.compute({**sums, "u9": 12}, respondents=5)
    assert (below.index, below.category.letter) == (Decimal("64.44"), "D")


def test_rounding_is_half_up_before_classifying() -> None:
    # NRRs 3 (x8) and 3,5778: sum 27,5778; x 25/9 = 689,445/9 = 76,605 exactly.
    # Half-up gives 76,61 -> B. Truncating, or banker's rounding (76,60, 0 is even), would give C.
    nrrs = [Fraction(3)] * 8 + [Fraction(35778, 10000)]
    assert ikm.ikm_exact(nrrs) == Fraction(76605, 1000)
    assert ikm.ikm_value(nrrs) == Decimal("76.61")
    assert ikm.classify(ikm.ikm_value(nrrs)).letter == "B"
    # Just below: 76,6049... -> 76,60 -> C.
    below = [Fraction(3)] * 8 + [Fraction(357779, 100000)]
    assert ikm.ikm_value(below) == Decimal("76.60")
    assert ikm.classify(ikm.ikm_value(below)).letter == "C"


def test_exact_and_rounded_weights_give_different_categories() -> None:
    # 10 respondents; eight unsur sum to 35 (NRR 3,5), u9 sums to 38 (NRR 3,8). Sum of NRR = 31,8.
    # Exact (1/9):     31,8 / 9 x 25 = 88,333... -> 88,33 -> A (Sangat Baik).
    # Printed (0,111): 31,8 x 0,111 = 3,5298; x 25 = 88,245 -> 88,25 -> B (Baik).
    # Siklus uses the exact weight (see the module docstring and docs/evaluation.md).
    sums = dict.fromkeys(ikm.UNSUR_CODES, 35) | {"u9": 38}
    result = ikm.compute(sums, respondents=10)
    assert (result.index, result.category.letter) == (Decimal("88.33"), "A")
    rounded = ikm.ikm_with_rounded_weights([u.nrr for u in result.unsur])
    assert rounded == Decimal("88.25")
    assert ikm.classify(rounded).letter == "B"


def test_scores_outside_one_to_four_are_refused() -> None:
    with pytest.raises(ValueError):
        ikm.nrr([1, 5])
    with pytest.raises(ValueError):
        ikm.compute_from_answers([dict.fromkeys(ikm.UNSUR_CODES, 0)])


@pytest.mark.parametrize(
    ("population", "sample"), [(100, 80), (1000, 278), (10000, 370), (50, 44), (500, 217)]
)
def test_krejcie_morgan_table(population: int, sample: int) -> None:
    assert ikm.krejcie_morgan(population) == sample


def test_krejcie_morgan_between_rows_uses_the_next_larger_and_small_populations_are_censused() -> None:
    assert ikm.krejcie_morgan(101) == 86  # next row is N=110
    assert ikm.krejcie_morgan(7) == 7
    assert ikm.krejcie_morgan(0) == 0
    assert ikm.krejcie_morgan(5_000_000) == 384


def test_krejcie_morgan_formula_reproduces_the_table_within_one() -> None:
    # s = 3,841 x N x 0,25 / (0,0025 (N-1) + 3,841 x 0,25); N=100: 96,025 / 1,20775 = 79,51 -> 80.
    assert [ikm.krejcie_morgan_formula(n) for n in (100, 1000, 10000)] == [80, 278, 370]
    assert all(abs(ikm.krejcie_morgan_formula(n) - s) <= 1 for n, s in ikm.KREJCIE_MORGAN_TABLE)
