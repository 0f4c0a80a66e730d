"""The numbers of Lampiran II: Arabic with an inserted letter (8A, (2a)), letters, Roman, ordinal words."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ARABIC = re.compile(r"^(\d+)([A-Za-z]?)$")
_ROMAN_NUM = re.compile(r"^([IVXLC]+)([A-Z]?)$")
_UNITS = {
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
    "sebelas": 11,
}


def roman_value(text: str) -> int:
    """Return the value of a Roman numeral (I … CCC), 0 if it is not one."""
    total, last = 0, 0
    for ch in reversed(text.upper()):
        value = _ROMAN.get(ch)
        if value is None:
            return 0
        total += -value if value < last else value
        last = max(last, value)
    return total


def ordinal_value(words: str) -> int:
    """Return the number of an Indonesian ordinal ("Kesatu" 1, "Kedua Belas" 12), 0 if unknown."""
    parts = words.lower().split()
    if not parts or not parts[0].startswith("ke"):
        return 0
    first = _UNITS.get(parts[0][2:], 0)
    if len(parts) == 1:
        return first
    if parts[1] == "belas" and len(parts) == 2:
        return first + 10
    if parts[1] == "puluh":
        rest = _UNITS.get(parts[2], -1) if len(parts) == 3 else 0
        return first * 10 + rest if rest >= 0 else 0
    return 0


def sort_key(num: str) -> tuple[int, str]:
    """Order numbers as Lampiran II does: 8 < 8A < 8B < 9; Roman and letters likewise."""
    if m := _ARABIC.match(num):
        return int(m.group(1)), m.group(2).lower()
    if m := _ROMAN_NUM.match(num):
        return roman_value(m.group(1)), m.group(2).lower()
    if len(num) == 1 and num.isalpha():
        return ord(num.lower()) - ord("a") + 1, ""
    return 0, num


def expected_next(prev: str | None, *, letters: bool = False, roman: bool = False) -> str:
    """Return the number that follows `prev` without an insertion (1 → 2, a → b, IV → V)."""
    if prev is None:
        return "a" if letters else ("I" if roman else "1")
    value = sort_key(prev)[0] + 1
    if letters:
        return chr(ord("a") + value - 1) if value <= 26 else "?"
    if roman:
        return to_roman(value)
    return str(value)


def to_roman(value: int) -> str:
    """Write a number up to 399 in Roman numerals."""
    out = ""
    for size, sign in (
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while value >= size:
            out += sign
            value -= size
    return out


def follows(prev: str | None, num: str, *, letters: bool = False, roman: bool = False) -> bool:
    """Tell whether `num` may follow `prev`: the next number, or an inserted one (8 → 8A → 8B)."""
    if num == expected_next(prev, letters=letters, roman=roman):
        return True
    if prev is None or letters:
        return False
    (n, suffix), (p, prev_suffix) = sort_key(num), sort_key(prev)
    # Inserted items take a letter after the number they follow (Lampiran II on Perubahan).
    return bool(suffix) and n == p and ord(suffix) == (ord(prev_suffix) + 1 if prev_suffix else ord("a"))


@dataclass
class Numbering:
    """The list kind and last number written under one parent, to check the next one."""

    kind: str = ""
    last: str | None = None
    last_label: str = ""
