"""Breakdowns by unit, golongan and years of service, with every group below the minimum hidden.

A group with fewer answer sheets than the kind's `evaluation_min_group_size` (default 5) is never
shown: not its index, not its count ("< 5", disembunyikan). The hidden groups are merged into
"Lainnya" / "Other". If that merge itself stays below the minimum, the smallest shown groups join it
until it does (secondary suppression): otherwise the overall figures minus the shown groups would
give the hidden ones back by subtraction. Every label that could occur is listed (every unit of the
population, every golongan, every band of years), so a hidden cell does not even say whether anyone
of that group answered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel
from sqlmodel import Session

from policies.evaluation import ikm
from policies.evaluation.survey import GOLONGAN
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_kind

DEFAULT_MIN_GROUP = 5
DIMENSIONS = ("unit", "golongan", "years")
# Years of service in bands: an exact number of years is too rare a trait to show, even in a group.
YEAR_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 4, "0–4"),
    (5, 9, "5–9"),
    (10, 19, "10–19"),
    (20, 99, "20+"),
)
OTHER = "Lainnya"
UNKNOWN = "—"


def min_group_size(session: Session, *, policy: Policy) -> int:
    """Return the smallest group a breakdown may show for this policy (its kind's rule, else 5)."""
    rules = get_kind(session, kind_id=policy.kind_id).rules or {}
    return int(rules.get("evaluation_min_group_size", DEFAULT_MIN_GROUP))


def years_band(years: int | None) -> str:
    """Return the band a number of years of service falls in ("—" when not given)."""
    if years is None:
        return UNKNOWN
    return next((label for low, high, label in YEAR_BANDS if low <= years <= high), YEAR_BANDS[-1][2])


def labels_for(dimension: str, *, units: Iterable[str]) -> list[str]:
    """Return every label a dimension can take (the population's units, every golongan, every band)."""
    if dimension == "unit":
        return sorted(u for u in set(units) if u)
    if dimension == "golongan":
        return list(GOLONGAN)
    return [label for _, _, label in YEAR_BANDS]


class GroupPublic(BaseModel):
    """One row of a breakdown: its figures, or none at all when it is hidden or merged."""

    label: str
    # None when hidden: the count of a small group is as telling as its index.
    respondents: int | None
    ikm: str | None
    category: Literal["A", "B", "C", "D"] | None
    status: Literal["shown", "suppressed", "merged", "other"]


class BreakdownPublic(BaseModel):
    """A breakdown of the index by one trait, with every group below `min_group_size` hidden."""

    dimension: Literal["unit", "golongan", "years"]
    min_group_size: int
    groups: list[GroupPublic]


@dataclass
class Tally:
    """Score sums and sheet counts per label, added one sheet at a time."""

    sums: dict[str, Counter[str]]
    counts: Counter[str]

    @classmethod
    def empty(cls) -> Tally:
        """Return a tally with nothing counted."""
        return cls(sums={}, counts=Counter())

    def add(self, label: str, answers: Mapping[str, int]) -> None:
        """Count one sheet under `label`."""
        self.counts[label] += 1
        sums = self.sums.setdefault(label, Counter())
        for code in ikm.UNSUR_CODES:
            sums[code] += answers[code]


def split(
    tally: Tally, *, minimum: int
) -> tuple[dict[str, ikm.IkmResult], list[str], list[str], ikm.IkmResult | None, int]:
    """Return (shown groups, suppressed labels, merged-too labels, the merge's result, the merge's size)."""
    shown = {u for u, n in tally.counts.items() if n >= minimum}
    small = [u for u, n in tally.counts.items() if 0 < n < minimum]
    merged: list[str] = []
    size = sum(tally.counts[u] for u in small)
    # Secondary suppression: a merge below the minimum takes in the smallest shown groups.
    while 0 < size < minimum and shown:
        smallest = min(shown, key=lambda u: (tally.counts[u], u))
        shown.discard(smallest)
        merged.append(smallest)
        size += tally.counts[smallest]
    pooled: Counter[str] = Counter()
    for u in small + merged:
        pooled.update(tally.sums[u])
    result = ikm.compute(pooled, respondents=size) if size >= minimum else None
    figures = {u: ikm.compute(tally.sums[u], respondents=tally.counts[u]) for u in shown}
    return figures, small, merged, result, size


def breakdown(dimension: str, tally: Tally, *, labels: list[str], minimum: int) -> BreakdownPublic:
    """Return a breakdown listing every label: figures when big enough, hidden otherwise."""
    figures, _small, merged, pooled, size = split(tally, minimum=minimum)
    everything = labels + sorted(set(tally.counts) - set(labels))
    groups = []
    for label in everything:
        if label in figures:
            r = figures[label]
            groups.append(
                GroupPublic(
                    label=label,
                    respondents=r.respondents,
                    ikm=str(r.index),
                    category=r.category.letter,  # type: ignore[arg-type]
                    status="shown",
                )
            )
        else:
            # A label nobody of the group answered under looks the same as a small one: both "< n".
            status = "merged" if label in merged else "suppressed"
            groups.append(GroupPublic(label=label, respondents=None, ikm=None, category=None, status=status))
    # The merged row is there whenever anything is hidden, even a group nobody answered in.
    if any(g.status != "shown" for g in groups):
        groups.append(
            GroupPublic(
                label=OTHER,
                respondents=size if pooled is not None else None,
                ikm=str(pooled.index) if pooled is not None else None,
                category=pooled.category.letter if pooled is not None else None,  # type: ignore[arg-type]
                status="other",
            )
        )
    return BreakdownPublic(dimension=dimension, min_group_size=minimum, groups=groups)  # type: ignore[arg-type]
