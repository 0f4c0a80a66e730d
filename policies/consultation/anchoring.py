"""Find a comment's anchor again in a later version: pure functions over element lists, no database.

A comment is anchored to an element (its `key`, stable across versions) and optionally to a quoted
passage in the element's own text, with the words before and after it (the W3C Web Annotation
text-quote selector) and its offsets (the text-position selector). In a later version the anchor is
looked for in this order, the first that holds wins:

1. the quote, exactly, in the element with the same key (or one of its parts): the offsets first,
   then every occurrence, the one whose surrounding words match best;
2. the quote, exactly, anywhere else in the version (the passage moved, the element was split or
   merged into another);
3. the quote, fuzzily (rapidfuzz's partial-ratio alignment, helped by the surrounding words), in the
   same-key element, then in the elements of the same Pasal, then anywhere when the element is gone;
4. the same-key element alone (the quoted words are gone: the comment is moot);
5. nothing: the element and its text are gone (lost, moot).

A comment on a whole element (no quote) is found by its key; when the key is gone, by its old text,
exactly then fuzzily. Each placement says how it was found (`method`), how sure (`confidence`, 0–1),
what it means for the comment (`status`) and, in the words of an amending regulation, what change
did it (`change_label`: "Pasal 8 dihapus", "ayat (2) Pasal 6 diubah", "Pasal 6 menjadi Pasal 7").

Statuses: *relevant* — the commented text is still in the same element (when the element changed
around an intact quote, the change is named all the same); *moved* — found in another element, or
its element renumbered; *moot* — the element is deleted or the quoted words are gone.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz, process

from policies.consultation.models import AnchorMethod, AnchorStatus

# A fuzzy match below this partial-ratio score (0–100) is no match: the words were rewritten.
FUZZY_CUTOFF = 80.0
# Shorter quotes match too much by chance to be looked for fuzzily.
FUZZY_MIN_CHARS = 8
# Context kept around a quote when the client sends none (W3C suggests a few dozen characters).
CONTEXT_CHARS = 32
# Occurrences of one quote weighed by their context, at most.
MAX_OCCURRENCES = 50
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


@dataclass(frozen=True)
class Placement:
    """Where an anchor sits in the later version, how it was found and what that means."""

    comment_id: int
    element_key: str | None
    eid: str | None
    clause_key: str | None
    label: str
    start: int | None
    end: int | None
    method: AnchorMethod
    confidence: float
    status: AnchorStatus
    change_label: str


class Document:
    """A version's elements indexed for re-anchoring: by key, by Pasal, and as one searchable text."""

    def __init__(self, elements: Sequence[ElementLike]) -> None:
        self.elements = list(elements)
        self.by_key = {e.key: e for e in self.elements}
        self.by_clause: dict[str, list[ElementLike]] = {}
        for e in self.elements:
            self.by_clause.setdefault(e.clause_key, []).append(e)
        # One string with every element's own text, so a quote is looked for with one `find`.
        self.joined = _SEPARATOR.join(e.text for e in self.elements)
        self.starts: list[int] = []
        at = 0
        for e in self.elements:
            self.starts.append(at)
            at += len(e.text) + 1
        self._full: dict[str, str] = {}
        self._texts = [e.text for e in self.elements]

    def full_text(self, key: str) -> str:
        """Return an element's text with its parts' texts (a Pasal with its ayat), in document order."""
        if key not in self._full:
            parts = [e.text for e in self.elements if e.key == key or self.within(e, key)]
            self._full[key] = "\n".join(parts)
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
        self, needle: str, *, among: Iterable[ElementLike] | None = None
    ) -> tuple[ElementLike, float] | None:
        """Return the element whose text holds `needle` most nearly, and the score (0–100)."""
        pool = self.elements if among is None else list(among)
        texts = self._texts if among is None else [e.text for e in pool]
        hit = process.extractOne(needle, texts, scorer=fuzz.partial_ratio, score_cutoff=FUZZY_CUTOFF)
        if hit is None:
            return None
        return pool[hit[2]], float(hit[1])


def context_of(text: str, start: int, end: int) -> tuple[str, str]:
    """Return the words just before and just after a passage (the text-quote selector's context)."""
    return text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


def _context_score(text: str, at: int, anchor: Anchor) -> int:
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
    best = max(hits, key=lambda h: (_context_score(text, h, anchor), -abs(h - near)))
    return best, best + len(quote)


def fuzzy_locate(text: str, anchor: Anchor) -> tuple[float, int, int] | None:
    """Return the score and offsets of the passage of `text` nearest the quote, helped by its context."""
    quote = anchor.quote
    if len(quote) < FUZZY_MIN_CHARS or not text:
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
    return hit.score, hit.dest_start, hit.dest_end


_PART = re.compile(r"(Pasal|ayat|huruf|angka|BAB|Bagian|Paragraf)\s+(\S+)")


def legal_name(label: str) -> str:
    """Name an element as an amending regulation does: "Pasal 6 ayat (2)" becomes "ayat (2) Pasal 6"."""
    if not label.startswith("Pasal "):
        return label
    parts = [f"{kind} {num}" for kind, num in _PART.findall(label)]
    return " ".join(reversed(parts)) if parts else label


def _bare_label(label: str) -> str:
    """Return a label without its BAB, Bagian and Paragraf: "Pasal 6 ayat (2)"."""
    at = label.find("Pasal ")
    return label[at:] if at > 0 else label


class Placer:
    """Place the anchors of one earlier version's comments in a later version."""

    def __init__(self, *, old: Document | None, new: Document) -> None:
        self.old = old
        self.new = new

    def _name(self, anchor: Anchor) -> str:
        old = self.old.by_key.get(anchor.key) if self.old is not None else None
        label = old.label if old is not None else (anchor.label or anchor.key)
        return legal_name(_bare_label(label))

    def _changed(self, anchor: Anchor, target: ElementLike) -> bool:
        """Tell whether the element's text (with its parts) differs from the comment's version."""
        if self.old is None or anchor.key not in self.old.by_key:
            return False
        return self.old.full_text(anchor.key) != self.new.full_text(target.key)

    def _renumbered(self, anchor: Anchor, target: ElementLike) -> str:
        """Return "Pasal 6 menjadi Pasal 7" when the element's label changed, else ""."""
        old = self.old.by_key.get(anchor.key) if self.old is not None else None
        if old is None or _bare_label(old.label) == _bare_label(target.label):
            return ""
        return f"{legal_name(_bare_label(old.label))} menjadi {legal_name(_bare_label(target.label))}"

    def _same_place(self, anchor: Anchor, found: ElementLike) -> bool:
        if found.key == anchor.key or self.new.within(found, anchor.key):
            return True
        old = self.old.by_key.get(anchor.key) if self.old is not None else None
        return old is not None and _bare_label(old.label) == _bare_label(found.label)

    def _placed(
        self,
        anchor: Anchor,
        found: ElementLike,
        span: tuple[int, int] | None,
        method: AnchorMethod,
        confidence: float,
    ) -> Placement:
        target = self.new.by_key.get(anchor.key)
        if self._same_place(anchor, found):
            home = target or found
            renumbered = self._renumbered(anchor, home)
            changed = method is AnchorMethod.FUZZY or self._changed(anchor, home)
            if renumbered:
                status, change = AnchorStatus.MOVED, renumbered + (" dan diubah" if changed else "")
            else:
                status, change = AnchorStatus.RELEVANT, (f"{self._name(anchor)} diubah" if changed else "")
        else:
            status = AnchorStatus.MOVED
            where = legal_name(_bare_label(found.label))
            change = (
                f"{self._name(anchor)} dihapus; teksnya kini pada {where}"
                if target is None
                else f"teks yang dikutip dipindahkan ke {where}"
            )
        start, end = span if span is not None else (None, None)
        return Placement(
            anchor.comment_id,
            found.key,
            found.eid,
            found.clause_key,
            found.label,
            start,
            end,
            method,
            round(confidence, 4),
            status,
            change,
        )

    def _lost(self, anchor: Anchor, target: ElementLike | None, confidence: float = 0.0) -> Placement:
        if target is not None:
            # The element is there, the quoted words are not: the comment is about text that is gone.
            return Placement(
                anchor.comment_id,
                target.key,
                target.eid,
                target.clause_key,
                target.label,
                None,
                None,
                AnchorMethod.ELEMENT,
                round(confidence, 4),
                AnchorStatus.MOOT,
                f"{self._name(anchor)} diubah",
            )
        return Placement(
            anchor.comment_id,
            None,
            None,
            None,
            "",
            None,
            None,
            AnchorMethod.LOST,
            0.0,
            AnchorStatus.MOOT,
            f"{self._gone(anchor)} dihapus",
        )

    def _gone(self, anchor: Anchor) -> str:
        """Name the largest deleted element holding the anchor: "Pasal 8", not "ayat (1) Pasal 8"."""
        if self.old is None or anchor.key not in self.old.by_key:
            return self._name(anchor)
        gone = self.old.by_key[anchor.key]
        above = self.old.by_key.get(gone.parent_key) if gone.parent_key else None
        while above is not None and above.key not in self.new.by_key:
            gone = above
            above = self.old.by_key.get(gone.parent_key) if gone.parent_key else None
        return legal_name(_bare_label(gone.label))

    def place(self, anchor: Anchor) -> Placement:
        """Place one anchor in the later version."""
        if not anchor.quote:
            return self._place_element(anchor)
        new = self.new
        target = new.by_key.get(anchor.key)
        # 1. Exactly, in the same element or its parts.
        if target is not None:
            span = locate(target.text, anchor)
            if span is not None:
                return self._placed(anchor, target, span, AnchorMethod.EXACT, 1.0)
        # 2. Exactly, anywhere: the same element's parts first, then by context.
        hits = new.occurrences(anchor.quote)
        if hits:
            element, at = max(
                hits,
                key=lambda h: (self._same_place(anchor, h[0]), _context_score(h[0].text, h[1], anchor)),
            )
            return self._placed(anchor, element, (at, at + len(anchor.quote)), AnchorMethod.EXACT, 1.0)
        # 3. Fuzzily: the same element, then its Pasal, then anywhere if the element is gone.
        pools: list[Sequence[ElementLike]] = []
        if target is not None:
            pools.append(
                [target, *[e for e in new.by_clause.get(target.clause_key, []) if new.within(e, target.key)]]
            )
        old = self.old.by_key.get(anchor.key) if self.old is not None else None
        clause = old.clause_key if old is not None else (target.clause_key if target is not None else None)
        if clause is not None and clause in new.by_clause:
            pools.append(new.by_clause[clause])
        best_score = 0.0
        for pool in pools:
            best: tuple[float, ElementLike, int, int] | None = None
            for element in pool:
                hit = fuzzy_locate(element.text, anchor)
                if hit is not None and (best is None or hit[0] > best[0]):
                    best = (hit[0], element, hit[1], hit[2])
            if best is not None:
                return self._placed(anchor, best[1], (best[2], best[3]), AnchorMethod.FUZZY, best[0] / 100)
        if target is None and len(anchor.quote) >= FUZZY_MIN_CHARS:
            found = new.best_fuzzy(anchor.quote)
            if found is not None:
                hit = fuzzy_locate(found[0].text, anchor)
                span = (hit[1], hit[2]) if hit is not None else None
                return self._placed(anchor, found[0], span, AnchorMethod.FUZZY, found[1] / 100)
        if target is not None:
            best_score = fuzz.partial_ratio(anchor.quote, target.text) / 100
        # 4 and 5. The element alone, or nothing.
        return self._lost(anchor, target, best_score)

    def _place_element(self, anchor: Anchor) -> Placement:
        """Place a comment on a whole element: by its key, else by its old text."""
        new = self.new
        target = new.by_key.get(anchor.key)
        if target is not None:
            confidence = 1.0
            if self._changed(anchor, target):
                assert self.old is not None
                confidence = fuzz.ratio(self.old.full_text(anchor.key), new.full_text(target.key)) / 100
            return self._placed(anchor, target, None, AnchorMethod.ELEMENT, confidence)
        old_text = (
            self.old.full_text(anchor.key) if self.old is not None and anchor.key in self.old.by_key else ""
        )
        own = self.old.by_key[anchor.key].text if old_text else ""
        if own:
            # Split or merged: the element's own words, exactly or nearly, in another element.
            hits = new.occurrences(own)
            if hits:
                return self._placed(anchor, hits[0][0], None, AnchorMethod.EXACT, 1.0)
            old = self.old.by_key[anchor.key] if self.old is not None else None
            same_clause = new.by_clause.get(old.clause_key, []) if old is not None else []
            found = new.best_fuzzy(own, among=same_clause) if same_clause else None
            found = found or new.best_fuzzy(own)
            if found is not None:
                return self._placed(anchor, found[0], None, AnchorMethod.FUZZY, found[1] / 100)
        return self._lost(anchor, None)


def place_all(anchors: Iterable[Anchor], *, old: Document | None, new: Document) -> list[Placement]:
    """Place every anchor of one earlier version's comments in the later version."""
    placer = Placer(old=old, new=new)
    return [placer.place(a) for a in anchors]
