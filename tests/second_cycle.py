"""A catalogue policy whose first cycle's report is published and whose second cycle's consultation
is open now: shared by the domain, API and browser tests of the public record (issue 20)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation import comments
from policies.consultation import windows as consultation
from policies.core.db import unit_of_work, utcnow
from policies.drafting import revision
from policies.drafting import versions as drafts
from policies.drafting.queries import clauses_of, latest_version
from policies.evaluation.models import SurveyRound
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from tests import lifecycle_walk as walk

SLUG = walk.SLUG
FIRST_ANSWERED = "Mohon target 20 JP dirinci per jabatan."
FIRST_ANSWER = "Dirinci pada Pasal 5."
FIRST_HIDDEN = "Teks kasar yang disembunyikan."
HIDDEN_REASON = "Bahasa kasar"
SECOND_COMMENT = "Siklus kedua: mohon jam pelatihan daring dihitung."
MODERATOR = Actor(id=None, name="Maya Moderator", role=Role.MODERATOR)


@dataclass(frozen=True)
class SecondCycle:
    """What the record holds: the first cycle's comments and windows, the second's window and comment."""

    answered: int
    hidden: int
    first_window: int
    second_window: int
    second_comment: int
    drafter: Actor


def second_consultation(db: str) -> SecondCycle:
    """Walk cycle 1 (two months ago) to a published report, then open cycle 2's consultation now."""
    people = walk.add_people(db)
    actor = walk.drafter(people)
    c = walk.Clock(start=utcnow().replace(microsecond=0) - timedelta(days=90))
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    walk.prepare_consultation(db, actor=actor, c=c)
    walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.start)
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        key = clauses_of(s, version_id=latest_version(s, policy_id=policy.id, published=True).id)[0].key
        answered = comments.create_comment(
            s, actor=walk.CITIZEN, slug=SLUG, clause_key=key, body=FIRST_ANSWERED, now=c.comment_at
        ).id
        hidden = comments.create_comment(
            s, actor=walk.CITIZEN, slug=SLUG, clause_key=key, body=FIRST_HIDDEN, now=c.comment_at
        ).id
        comments.set_hidden(
            s, actor=MODERATOR, slug=SLUG, comment_id=hidden, hidden=True, reason=HIDDEN_REASON
        )
        first_window = consultation.close_window(s, actor=actor, slug=SLUG, now=c.closed).id
    assert answered is not None and hidden is not None and first_window is not None
    walk.prepare_socialization(db, actor=actor, c=c, comment_id=answered)  # answers it, publishes the report
    walk.advance(db, Stage.SOCIALIZATION, actor=actor, now=c.closed)
    walk.prepare_evaluation(db, actor=actor, c=c)
    walk.advance(db, Stage.EVALUATION, actor=actor, now=c.closed)
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        s.add(
            SurveyRound(
                policy_id=policy.id,  # type: ignore[arg-type]
                cycle=1,
                number=1,
                opens_at=c.closed,
                closes_at=c.evaluated,
                closed_at=c.evaluated,
                report_published_at=c.evaluated,
            )
        )
    walk.advance(db, Stage.REVISION, actor=actor, now=c.evaluated)  # cycle 2 begins
    now = utcnow().replace(microsecond=0)
    with unit_of_work(db) as s:
        revision.start_revision_draft(s, slug=SLUG)
        number = latest_version(s, policy_id=get_policy(s, slug=SLUG).id).number
        drafts.publish_version(s, actor=actor, slug=SLUG, number=number, now=now)
        second_window = walk.schedule_window(
            s, actor=actor, opens_at=now - timedelta(minutes=1), number=number, now=now
        ).id
    walk.advance(db, Stage.CONSULTATION, actor=actor, now=now)
    with unit_of_work(db) as s:
        version = latest_version(s, policy_id=get_policy(s, slug=SLUG).id, published=True)
        key = clauses_of(s, version_id=version.id)[0].key
        second_comment = comments.create_comment(
            s, actor=walk.CITIZEN, slug=SLUG, clause_key=key, body=SECOND_COMMENT, now=now
        ).id
    assert second_window is not None and second_comment is not None
    return SecondCycle(answered, hidden, first_window, second_window, second_comment, actor)
