"""The consolidated text: the regulation in force after each amendment, changes marked by their instrument."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from policies.core.errors import NotFound
from policies.core.i18n import format_date
from policies.drafting.amendment.documents import adopted_version, text_of
from policies.drafting.amendment.instrument import Enacted
from policies.drafting.amendment.parts import Part, Text
from policies.drafting.amendment.render import marker
from policies.lifecycle.queries import get_policy
from policies.rollout.models import Adoption
from policies.rollout.queries import adoptions_of

KINDS_SHOWN = (
    "bab",
    "bagian",
    "paragraf",
    "pasal",
    "ayat",
    "huruf",
    "angka",
    "text",
    "penjelasan",
    "penjelasan_umum",
    "penjelasan_pasal",
    "lampiran",
)
EXPLAINED = {"ayat": "Ayat ({})", "huruf": "Huruf {}", "angka": "Angka {}"}


@dataclass(frozen=True)
class Point:
    """A point in time: one adoption (the first enacts, each later one amends) and what it is called."""

    cycle: int
    version: int
    instrument: str  # "Peraturan Wali Kota Nomor 3 Tahun 2027"
    adopted_on: date


@dataclass(frozen=True)
class Mark:
    """What an instrument did to an element: inserted it, changed it, or deleted it."""

    how: str  # "inserted" | "changed" | "deleted"
    by: Point


@dataclass(frozen=True)
class Row:
    """One element of the consolidated text, with the last instrument that changed it, if any."""

    eid: str
    kind: str
    num: str
    label: str
    text: str
    depth: int
    mark: Mark | None
    marker: str = ""  # "(2)", "a.", "1.", "a)" in the body; "Ayat (2)", "Huruf a" in the Penjelasan


@dataclass(frozen=True)
class Consolidated:
    """The text in force at a point in time, and every point there is."""

    slug: str
    at: Point
    points: list[Point]
    rows: list[Row]
    deleted: list[Row]


def _point(adoption: Adoption, version: int) -> Point:
    enacted = Enacted.of(number=adoption.number, adopted_on=adoption.adopted_on)
    return Point(
        adoption.cycle,
        version,
        f"{adoption.instrument_type} Nomor {enacted.number} Tahun {enacted.year}",
        adoption.adopted_on,
    )


def _words(part: Part) -> str:
    return " ".join(part.text.split())


def _explained(text: Text, part: Part) -> bool:
    # Whether the element stands in the Penjelasan (its ayat are named "Ayat (2)", not numbered).
    current: Part | None = part
    while current is not None:
        if current.kind == "penjelasan":
            return True
        current = text.by_key.get(current.parent_key) if current.parent_key else None
    return False


def _marker(text: Text, part: Part) -> str:
    if _explained(text, part):
        return EXPLAINED[part.kind].format(part.num) if part.kind in EXPLAINED else ""
    parent = text.by_key.get(part.parent_key) if part.parent_key else None
    return marker(part, parent=parent).strip()


def _depths(text: Text) -> dict[str, int]:
    depth: dict[str, int] = {}
    for p in text.parts:
        depth[p.key] = depth.get(p.parent_key, -1) + 1 if p.parent_key else 0
    return depth


def consolidated_text(session: Session, *, slug: str, at: date | None = None) -> Consolidated:
    """Return the text in force on a day (default: now, after the last adoption), marked by instrument."""
    policy = get_policy(session, slug=slug)
    adoptions = adoptions_of(session, policy_id=policy.id)
    if not adoptions:
        raise NotFound(
            "Kebijakan ini belum ditetapkan: belum ada teks yang berlaku.",
            en="This policy has not been adopted: no text is in force yet.",
        )
    in_force = [a for a in adoptions if at is None or a.adopted_on <= at]
    if not in_force:
        raise NotFound(
            f"Pada {format_date(at)} kebijakan ini belum ditetapkan (ditetapkan pertama kali "
            f"{format_date(adoptions[0].adopted_on)}).",
            en=f"On {format_date(at, locale='en')} this policy was not adopted yet (first adopted "
            f"{format_date(adoptions[0].adopted_on, locale='en')}).",
        )
    versions = [adopted_version(session, a) for a in adoptions]
    points = [_point(a, v.number) for a, v in zip(adoptions, versions, strict=True)]
    texts = [text_of(session, version=v) for v in versions[: len(in_force)]]
    current = texts[-1]
    depth = _depths(current)

    def mark_of(part: Part) -> Mark | None:
        # The newest amendment that inserted or reworded this element (the first adoption enacted it).
        for j in range(len(texts) - 1, 0, -1):
            before, now = texts[j - 1], texts[j]
            mine = now.by_key.get(part.key)
            if mine is None:
                return None
            was = before.by_key.get(part.key)
            if was is None:
                return Mark("inserted", points[j])
            if _words(was) != _words(mine):
                return Mark("changed", points[j])
        return None

    rows = [
        Row(p.eid, p.kind, p.num, p.label, p.text, depth[p.key], mark_of(p), _marker(current, p))
        for p in current.parts
        if p.kind in KINDS_SHOWN and (p.text or p.kind != "text")
    ]
    deleted: list[Row] = []
    for j in range(1, len(texts)):
        before = texts[j - 1]
        gone = [
            p
            for p in before.parts
            if p.key not in texts[j].by_key and p.kind in ("pasal", "ayat") and not _explained(before, p)
        ]
        deleted += [Row(p.eid, p.kind, p.num, p.label, p.text, 0, Mark("deleted", points[j])) for p in gone]
    return Consolidated(slug, points[len(in_force) - 1], points, rows, deleted)
