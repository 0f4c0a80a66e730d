"""A catalogue policy walked through its stages on a real database: shared by the tests and the flow bench."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from policies.accounts.access import SYSTEM, Actor
from policies.accounts.models import Account, Role
from policies.consultation import changes, comments
from policies.consultation import windows as consultation
from policies.consultation.models import ConsultationWindow, Disposition, Outcome
from policies.core.db import get_engine, unit_of_work, utcnow
from policies.drafting import versions as drafts
from policies.drafting.queries import clauses_of, latest_version
from policies.evaluation import rounds
from policies.evaluation.models import Indicator, Measurement, SurveyRound
from policies.lifecycle import actions as lifecycle
from policies.lifecycle.models import Stage, StageEvent
from policies.lifecycle.queries import get_policy
from policies.rollout import actions as rollout
from policies.rollout.models import Adoption
from policies.tables import metadata
from policies.workshops import actions as workshops
from policies.workshops.models import Workshop

SLUG = "perwal-kebijakan-kepegawaian-asn-2026"
UNIT = "BKPSDM Kota Tangerang Selatan"
CITIZEN = Actor(id=None, name="Budi Warga", role=Role.STAKEHOLDER, group="public")


@dataclass
class Clock:
    """The walk's moments, relative to now (stage tasks read the real clock)."""

    start: datetime

    @property
    def comment_at(self) -> datetime:
        return self.start + timedelta(hours=1)

    @property
    def closed(self) -> datetime:
        return self.start + timedelta(days=22)

    @property
    def evaluated(self) -> datetime:
        return self.start + timedelta(days=60)


def clock() -> Clock:
    """Start the walk a minute ago, so windows opened 'now' are already open."""
    return Clock(start=utcnow().replace(microsecond=0) - timedelta(minutes=1))


def add_people(db: str) -> dict[str, Account]:
    """Create a drafter, the unit head, two ASN (id, en), a union member and a member of the public."""
    people = {
        "drafter": Account(
            email="rina@bkpsdm.example.id", name="Rina Perancang", role=Role.DRAFTER, unit=UNIT
        ),
        "head": Account(email="kepala@bkpsdm.example.id", name="Kepala BKPSDM", role=Role.ADMIN, unit=UNIT),
        "asn": Account(email="asn@pemkot.example.id", name="Sari ASN", role=Role.STAKEHOLDER, group="asn"),
        "asn_en": Account(
            email="expat@pemkot.example.id", name="John ASN", role=Role.STAKEHOLDER, group="asn", locale="en"
        ),
        "union": Account(email="korpri@example.id", name="Korpri", role=Role.STAKEHOLDER, group="union"),
        "public": Account(email="warga@example.id", name="Budi Warga", role=Role.STAKEHOLDER, group="public"),
    }
    with unit_of_work(db) as s:
        for account in people.values():
            account.password_hash = "x"
            account.email_verified_at = utcnow()  # made as an admin makes accounts: verified
            s.add(account)
        s.flush()
    return people


def drafter(people: dict[str, Account]) -> Actor:
    """Act as the drafter account."""
    a = people["drafter"]
    return Actor(id=a.id, name=a.name, role=Role.DRAFTER, unit=UNIT)


def advance(
    db: str, to: Stage, *, actor: Actor, now: datetime, reason: str = "", slug: str = SLUG
) -> StageEvent:
    """Advance the walked policy."""
    with unit_of_work(db) as s:
        return lifecycle.advance(s, actor=actor, slug=slug, to_stage=to, reason=reason, now=now)


def latest_event(db: str, *, slug: str = SLUG) -> StageEvent:
    """Return the walked policy's newest stage event."""
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=slug)
        return s.exec(
            select(StageEvent).where(StageEvent.policy_id == policy.id).order_by(sa.desc(StageEvent.id))
        ).first()  # type: ignore[return-value]


def hold_workshops(s: Session, *, actor: Actor, at: datetime, slug: str = SLUG, **where: str) -> Workshop:
    """Hold the walked policy's two workshops (at a place or online), with minutes; return the second."""
    for n in (1, 2):
        w = workshops.schedule_workshop(
            s, actor=actor, slug=slug, title=f"Lokakarya {n}", starts_at=at, **where
        )
        workshops.record_minutes(s, actor=actor, slug=slug, workshop_id=w.id, minutes="Notula rapat.")  # type: ignore[arg-type]
    return w


def schedule_window(
    s: Session,
    *,
    actor: Actor,
    opens_at: datetime,
    days: int = 21,
    number: int = 1,
    now: datetime | None = None,
    slug: str = SLUG,
) -> ConsultationWindow:
    """Schedule a consultation window of the walked policy's version, `days` long."""
    closes_at = opens_at + timedelta(days=days)
    return consultation.open_window(
        s, actor=actor, slug=slug, version_number=number, opens_at=opens_at, closes_at=closes_at, now=now
    )


def answer(s: Session, *, actor: Actor, comment_id: int, now: datetime, slug: str = SLUG) -> Disposition:
    """Accept a comment of the walked policy, with the reason the walk gives and why its text stays."""
    row = comments.dispose(
        s,
        actor=actor,
        slug=slug,
        comment_id=comment_id,
        outcome=Outcome.ACCEPTED,
        reason="Dirinci pada Pasal 5.",
        now=now,
    )
    # Pasal 5 already says it: the accepted comment changes no text, and the gate before adoption
    # asks for that reason.
    changes.state_unchanged(
        s, actor=actor, slug=slug, comment_id=comment_id, reason="Pasal 5 sudah merinci target 20 JP."
    )
    return row


def adopt(s: Session, *, actor: Actor, number: int = 1, slug: str = SLUG) -> Adoption:
    """Record the walked policy's adoption of a published version (Perwal 45)."""
    return rollout.record_adoption(
        s,
        actor=actor,
        slug=slug,
        version_number=number,
        instrument_type="Peraturan Wali Kota",
        number="45",
        adopted_on=date(2026, 9, 10),
        signed_by="Wali Kota Tangerang Selatan",
    )


def prepare_consultation(db: str, *, actor: Actor, c: Clock, slug: str = SLUG) -> None:
    """Hold two workshops with minutes (one outcome), publish version 1, schedule a 21-day window."""
    with unit_of_work(db) as s:
        key = clauses_of(s, version_id=latest_version(s, policy_id=get_policy(s, slug=slug).id).id)[0].key
        w = hold_workshops(s, actor=actor, at=c.start, slug=slug, location="Aula BKPSDM")
        workshops.add_outcome(
            s, actor=actor, slug=slug, workshop_id=w.id, text="Target JP perlu dirinci.", clause_key=key
        )
        number = latest_version(s, policy_id=get_policy(s, slug=slug).id).number
        drafts.publish_version(s, actor=actor, slug=slug, number=number, now=c.start)
        schedule_window(s, actor=actor, opens_at=c.start, number=number, slug=slug)


def to_consultation(db: str) -> tuple[Actor, Clock]:
    """Add the people and walk the policy into an open consultation; return the drafter and the clock."""
    people = add_people(db)
    actor, c = drafter(people), clock()
    advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    prepare_consultation(db, actor=actor, c=c)
    advance(db, Stage.CONSULTATION, actor=actor, now=c.start)
    return actor, c


def add_comment(db: str, *, c: Clock, slug: str = SLUG) -> int:
    """Post one public comment on the first clause."""
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=slug)
        key = clauses_of(s, version_id=latest_version(s, policy_id=policy.id, published=True).id)[0].key
        comment = comments.create_comment(
            s, actor=CITIZEN, slug=slug, clause_key=key, body="Mohon target 20 JP dirinci.", now=c.comment_at
        )
        return comment.id  # type: ignore[return-value]


def prepare_socialization(db: str, *, actor: Actor, c: Clock, comment_id: int, slug: str = SLUG) -> None:
    """Answer the comment, publish the report and record the adoption."""
    with unit_of_work(db) as s:
        answer(s, actor=actor, comment_id=comment_id, now=c.closed, slug=slug)
        consultation.publish_report(s, actor=actor, slug=slug, now=c.closed)
        number = latest_version(s, policy_id=get_policy(s, slug=slug).id, published=True).number
        adopt(s, actor=actor, number=number, slug=slug)


def prepare_evaluation(db: str, *, actor: Actor, c: Clock, slug: str = SLUG) -> None:
    """Hold a socialization session reaching the whole audience."""
    with unit_of_work(db) as s:
        rollout.add_session(
            s, actor=actor, slug=slug, title="Sosialisasi", held_on=c.closed.date(), attendance_count=7000
        )


def prepare_revision(db: str, *, c: Clock, slug: str = SLUG) -> None:
    """Close the cycle's survey round (JP per ASN short for it) with its report; a later value misses too."""
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=slug)
        survey = s.exec(select(SurveyRound).where(SurveyRound.policy_id == policy.id)).one()
        indicator = s.exec(
            select(Indicator).where(Indicator.policy_id == policy.id, Indicator.code == "jp_per_asn")
        ).one()
        s.add(
            Measurement(
                indicator_id=indicator.id,  # type: ignore[arg-type]
                round_id=survey.id,
                value=14.5,
                measured_on=c.evaluated.date(),
                note="Data SIASN untuk putaran 1.",
            )
        )
        s.flush()
        rounds.close_round(s, actor=SYSTEM, round_id=survey.id, now=c.evaluated)  # type: ignore[arg-type]
        # A value measured after the round: the round's recommendation, not this, becomes the note.
        s.add(
            Measurement(
                indicator_id=indicator.id,  # type: ignore[arg-type]
                value=15.5,
                measured_on=c.evaluated.date(),
                note="Data SIMPEG.",
            )
        )


def snapshot(db: str) -> dict[str, list[tuple[Any, ...]]]:
    """Dump every table's rows, so 'running twice changes nothing' is checked on everything."""
    engine = get_engine(db)
    with engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
            for t in metadata.sorted_tables
        }
