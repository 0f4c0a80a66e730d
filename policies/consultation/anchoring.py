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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from policies.consultation.anchor_text import (
    CONTEXT_AGREES,
    FAR_CUTOFF,
    FAR_MIN_CHARS,
    FUZZY_MIN_CHARS,
    Anchor,
    Document,
    ElementLike,
    bare_label,
    context_score,
    fuzzy_locate,
    legal_name,
    locate,
)
from policies.consultation.models import AnchorMethod, AnchorStatus

# Re-exported: the anchor as the comment keeps it, and where the search starts from.
__all__ = ["Anchor", "Document", "Placement", "Placer", "legal_name", "locate", "place_all"]


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


class Placer:
    """Place the anchors of one earlier version's comments in a later version."""

    def __init__(self, *, old: Document | None, new: Document) -> None:
        self.old = old
        self.new = new

    def _name(self, anchor: Anchor) -> str:
        old = self.old.by_key.get(anchor.key) if self.old is not None else None
        label = old.label if old is not None else (anchor.label or anchor.key)
        return legal_name(bare_label(label))

    def _changed(self, anchor: Anchor, target: ElementLike) -> bool:
        """Tell whether the element's text (with its parts) differs from the comment's version."""
        if self.old is None or anchor.key not in self.old.by_key:
            return False
        return self.old.full_text(anchor.key) != self.new.full_text(target.key)

    def _renumbered(self, anchor: Anchor, target: ElementLike) -> str:
        """Return "Pasal 6 menjadi Pasal 7" when the element's label changed, else ""."""
        old = self.old.by_key.get(anchor.key) if self.old is not None else None
        if old is None or bare_label(old.label) == bare_label(target.label):
            return ""
        return f"{legal_name(bare_label(old.label))} menjadi {legal_name(bare_label(target.label))}"

    def _plausible(self, anchor: Anchor, element: ElementLike, at: int) -> bool:
        """Tell whether an exact hit outside the anchor's own place is the quote moved, not a recurrence.

        Inside its element (or its parts) any hit is; elsewhere the words around it must agree, or,
        when none were kept, the quote must be long enough not to recur by chance.
        """
        if self._same_place(anchor, element):
            return True
        if anchor.prefix or anchor.suffix:
            kept = len(anchor.prefix) + len(anchor.suffix)
            return context_score(element.text, at, anchor) >= min(kept, max(CONTEXT_AGREES, kept // 4))
        return len(anchor.quote) >= FAR_MIN_CHARS

    def _twin(self, anchor: Anchor) -> ElementLike | None:
        """Return a new element standing where the anchor's element stood (same Pasal and label, a new
        key: the element was rewritten beyond recognition), if there is one."""
        old = self.old.by_key.get(anchor.key) if self.old is not None else None
        if old is None or self.old is None:
            return None
        for element in self.new.by_clause.get(old.clause_key, []):
            if bare_label(element.label) == bare_label(old.label) and element.key not in self.old.by_key:
                return element
        return None

    def _same_place(self, anchor: Anchor, found: ElementLike) -> bool:
        if found.key == anchor.key or self.new.within(found, anchor.key):
            return True
        old = self.old.by_key.get(anchor.key) if self.old is not None else None
        return old is not None and bare_label(old.label) == bare_label(found.label)

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
            where = legal_name(bare_label(found.label))
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
            anchor.clause_key if anchor.clause_key in self.new.by_key else None,
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
        return legal_name(bare_label(gone.label))

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
        hits = [h for h in new.occurrences(anchor.quote) if self._plausible(anchor, *h)]
        if hits:
            element, at = max(
                hits,
                key=lambda h: (self._same_place(anchor, h[0]), context_score(h[0].text, h[1], anchor)),
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
        for n, pool in enumerate(pools):
            best: tuple[float, ElementLike, int, int] | None = None
            for element in pool:
                strict = (n > 0 or target is None) and not self._same_place(anchor, element)
                hit = fuzzy_locate(element.text, anchor, strict=strict)
                if hit is not None and (best is None or hit[0] > best[0]):
                    best = (hit[0], element, hit[1], hit[2])
            if best is not None:
                return self._placed(anchor, best[1], (best[2], best[3]), AnchorMethod.FUZZY, best[0] / 100)
        if target is None and len(anchor.quote) >= FUZZY_MIN_CHARS:
            # Anywhere else only with the words around the quote too, and nearly all of them: a phrase
            # common in the text ("pengembangan kompetensi") would otherwise be found everywhere.
            found = new.best_fuzzy(anchor.prefix + anchor.quote + anchor.suffix, cutoff=FAR_CUTOFF)
            if found is not None:
                hit = fuzzy_locate(found[0].text, anchor)
                span = (hit[1], hit[2]) if hit is not None else None
                return self._placed(anchor, found[0], span, AnchorMethod.FUZZY, found[1] / 100)
        home = target or self._twin(anchor)
        if home is not None:
            best_score = fuzz.partial_ratio(anchor.quote, home.text) / 100
        # 4 and 5. The element alone (or the new one in its place), or nothing.
        return self._lost(anchor, home, best_score)

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
            # Split or merged: the element's own words, exactly or nearly, in another element; outside
            # its Pasal only words long enough not to recur by chance ("Cukup jelas." does).
            old = self.old.by_key[anchor.key] if self.old is not None else None
            far = len(own) >= FAR_MIN_CHARS
            hits = [
                h
                for h in new.occurrences(own)
                if far or (old is not None and h[0].clause_key == old.clause_key)
            ]
            if hits:
                return self._placed(anchor, hits[0][0], None, AnchorMethod.EXACT, 1.0)
            same_clause = new.by_clause.get(old.clause_key, []) if old is not None else []
            found = new.best_fuzzy(own, among=same_clause) if same_clause else None
            if found is None and far:
                found = new.best_fuzzy(own, cutoff=FAR_CUTOFF)
            if found is not None:
                return self._placed(anchor, found[0], None, AnchorMethod.FUZZY, found[1] / 100)
        twin = self._twin(anchor)
        if twin is not None:
            confidence = fuzz.ratio(old_text, new.full_text(twin.key)) / 100 if old_text else 0.0
            return self._placed(anchor, twin, None, AnchorMethod.ELEMENT, confidence)
        return self._lost(anchor, None)


def place_all(anchors: Iterable[Anchor], *, old: Document | None, new: Document) -> list[Placement]:
    """Place every anchor of one earlier version's comments in the later version."""
    placer = Placer(old=old, new=new)
    return [placer.place(a) for a in anchors]
