"""Looking for a quoted passage in a version's text: the elements indexed, exact and fuzzy search.

The pieces `anchoring` places anchors with: a version's elements as one searchable document, where a
quote sits in an element's text (by its offsets, then by the words around it), the nearest passage
when the words changed (rapidfuzz's partial-ratio alignment), and the names an amending regulation
gives to a part ("ayat (2) Pasal 6").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz, process

# A fuzzy match below this partial-ratio score (0–100) is no match: the words were rewritten.
FUZZY_CUTOFF = 80.0
# Found anywhere in the version (its element gone), a quote with its context must match this well.
FAR_CUTOFF = 90.0
# Outside its own Pasal, a text shorter than this is not looked for without context: it recurs.
FAR_MIN_CHARS = 30
# Characters of context that must agree around an exact hit outside the anchor's own element (at
# least, and at least a quarter of the context kept).
CONTEXT_AGREES = 4
# Shorter quotes match too much by chance to be looked for fuzzily.
FUZZY_MIN_CHARS = 8
# Context kept around a quote when the client sends none (W3C suggests a few dozen characters).
CONTEXT_CHARS = 32
# Occurrences of one quote weighed by their context, at most.
MAX_OCCURRENCES = 50
# Elements scored, at most, when a needle is looked for across the whole version.
FAR_CANDIDATES = 20
_WORD = re.compile(r"\w{4,}")
_SEPARATOR = "\x00"  # never in a text: PostgreSQL cannot store NUL, and the drafts refuse it


class ElementLike(Protocol):
    """What re-anchoring reads of an element (a `TextElement` row, or any object with these)."""

    key: str
    eid: str
    label: str
    clause_key: str
    parent_key: str | None
    text: str


@dataclass(frozen=True)
class Anchor:
    """A comment's anchor on its own version: the element key (the clause key for a whole clause)."""

    comment_id: int
    key: str
    quote: str = ""
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None
    # The label the comment was made on, for a change's name when the old element is not known.
    label: str = ""
    # The Pasal the comment was made on: a lost anchor stays on its page while the Pasal exists.
    clause_key: str = ""


@dataclass(frozen=True, slots=True)
class Part:
    """An element's fields as re-anchoring reads them, copied once (an ORM attribute costs more)."""

    key: str
    eid: str
    label: str
    clause_key: str
    parent_key: str | None
    text: str


class Document:
    """A version's elements indexed for re-anchoring: by key, by Pasal, and as one searchable text."""

    def __init__(self, elements: Sequence[ElementLike]) -> None:
        self.elements: list[ElementLike] = [
            Part(e.key, e.eid, e.label, e.clause_key, e.parent_key, e.text) for e in elements
        ]
        self.by_key = {e.key: e for e in self.elements}
        self.by_clause: dict[str, list[ElementLike]] = {}
        self.children: dict[str, list[ElementLike]] = {}
        for e in self.elements:
            self.by_clause.setdefault(e.clause_key, []).append(e)
            if e.parent_key is not None:
                self.children.setdefault(e.parent_key, []).append(e)
        # One string with every element's own text, so a quote is looked for with one `find`.
        self.joined = _SEPARATOR.join(e.text for e in self.elements)
        self.starts: list[int] = []
        at = 0
        for e in self.elements:
            self.starts.append(at)
            at += len(e.text) + 1
        self._full: dict[str, str] = {}
        self._far: dict[str, tuple[ElementLike, float] | None] = {}
        self._words: dict[str, list[int]] | None = None

    def full_text(self, key: str) -> str:
        """Return an element's text with its parts' texts (a Pasal with its ayat), in document order."""
        if key not in self._full:
            own = self.by_key[key].text if key in self.by_key else ""
            parts = [own, *(self.full_text(c.key) for c in self.children.get(key, []))]
            self._full[key] = "\n".join(p for p in parts if p)
        return self._full[key]

    def within(self, element: ElementLike, key: str) -> bool:
        """Tell whether `element` is a part (at any depth) of the element keyed `key`."""
        parent = element.parent_key
        seen = 0
        while parent is not None and seen < 32:
            if parent == key:
                return True
            above = self.by_key.get(parent)
            parent = above.parent_key if above is not None else None
            seen += 1
        return False

    def occurrences(self, quote: str) -> list[tuple[ElementLike, int]]:
        """Return each element holding `quote` exactly, with the offset in its own text."""
        found: list[tuple[ElementLike, int]] = []
        at = self.joined.find(quote)
        while at >= 0 and len(found) < MAX_OCCURRENCES:
            i = bisect.bisect_right(self.starts, at) - 1
            found.append((self.elements[i], at - self.starts[i]))
            at = self.joined.find(quote, at + 1)
        return found

    def best_fuzzy(
        self, needle: str, *, among: Iterable[ElementLike] | None = None, cutoff: float = FUZZY_CUTOFF
    ) -> tuple[ElementLike, float] | None:
        """Return the element whose text holds `needle` most nearly, and the score (0–100).

        Across the whole version, only the elements sharing most of the needle's words are scored:
        a partial ratio against every element of a long draft costs tens of milliseconds a needle.
        """
        if among is None:
            if needle not in self._far:
                pool = self._sharing_words(needle)
                self._far[needle] = self._best(needle, pool, cutoff)
            return self._far[needle]
        return self._best(needle, list(among), cutoff)

    @staticmethod
    def _best(needle: str, pool: list[ElementLike], cutoff: float) -> tuple[ElementLike, float] | None:
        if not pool:
            return None
        texts = [e.text for e in pool]
        hit = process.extractOne(needle, texts, scorer=fuzz.partial_ratio, score_cutoff=cutoff)
        return (pool[hit[2]], float(hit[1])) if hit is not None else None

    def _sharing_words(self, needle: str) -> list[ElementLike]:
        """Return the elements holding at least half of the needle's distinct words, the most first."""
        if self._words is None:
            self._words = {}
            for i, e in enumerate(self.elements):
                for word in set(_WORD.findall(e.text.lower())):
                    self._words.setdefault(word, []).append(i)
        wanted = set(_WORD.findall(needle.lower()))
        counts: dict[int, int] = {}
        for word in wanted:
            for i in self._words.get(word, ()):
                counts[i] = counts.get(i, 0) + 1
        enough = max(1, len(wanted) // 2)
        shared = sorted((n, -i) for i, n in counts.items() if n >= enough)[-FAR_CANDIDATES:]
        return [self.elements[-i] for _, i in shared]


def context_of(text: str, start: int, end: int) -> tuple[str, str]:
    """Return the words just before and just after a passage (the text-quote selector's context)."""
    return text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


def context_score(text: str, at: int, anchor: Anchor) -> int:
    """Count how many characters of the anchor's context agree with the text around `at`."""
    before, after = text[:at], text[at + len(anchor.quote) :]
    score = 0
    for a, b in zip(reversed(before), reversed(anchor.prefix), strict=False):
        if a != b:
            break
        score += 1
    for a, b in zip(after, anchor.suffix, strict=False):
        if a != b:
            break
        score += 1
    return score


def locate(text: str, anchor: Anchor) -> tuple[int, int] | None:
    """Return the offsets of the anchor's quote in `text`: at its own offsets, else by its context."""
    quote = anchor.quote
    if anchor.start is not None and text[anchor.start : anchor.start + len(quote)] == quote:
        return anchor.start, anchor.start + len(quote)
    hits: list[int] = []
    at = text.find(quote)
    while at >= 0 and len(hits) < MAX_OCCURRENCES:
        hits.append(at)
        at = text.find(quote, at + 1)
    if not hits:
        return None
    near = anchor.start if anchor.start is not None else 0
    best = max(hits, key=lambda h: (context_score(text, h, anchor), -abs(h - near)))
    return best, best + len(quote)


def fuzzy_locate(text: str, anchor: Anchor, *, strict: bool = False) -> tuple[float, int, int] | None:
    """Return the score and offsets of the passage of `text` nearest the quote, helped by its context.

    `strict` (another element than the anchor's own): the context must be found there too, or, with
    no context kept, the quote must be long enough not to recur by chance.
    """
    quote = anchor.quote
    if len(quote) < FUZZY_MIN_CHARS or not text:
        return None
    if strict and not (anchor.prefix or anchor.suffix) and len(quote) < FAR_MIN_CHARS:
        return None
    hit = fuzz.partial_ratio_alignment(quote, text, score_cutoff=FUZZY_CUTOFF)
    if hit is None:
        return None
    if anchor.prefix or anchor.suffix:
        # The quote with its context picks the right one of several similar passages.
        wide = fuzz.partial_ratio_alignment(
            anchor.prefix + quote + anchor.suffix, text, score_cutoff=FUZZY_CUTOFF
        )
        if wide is not None:
            window = text[wide.dest_start : wide.dest_end]
            inner = fuzz.partial_ratio_alignment(quote, window, score_cutoff=FUZZY_CUTOFF)
            if inner is not None and inner.score >= hit.score - 5:
                start = wide.dest_start + inner.dest_start
                return inner.score, start, wide.dest_start + inner.dest_end
        if strict:
            return None
    return hit.score, hit.dest_start, hit.dest_end


_PART = re.compile(r"(Pasal|ayat|huruf|angka|BAB|Bagian|Paragraf)\s+(\S+)")


def legal_name(label: str) -> str:
    """Name an element as an amending regulation does: "Pasal 6 ayat (2)" becomes "ayat (2) Pasal 6"."""
    if not label.startswith("Pasal "):
        return label
    parts = [f"{kind} {num}" for kind, num in _PART.findall(label)]
    return " ".join(reversed(parts)) if parts else label


def bare_label(label: str) -> str:
    """Return a label without its BAB, Bagian and Paragraf: "Pasal 6 ayat (2)"."""
    at = label.find("Pasal ")
    return label[at:] if at > 0 else label
