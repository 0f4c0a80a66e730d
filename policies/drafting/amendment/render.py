"""Write elements back as the drafting format's lines, with the numbers the amendment gives them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from policies.drafting.amendment.parts import Part, Text

DELETED = "Dihapus."


def is_deleted(part: Part, text: Text) -> bool:
    """Tell whether an element reads "Dihapus." (deleted in place, its number kept)."""
    return part.text.strip() == DELETED and not text.kids(part)


def marker(part: Part, *, parent: Part | None, num: str | None = None) -> str:
    """Return the marker a list item is written with: (2), a., 1. or a) under an angka."""
    n = num if num is not None else part.num
    if part.kind == "ayat":
        return f"({n}) "
    if part.kind == "huruf":
        return f"{n}) " if parent is not None and parent.kind == "angka" else f"{n}. "
    if part.kind in ("angka", "point"):
        return f"{n}. "
    return ""


def item_lines(text: Text, part: Part, *, num_of: Callable[[Part], str | None] = lambda p: None) -> list[str]:
    """Write an element and everything under it, one line per item (continuations on their own line)."""
    parent = text.by_key.get(part.parent_key) if part.parent_key else None
    words = part.text.split("\n") if part.text else [""]
    lines = [marker(part, parent=parent, num=num_of(part)) + words[0], *words[1:]]
    for kid in text.kids(part):
        lines.extend(item_lines(text, kid, num_of=num_of))
    return [line.rstrip() for line in lines if line.strip()]


def pasal_lines(
    text: Text,
    pasal: Part,
    *,
    number: str,
    ayat_num: Callable[[Part], str | None] = lambda p: None,
    deleted_after: dict[str | None, list[str]] | None = None,
) -> list[str]:
    """Write a Pasal as it reads after the amendment: its number, its words, "(3) Dihapus." in place."""
    deleted_after = deleted_after or {}
    lines = [f"Pasal {number}"]
    if pasal.text:
        lines.extend(pasal.text.split("\n"))
    lines.extend(f"({n}) {DELETED}" for n in deleted_after.get(None, []))
    for kid in text.kids(pasal):
        lines.extend(item_lines(text, kid, num_of=lambda p: ayat_num(p) if p.kind == "ayat" else None))
        lines.extend(f"({n}) {DELETED}" for n in deleted_after.get(kid.key, []))
    return lines


def signature(text: Text, part: Part) -> list[tuple[str, str, str, int]]:
    """Describe what an element says, numbers and words, to tell whether it changed."""
    out: list[tuple[str, str, str, int]] = []

    def walk(p: Part, depth: int) -> None:
        out.append((p.kind, p.num, " ".join(p.text.split()), depth))
        for kid in text.kids(p):
            walk(kid, depth + 1)

    walk(part, 0)
    return out


def words_of(text: Text, part: Part) -> list[tuple[str, str, int]]:
    """Describe what an element says without its own number (a renumbered ayat says the same)."""
    return [(k, t, d) for k, _n, t, d in signature(text, part)]


def explanation_lines(
    text: Text,
    entry: Part,
    *,
    ayat_num: Mapping[str, str] | None = None,
    deleted_after: Mapping[str | None, Sequence[str]] | None = None,
) -> list[str]:
    """Write a Penjelasan entry's explanation: its words, then "Ayat (2)", "Huruf a" lines and theirs.

    `ayat_num` gives the amendment's number of each ayat the draft numbered otherwise (the draft's
    "Ayat (2)" is the amendment's ayat (1a)); `deleted_after` the ayat deleted in place after an ayat
    (the draft's number; None: before the first), explained as "Ayat (3)" / "Dihapus.".
    """
    names = {"huruf": "Huruf {}", "angka": "Angka {}"}
    ayat_num, deleted_after = ayat_num or {}, deleted_after or {}
    parts = text.subtree(entry)[1:]
    by_ayat = any(p.kind == "ayat" for p in parts)  # an explanation of the whole Pasal names no ayat

    def deleted(after: str | None) -> list[str]:
        return (
            [line for n in deleted_after.get(after, []) for line in (f"Ayat ({n})", DELETED)]
            if by_ayat
            else []
        )

    lines = entry.text.split("\n") if entry.text else []
    lines += deleted(None)
    pending: list[str] = []
    for part in parts:
        if part.kind == "ayat":
            lines += pending
            pending = deleted(part.num)
            lines.append(f"Ayat ({ayat_num.get(part.num, part.num)})")
        elif part.kind in names:
            lines.append(names[part.kind].format(part.num))
        if part.text:
            lines.extend(part.text.split("\n"))
    lines += pending
    return [line for line in lines if line.strip()]
