"""The bench's walk of copies of a catalogue policy through every stage: the tests' walk, one copy per slug.

Just enough evidence for each gate, written through the domain actions (tests/lifecycle_walk.py), so
each stage's flow has its real work to do when it is timed: each copy's stage flow is timed on its
first run, as a dispatched stage event runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from policies.accounts.access import Actor
from policies.accounts.models import Account, Role
from policies.core.db import unit_of_work
from policies.lifecycle import actions as lifecycle
from policies.lifecycle.models import Stage, StageEvent
from tests import lifecycle_walk as walk

KIND = "kebijakan-kepegawaian"
UNIT = walk.UNIT


@dataclass
class Walk:
    """The walked copy, its database, its drafter and the walk's moments (relative to now)."""

    slug: str
    db: str
    drafter: Actor
    clock: walk.Clock

    def advance(self, to: Stage, *, now: datetime, reason: str = "bench") -> StageEvent:
        """Move the copy on as its drafter."""
        return walk.advance(self.db, to, actor=self.drafter, now=now, reason=reason, slug=self.slug)

    def latest_event(self) -> StageEvent:
        """Return the copy's newest stage event."""
        return walk.latest_event(self.db, slug=self.slug)

    def prepare_consultation(self) -> None:
        """Hold two workshops with minutes, publish the draft, schedule a 21-day window."""
        walk.prepare_consultation(self.db, actor=self.drafter, c=self.clock, slug=self.slug)

    def prepare_socialization(self) -> None:
        """Post a comment, answer it, publish the report and record the adoption."""
        comment_id = walk.add_comment(self.db, c=self.clock, slug=self.slug)
        walk.prepare_socialization(
            self.db, actor=self.drafter, c=self.clock, comment_id=comment_id, slug=self.slug
        )

    def prepare_evaluation(self) -> None:
        """Hold a socialization session reaching the whole audience."""
        walk.prepare_evaluation(self.db, actor=self.drafter, c=self.clock, slug=self.slug)

    def prepare_revision(self) -> None:
        """Close the round with its report and record a missed indicator."""
        walk.prepare_revision(self.db, c=self.clock, slug=self.slug)


def start(db: str, *, slugs: list[str]) -> list[Walk]:
    """Add one drafter and a copy of the catalogue kind's example policy per slug, started a minute ago."""
    with unit_of_work(db) as s:
        account = Account(email="rina@bench.example.id", name="Rina", role=Role.DRAFTER, unit=UNIT)
        account.password_hash = "x"
        s.add(account)
        s.flush()
        actor = Actor(id=account.id, name=account.name, role=Role.DRAFTER, unit=UNIT)
        for slug in slugs:
            lifecycle.create_policy(
                s,
                actor=actor,
                slug=slug,
                title=f"Kebijakan Kepegawaian ASN (bench {slug})",
                kind_code=KIND,
                region="Kota Tangerang Selatan",
                unit=UNIT,
                audience_size=8500,
            )
    moments = walk.clock()
    return [Walk(slug=slug, db=db, drafter=actor, clock=moments) for slug in slugs]
