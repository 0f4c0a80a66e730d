"""The fixed words of an amending regulation (Lampiran II UU 12/2011, Perubahan Peraturan)."""

from __future__ import annotations

import re
from collections.abc import Sequence

UNITS = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
ORDINALS = {2: "Kedua", 3: "Ketiga", 4: "Keempat", 5: "Kelima", 6: "Keenam", 7: "Ketujuh", 8: "Kedelapan"}


def spelled(n: int) -> str:
    """Spell a count below 100 in Indonesian words ("dua belas")."""
    if n < 10:
        return UNITS[n] or "nol"
    if n == 10:
        return "sepuluh"
    if n == 11:
        return "sebelas"
    if n < 20:
        return f"{UNITS[n - 10]} belas"
    tens, unit = divmod(n, 10)
    head = "sepuluh" if tens == 1 else f"{UNITS[tens]} puluh"
    return f"{head} {UNITS[unit]}".strip()


def counted(n: int, noun: str) -> str:
    """Write a count as Lampiran II does: "2 (dua) pasal"."""
    return f"{n} ({spelled(n)}) {noun}"


def joined(items: Sequence[str]) -> str:
    """Join names as a list in a sentence: "a", "a dan b", "a, b, dan c"."""
    if len(items) <= 2:
        return " dan ".join(items)
    return ", ".join(items[:-1]) + ", dan " + items[-1]


def amendment_name(ordinal: int) -> str:
    """Name the n-th amendment: "Perubahan", "Perubahan Kedua", …."""
    if ordinal <= 1:
        return "Perubahan"
    return f"Perubahan {ORDINALS.get(ordinal, f'Ke-{ordinal}')}"


def next_letter(num: str, *, upper: bool, roman: bool = False) -> str:
    """Return the number of an item inserted after `num`: 8 → 8A, 8A → 8B, ayat 2 → 2a, BAB III → IIIA."""
    base = num.rstrip("IVXLC") if roman else num
    if roman and base and base != num:
        return num + "A"  # "III" ends in a numeral, not an inserted letter
    if roman and not base:
        return num + "A"
    if num and num[-1].isalpha():
        return num[:-1] + chr(ord(num[-1]) + 1)
    return num + ("A" if upper else "a")


def ayat_names(nums: Sequence[str]) -> str:
    """Name ayat in a sentence: "ayat (2)", "ayat (2) dan ayat (3)"."""
    return joined([f"ayat ({n})" for n in nums])


def pasal_names(nums: Sequence[str]) -> str:
    """Name Pasal in a sentence: "Pasal 6A dan Pasal 6B"."""
    return joined([f"Pasal {n}" for n in nums])


# The verbs an item's sentence turns on; the amended regulation is cited just before the first.
VERB = re.compile(r" (?=(?:diubah|dihapus|disisipkan|ditambahkan|ditambah|tetap)\b)")


def cited(sentence: str, citation: str) -> str:
    """Name the amended regulation in an item's sentence, for Pasal I with a single change.

    Lampiran II: "Ketentuan Pasal 6 Peraturan … (Berita Daerah …) diubah sehingga berbunyi …",
    "Pasal 8 Peraturan … dihapus.", "Di antara Pasal 6 dan Pasal 7 Peraturan … disisipkan …".
    """
    m = VERB.search(sentence)
    if m is None:
        return f"{sentence.rstrip(':.')} dalam {citation}"
    return f"{sentence[: m.start()]} {citation}{sentence[m.start() :]}"
