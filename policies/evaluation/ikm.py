"""The Survei Kepuasan Masyarakat arithmetic of PermenPANRB 14/2017.

Nine elements (*unsur*) are scored 1–4. For each the mean score (NRR, *nilai rata-rata*) is
taken; the index is the weighted mean of the NRRs times 25, so it runs from 25 to 100.

Weights: the regulation defines each weight as 1/9 (one over the number of elements) and
prints it as 0,111. Siklus computes with the exact 1/9 in rational arithmetic and rounds only
the final index, half-up to 2 decimals, before classifying. Rounding the weight first is not
the regulation's intent but an artefact of writing it down: nine weights of 0,111 sum to
0,999, so a survey where everyone answers 4 would score 99,90 and one where everyone answers
1 would score 24,975 — outside the regulation's own 25–100 range — and every result is biased
down by 0,1%. Near a category boundary that bias changes the category (see the tests: an
exact 88,33 *Sangat Baik* becomes 88,25 *Baik* with 0,111 weights). `ikm_with_rounded_weights`
exists only to show that difference.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Unsur:
    """One of the nine standard elements, worded for a personnel policy."""

    code: str
    name: str
    name_en: str
    text: str
    text_en: str
    options: tuple[str, str, str, str]
    options_en: tuple[str, str, str, str]


UNSUR: tuple[Unsur, ...] = (
    Unsur(
        "u1",
        "Persyaratan",
        "Requirements",
        "Bagaimana pendapat Anda tentang kesesuaian persyaratan program/kebijakan ini dengan kebutuhan Anda?",
        "How well do the requirements of this policy or programme fit your needs?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
        ("Not appropriate", "Somewhat appropriate", "Appropriate", "Very appropriate"),
    ),
    Unsur(
        "u2",
        "Sistem, Mekanisme, dan Prosedur",
        "Systems, mechanisms and procedures",
        "Bagaimana pemahaman Anda tentang kemudahan prosedur pelaksanaan kebijakan ini?",
        "How easy are the procedures for taking part in this policy?",
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
        ("Not easy", "Somewhat easy", "Easy", "Very easy"),
    ),
    Unsur(
        "u3",
        "Waktu Penyelesaian",
        "Completion time",
        "Bagaimana pendapat Anda tentang kecepatan waktu pelayanan dalam pelaksanaan kebijakan ini?",
        "How fast is the service delivered under this policy?",
        ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
        ("Not fast", "Somewhat fast", "Fast", "Very fast"),
    ),
    Unsur(
        "u4",
        "Biaya/Tarif",
        "Cost/fees",
        "Bagaimana pendapat Anda tentang kewajaran biaya yang Anda tanggung untuk mengikuti program ini?",
        "How reasonable is the cost you bear to take part in this programme?",
        ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
        ("Very expensive", "Fairly expensive", "Cheap", "Free"),
    ),
    Unsur(
        "u5",
        "Produk Spesifikasi Jenis Pelayanan",
        "Service specification and product",
        "Bagaimana pendapat Anda tentang kesesuaian hasil program dengan yang dijanjikan kebijakan?",
        "How well do the programme's results match what the policy promises?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
        ("Not appropriate", "Somewhat appropriate", "Appropriate", "Very appropriate"),
    ),
    Unsur(
        "u6",
        "Kompetensi Pelaksana",
        "Competence of the staff",
        "Bagaimana pendapat Anda tentang kompetensi/kemampuan petugas pelaksana kebijakan ini?",
        "How competent are the staff who carry out this policy?",
        ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
        ("Not competent", "Somewhat competent", "Competent", "Very competent"),
    ),
    Unsur(
        "u7",
        "Perilaku Pelaksana",
        "Conduct of the staff",
        "Bagaimana pendapat Anda tentang perilaku petugas pelaksana terkait kesopanan dan keramahan?",
        "How courteous and friendly are the staff who carry out this policy?",
        ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"),
        ("Not courteous", "Somewhat courteous", "Courteous", "Very courteous"),
    ),
    Unsur(
        "u8",
        "Penanganan Pengaduan, Saran dan Masukan",
        "Handling of complaints, suggestions and feedback",
        "Bagaimana pendapat Anda tentang penanganan pengaduan, saran dan masukan terkait kebijakan ini?",
        "How are complaints, suggestions and feedback about this policy handled?",
        ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"),
        ("None", "Exists but does not work", "Works imperfectly", "Well managed"),
    ),
    Unsur(
        "u9",
        "Sarana dan Prasarana",
        "Facilities and infrastructure",
        "Bagaimana pendapat Anda tentang kualitas sarana dan prasarana (ruang, sistem daring) program ini?",
        "How good are the programme's facilities (rooms, online systems)?",
        ("Buruk", "Cukup", "Baik", "Sangat baik"),
        ("Poor", "Fair", "Good", "Very good"),
    ),
)
UNSUR_CODES: tuple[str, ...] = tuple(u.code for u in UNSUR)
WEIGHT = Fraction(1, len(UNSUR))
ROUNDED_WEIGHT = Fraction(111, 1000)
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Category:
    """A service-quality category (*mutu pelayanan*) and its index interval."""

    letter: str
    name: str
    name_en: str
    low: Decimal
    high: Decimal


CATEGORIES: tuple[Category, ...] = (
    Category("D", "Tidak Baik", "Poor", Decimal("25.00"), Decimal("64.99")),
    Category("C", "Kurang Baik", "Fair", Decimal("65.00"), Decimal("76.60")),
    Category("B", "Baik", "Good", Decimal("76.61"), Decimal("88.30")),
    Category("A", "Sangat Baik", "Very good", Decimal("88.31"), Decimal("100.00")),
)


def round_half_up(value: Fraction) -> Decimal:
    """Round an exact value half-up to 2 decimals (never banker's rounding)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    # Decimal division is exact to 28 digits; quantize of a value already rounded down there
    # could misplace an exact half, so decide the half from the fraction itself.
    hundredths = value * 100
    floor = math.floor(hundredths)
    rounded = floor + (1 if hundredths - floor >= Fraction(1, 2) else 0)
    result = Decimal(rounded) / 100
    assert abs(result - exact) <= Decimal("0.005")
    return result.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def classify(value: Decimal) -> Category:
    """Return the category of an index already rounded to 2 decimals."""
    if value < Decimal("25") or value > Decimal("100"):
        raise ValueError(f"IKM {value} is outside 25–100")
    for category in reversed(CATEGORIES):
        if value >= category.low:
            return category
    raise AssertionError("unreachable")  # pragma: no cover


def nrr(scores: Iterable[int]) -> Fraction:
    """Return the exact mean score (NRR) of one element."""
    total = count = 0
    for score in scores:
        if score not in (1, 2, 3, 4):
            raise ValueError(f"score {score} is not 1–4")
        total += score
        count += 1
    if count == 0:
        raise ValueError("no scores")
    return Fraction(total, count)


def ikm_exact(nrrs: Sequence[Fraction], *, weight: Fraction = WEIGHT) -> Fraction:
    """Return the exact index: the weighted sum of the NRRs times 25."""
    return sum((n * weight for n in nrrs), Fraction(0)) * 25


def ikm_value(nrrs: Sequence[Fraction]) -> Decimal:
    """Return the index from nine NRRs with weights 1/9, rounded half-up to 2 decimals."""
    if len(nrrs) != len(UNSUR):
        raise ValueError(f"need {len(UNSUR)} NRR values, got {len(nrrs)}")
    return round_half_up(ikm_exact(nrrs))


def ikm_with_rounded_weights(nrrs: Sequence[Fraction]) -> Decimal:
    """Return the index computed with the printed weight 0,111 (for comparison only)."""
    return round_half_up(ikm_exact(nrrs, weight=ROUNDED_WEIGHT))


def unsur_index(value: Fraction) -> Decimal:
    """Return one element's index on 25–100 (its NRR × 25), rounded half-up."""
    return round_half_up(value * 25)


@dataclass(frozen=True)
class UnsurResult:
    """One element's mean, index and category."""

    code: str
    name: str
    name_en: str
    nrr: Fraction
    index: Decimal
    category: Category


@dataclass(frozen=True)
class IkmResult:
    """The index of a set of responses, with each element's result."""

    respondents: int
    unsur: tuple[UnsurResult, ...]
    nrr_weighted: Fraction
    index: Decimal
    category: Category


def compute(score_sums: Mapping[str, int], *, respondents: int) -> IkmResult:
    """Compute the index from each element's sum of scores over `respondents` full answers."""
    if respondents <= 0:
        raise ValueError("no respondents")
    results = []
    for u in UNSUR:
        total = score_sums[u.code]
        if not respondents <= total <= 4 * respondents:
            raise ValueError(f"sum {total} of {u.code} impossible for {respondents} respondents")
        mean = Fraction(total, respondents)
        index = unsur_index(mean)
        results.append(UnsurResult(u.code, u.name, u.name_en, mean, index, classify(index)))
    nrrs = [r.nrr for r in results]
    value = ikm_value(nrrs)
    return IkmResult(
        respondents=respondents,
        unsur=tuple(results),
        nrr_weighted=sum((n * WEIGHT for n in nrrs), Fraction(0)),
        index=value,
        category=classify(value),
    )


def compute_from_answers(answers: Iterable[Mapping[str, int]]) -> IkmResult:
    """Compute the index from full answer sheets ({"u1": 3, ..., "u9": 4})."""
    sums = dict.fromkeys(UNSUR_CODES, 0)
    n = 0
    for sheet in answers:
        for code in UNSUR_CODES:
            score = sheet[code]
            if score not in (1, 2, 3, 4):
                raise ValueError(f"score {score} of {code} is not 1–4")
            sums[code] += score
        n += 1
    return compute(sums, respondents=n)


# Krejcie & Morgan (1970), "Determining sample size for research activities", Table 1.
KREJCIE_MORGAN_TABLE: tuple[tuple[int, int], ...] = (
    (10, 10),
    (15, 14),
    (20, 19),
    (25, 24),
    (30, 28),
    (35, 32),
    (40, 36),
    (45, 40),
    (50, 44),
    (55, 48),
    (60, 52),
    (65, 56),
    (70, 59),
    (75, 63),
    (80, 66),
    (85, 70),
    (90, 73),
    (95, 76),
    (100, 80),
    (110, 86),
    (120, 92),
    (130, 97),
    (140, 103),
    (150, 108),
    (160, 113),
    (170, 118),
    (180, 123),
    (190, 127),
    (200, 132),
    (210, 136),
    (220, 140),
    (230, 144),
    (240, 148),
    (250, 152),
    (260, 155),
    (270, 159),
    (280, 162),
    (290, 165),
    (300, 169),
    (320, 175),
    (340, 181),
    (360, 186),
    (380, 191),
    (400, 196),
    (420, 201),
    (440, 205),
    (460, 210),
    (480, 214),
    (500, 217),
    (550, 226),
    (600, 234),
    (650, 242),
    (700, 248),
    (750, 254),
    (800, 260),
    (850, 265),
    (900, 269),
    (950, 274),
    (1000, 278),
    (1100, 285),
    (1200, 291),
    (1300, 297),
    (1400, 302),
    (1500, 306),
    (1600, 310),
    (1700, 313),
    (1800, 317),
    (1900, 320),
    (2000, 322),
    (2200, 327),
    (2400, 331),
    (2600, 335),
    (2800, 338),
    (3000, 341),
    (3500, 346),
    (4000, 351),
    (4500, 354),
    (5000, 357),
    (6000, 361),
    (7000, 364),
    (8000, 367),
    (9000, 368),
    (10000, 370),
    (15000, 375),
    (20000, 377),
    (30000, 379),
    (40000, 380),
    (50000, 381),
    (75000, 382),
    (1000000, 384),
)
# The table's formula: chi-square for 1 degree of freedom at 95%, P = 0,5, d = 0,05.
_CHI2 = Fraction("3.841")
_P = Fraction(1, 2)
_D = Fraction(5, 100)


def krejcie_morgan_formula(population: int) -> int:
    """Return s = X²NP(1−P) / (d²(N−1) + X²P(1−P)) rounded up."""
    if population <= 0:
        return 0
    n = Fraction(population)
    s = _CHI2 * n * _P * (1 - _P) / (_D * _D * (n - 1) + _CHI2 * _P * (1 - _P))
    return min(population, math.ceil(s))


def krejcie_morgan(population: int) -> int:
    """Return the target sample from the published table, using the next larger row if between rows.

    The table, not the formula, is what PermenPANRB 14/2017 points to; the two differ by one
    for a few rows (the authors rounded to nearest), e.g. N=50 gives 44 in the table, 45 rounded up.
    """
    if population <= 0:
        return 0
    for size, sample in KREJCIE_MORGAN_TABLE:
        if population <= size:
            return min(population, sample)
    return KREJCIE_MORGAN_TABLE[-1][1]
