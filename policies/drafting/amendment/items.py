"""What an amendment plan is made of: the items of Pasal I and the reasons to replace instead."""

from __future__ import annotations

from dataclasses import dataclass, field

# Lampiran II: more than half of the material changed → replace the regulation instead.
REPLACE_SHARE = 0.5


@dataclass(frozen=True)
class Change:
    """One item of Pasal I: what kind of change, its sentence, the text it quotes, the Pasal it concerns."""

    kind: str
    sentence: str
    quoted: tuple[str, ...] = ()
    pasal: tuple[str, ...] = ()  # the Pasal numbers (the amendment's) it writes, for the Penjelasan
    eids: tuple[str, ...] = ()  # the proposed text's elements it writes (or the adopted one's, deleted)
    numbers: tuple[tuple[str, str], ...] = ()  # (eId, the number the amendment prints) where they differ
    # Ayat deleted in place ("(3) Dihapus."): (eId of the element it follows — the Pasal when it comes
    # first —, its number), so the AKN quote can print them where the Markdown does.
    deleted: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Reason:
    """Why the regulation is better replaced than amended, in Indonesian and English."""

    id: str
    en: str


@dataclass(frozen=True)
class Plan:
    """The changes in Lampiran II order, and the reasons to replace instead (none: amend)."""

    changes: list[Change]
    reasons: list[Reason]
    touched: int
    total: int
    numbers: dict[str, str] = field(default_factory=dict)  # proposed Pasal key → the amendment's number
