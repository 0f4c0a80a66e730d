"""The catalogue policy brought to the roll-out's doorstep through the domain: shared by the page and
browser tests of adoption, socialization and mentoring (issue 22)."""

from __future__ import annotations

from datetime import timedelta

from policies.accounts.access import Actor
from policies.consultation import windows as consultation
from policies.core.db import unit_of_work, utcnow
from policies.lifecycle.models import Stage
from tests import lifecycle_walk as walk

SLUG = walk.SLUG


def closed_consultation(db: str, *, actor: Actor) -> walk.Clock:
    """Walk the policy into consultation a month ago, close its window and publish the report."""
    c = walk.Clock(start=utcnow().replace(microsecond=0) - timedelta(days=30))
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    walk.prepare_consultation(db, actor=actor, c=c)
    walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.start)
    with unit_of_work(db) as s:
        consultation.close_window(s, actor=actor, slug=SLUG, now=c.closed)
        consultation.publish_report(s, actor=actor, slug=SLUG, now=c.closed)
    return c


def to_socialization(db: str, *, actor: Actor) -> None:
    """Walk the policy into socialization: the consultation closed, reported and adopted (Perwal 45)."""
    c = closed_consultation(db, actor=actor)
    with unit_of_work(db) as s:
        walk.adopt(s, actor=actor)
    walk.advance(db, Stage.SOCIALIZATION, actor=actor, now=c.closed)
