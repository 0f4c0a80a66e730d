"""The bench's own walk of copies of a catalogue policy through every stage (the tests keep theirs).

Just enough evidence for each gate, written through the domain actions, so each stage's flow has its
real work to do when it is timed: each copy's stage flow is timed on its first run, as a dispatched
stage event runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from policies.accounts.access import SYSTEM, Actor
from policies.accounts.models import Account, Role
from policies.consultation import comments
from policies.consultation import windows as consultation
from policies.consultation.models import Outcome
from policies.core.db import unit_of_work, utcnow
from policies.drafting import versions as drafts
from policies.drafting.queries import clauses_of, latest_version
from policies.evaluation import rounds
from policies.evaluation.models import Indicator, Measurement, SurveyRound
from policies.lifecycle import actions as lifecycle
from policies.lifecycle.models import Stage, StageEvent
from policies.lifecycle.queries import get_policy
from policies.rollout import actions as rollout
from policies.workshops import actions as workshops

KIND = "kebijakan-kepegawaian"
UNIT = "BKPSDM Kota Tangerang Selatan"
CITIZEN = Actor(id=None, name="Warga Bench", role=Role.STAKEHOLDER, group="public")


@dataclass
class Walk:
    """The walked policy, its database, its drafter and the walk's moments (relative to now)."""

    slug: str
    db: str
    drafter: Actor
    start: datetime

    @property
    def closed(self) -> datetime:
        """A moment after the consultation window closed."""
        return self.start + timedelta(days=22)

    @property
    def evaluated(self) -> datetime:
        """A moment after the evaluation round."""
        return self.start + timedelta(days=60)

    def advance(self, to: Stage, *, now: datetime, reason: str = "bench") -> StageEvent:
        """Move the policy on as its drafter."""
        with unit_of_work(self.db) as s:
            return lifecycle.advance(
                s, actor=self.drafter, slug=self.slug, to_stage=to, reason=reason, now=now
            )

    def latest_event(self) -> StageEvent:
        """Return the policy's newest stage event."""
        with unit_of_work(self.db) as s:
            policy = get_policy(s, slug=self.slug)
            stmt = select(StageEvent).where(StageEvent.policy_id == policy.id)
            return s.exec(stmt.order_by(sa.desc(StageEvent.id))).first()  # type: ignore[return-value]

    def prepare_consultation(self) -> None:
        """Hold two workshops with minutes, publish the draft, schedule a 21-day window."""
        a = self.drafter
        with unit_of_work(self.db) as s:
            key = clauses_of(s, version_id=latest_version(s, policy_id=get_policy(s, slug=self.slug).id).id)[
                0
            ].key
            for n in (1, 2):
                w = workshops.schedule_workshop(
                    s, actor=a, slug=self.slug, title=f"Lokakarya {n}", starts_at=self.start, location="Aula"
                )
                workshops.record_minutes(s, actor=a, slug=self.slug, workshop_id=w.id, minutes="Notula.")
            workshops.add_outcome(
                s, actor=a, slug=self.slug, workshop_id=w.id, text="Rinci target.", clause_key=key
            )
            number = latest_version(s, policy_id=get_policy(s, slug=self.slug).id).number
            drafts.publish_version(s, actor=a, slug=self.slug, number=number, now=self.start)
            consultation.open_window(
                s,
                actor=a,
                slug=self.slug,
                version_number=number,
                opens_at=self.start,
                closes_at=self.start + timedelta(days=21),
            )

    def prepare_socialization(self) -> None:
        """Post a comment, answer it, publish the report and record the adoption."""
        a = self.drafter
        with unit_of_work(self.db) as s:
            policy = get_policy(s, slug=self.slug)
            key = clauses_of(s, version_id=latest_version(s, policy_id=policy.id, published=True).id)[0].key
            comment = comments.create_comment(
                s, actor=CITIZEN, slug=self.slug, clause_key=key, body="Mohon dirinci.", now=self.start
            )
        with unit_of_work(self.db) as s:
            comments.dispose(
                s,
                actor=a,
                slug=self.slug,
                comment_id=comment.id,  # type: ignore[arg-type]
                outcome=Outcome.ACCEPTED,
                reason="Dirinci pada Pasal 5.",
                now=self.closed,
            )
            consultation.publish_report(s, actor=a, slug=self.slug, now=self.closed)
            number = latest_version(s, policy_id=get_policy(s, slug=self.slug).id, published=True).number
            rollout.record_adoption(
                s,
                actor=a,
                slug=self.slug,
                version_number=number,
                instrument_type="Peraturan Wali Kota",
                number="45",
                adopted_on=date(2026, 9, 10),
                signed_by="Wali Kota",
            )

    def prepare_evaluation(self) -> None:
        """Hold a socialization session reaching the whole audience."""
        with unit_of_work(self.db) as s:
            rollout.add_session(
                s,
                actor=self.drafter,
                slug=self.slug,
                title="Sosialisasi",
                held_on=self.closed.date(),
                attendance_count=7000,
            )

    def prepare_revision(self) -> None:
        """Close the round with its report and record a missed indicator."""
        with unit_of_work(self.db) as s:
            policy = get_policy(s, slug=self.slug)
            survey = s.exec(select(SurveyRound).where(SurveyRound.policy_id == policy.id)).one()
            rounds.close_round(s, actor=SYSTEM, round_id=survey.id, now=self.evaluated)  # type: ignore[arg-type]
            indicator = s.exec(select(Indicator).where(Indicator.policy_id == policy.id)).first()
            assert indicator is not None  # the catalogue kind defines indicators
            s.add(
                Measurement(
                    indicator_id=indicator.id,  # type: ignore[arg-type]
                    value=0.0,
                    measured_on=self.evaluated.date(),
                    note="bench",
                )
            )


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
    begun = utcnow().replace(microsecond=0) - timedelta(minutes=1)
    return [Walk(slug=slug, db=db, drafter=actor, start=begun) for slug in slugs]
