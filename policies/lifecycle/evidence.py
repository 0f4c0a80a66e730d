"""The facts gates read: a plain snapshot, so gates stay pure and testable without a DB."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class KindRules:
    """Thresholds a policy kind sets for its gates (from the catalogue, not code)."""

    min_consultation_days: int = 14
    min_workshops: int = 1
    socialization_reach_target: float = 0.8
    evaluation_cadence_months: int = 12
    evaluation_escalation_days: int = 14

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> KindRules:
        """Build rules from a kind's `rules` mapping, ignoring keys gates do not use."""
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


@dataclass(frozen=True)
class WindowFacts:
    """The current cycle's latest consultation window."""

    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    report_published_at: datetime | None
    version_published: bool


@dataclass(frozen=True)
class AdoptionFacts:
    """The adoption recorded for the current cycle."""

    instrument_type: str
    number: str
    adopted_on: date


@dataclass(frozen=True)
class UntracedComment:
    """An accepted comment with neither a linked change of the text nor a reason the text stayed."""

    comment_id: int
    clause: str  # how the consulted text names its clause ("Pasal 6"), or "" when it has none


@dataclass(frozen=True)
class Evidence:
    """Everything the gates of one policy need to know, at one moment."""

    now: datetime
    rules: KindRules
    cycle: int
    draft_versions: int = 0
    published_versions: int = 0
    workshops_with_minutes: int = 0
    window: WindowFacts | None = None
    comments_open: int = 0
    comments_without_disposition: int = 0
    untraced_acceptances: tuple[UntracedComment, ...] = ()
    adoption: AdoptionFacts | None = None
    socialization_sessions: int = 0
    attendance_total: int = 0
    acknowledgements: int = 0
    audience_size: int = 0
    closed_rounds_with_report: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def reach(self) -> float:
        """Share of the audience reached: the larger of two lower bounds of people reached."""
        if self.audience_size <= 0:
            return 0.0
        reached = max(self.attendance_total, self.acknowledgements)
        return min(1.0, reached / self.audience_size)
