"""Digests: who hears about a policy, per kind of event, immediately, in a daily or weekly digest, or not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from policies.accounts.access import Actor
from policies.accounts.actions import actor_of
from policies.accounts.models import Account
from policies.consultation import comments
from policies.consultation.models import Outcome
from policies.core.db import unit_of_work
from policies.core.errors import InvalidInput
from policies.digest import preferences
from policies.digest.digests import period_start, send_digests
from policies.digest.models import Cadence, DigestEvent, EventKind
from policies.drafting.queries import clauses_of, latest_version
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from policies.outbox.models import Channel, Reminder
from tests import lifecycle_walk as walk

# A Monday morning in Jakarta: the daily digest goes out from Tuesday 00:00 WIB, the weekly the next Monday.
MONDAY = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


def _reminders(s: Session, *, account: Account, template: str) -> list[Reminder]:
    stmt = select(Reminder).where(Reminder.recipient_account_id == account.id, Reminder.template == template)
    return list(s.exec(stmt.order_by(Reminder.id)))


def _events(s: Session, *, account: Account) -> list[DigestEvent]:
    return list(
        s.exec(select(DigestEvent).where(DigestEvent.account_id == account.id).order_by(DigestEvent.id))
    )


def test_the_period_starts_at_local_midnight_and_on_monday() -> None:
    tuesday_night = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)  # Wednesday 01:00 WIB
    assert period_start(cadence=Cadence.DAILY, now=tuesday_night) == datetime(2026, 12, 8, 17, 0, tzinfo=UTC)
    assert period_start(cadence=Cadence.WEEKLY, now=tuesday_night) == datetime(2026, 12, 6, 17, 0, tzinfo=UTC)


def test_preferences_default_to_immediately_and_refuse_unknown_choices(db: str, catalog: None) -> None:
    people = walk.add_people(db)
    citizen = actor_of(people["public"])
    with unit_of_work(db) as s:
        assert set(preferences.preferences(s, actor=citizen).values()) == {Cadence.IMMEDIATE}
        chosen = preferences.set_preferences(s, actor=citizen, cadences={"stage": "daily", "answer": "off"})
        assert chosen[EventKind.STAGE] is Cadence.DAILY and chosen[EventKind.ANSWER] is Cadence.OFF
        assert chosen[EventKind.REPLY] is Cadence.IMMEDIATE
        try:
            preferences.set_preferences(s, actor=citizen, cadences={"stage": "hourly"})
        except InvalidInput as refusal:
            assert refusal.field == "stage" and "hourly" in str(refusal)
        else:
            raise AssertionError("an unknown cadence was accepted")
        follow = preferences.follow(s, actor=citizen, slug=walk.SLUG)
        assert preferences.follow(s, actor=citizen, slug=walk.SLUG).id == follow.id  # twice is once
        assert preferences.is_following(s, actor=citizen, slug=walk.SLUG)
        assert preferences.unfollow(s, actor=citizen, slug=walk.SLUG)
        assert not preferences.is_following(s, actor=citizen, slug=walk.SLUG)


def test_stage_and_version_events_follow_each_persons_cadence_and_are_digested_once(
    db: str, catalog: None
) -> None:
    people = walk.add_people(db)
    citizen, expat, union = (actor_of(people[k]) for k in ("public", "asn_en", "union"))
    with unit_of_work(db) as s:
        for who in (citizen, expat, union):
            preferences.follow(s, actor=who, slug=walk.SLUG)
        preferences.set_preferences(s, actor=citizen, cadences={"stage": "daily", "version": "weekly"})
        preferences.set_preferences(s, actor=union, cadences={"stage": "off", "version": "off"})
    drafter = walk.drafter(people)
    walk.advance(db, Stage.WORKSHOP, actor=drafter, now=MONDAY)
    with unit_of_work(db) as s:
        from policies.drafting import versions as drafts

        number = latest_version(s, policy_id=get_policy(s, slug=walk.SLUG).id).number  # type: ignore[arg-type]
        drafts.publish_version(
            s, actor=drafter, slug=walk.SLUG, number=number, now=MONDAY + timedelta(hours=1)
        )

    with unit_of_work(db) as s:
        # Immediately: a notice by email and in the inbox, now, for each event; the new stage is told
        # by the workshop invitation John gets as an ASN, so no second notice tells it again.
        now_notices = _reminders(s, account=people["asn_en"], template="policy_event")
        assert sorted((r.channel, r.context["kind"]) for r in now_notices) == [
            (Channel.EMAIL, "version"),
            (Channel.INBOX, "version"),
        ]
        assert _reminders(s, account=people["asn_en"], template="workshop_invitation")
        # Daily and weekly: no notice now, an event each for the digest.
        assert _reminders(s, account=people["public"], template="policy_event") == []
        events = _events(s, account=people["public"])
        assert [(e.kind, e.cadence) for e in events] == [("stage", "daily"), ("version", "weekly")]
        assert events[0].context["text"] == "Memasuki tahap Lokakarya." and events[0].digested_at is None
        # Off: nothing at all.
        assert _events(s, account=people["union"]) == []
        assert _reminders(s, account=people["union"], template="policy_event") == []

        assert send_digests(s, now=MONDAY + timedelta(hours=2)) == 0  # the day is not over
        tuesday = MONDAY + timedelta(days=1)
        assert send_digests(s, now=tuesday) == 1
        assert send_digests(s, now=tuesday + timedelta(hours=5)) == 0  # never the same event twice
        digests = _reminders(s, account=people["public"], template="digest")
        assert sorted(r.channel for r in digests) == [Channel.EMAIL, Channel.INBOX]
        assert digests[0].context["cadence"] == "daily" and [
            e["kind"] for e in digests[0].context["events"]
        ] == ["stage"]
        stage, version = _events(s, account=people["public"])
        assert stage.digested_at == tuesday and stage.digest_key.startswith("digest:daily:2026-12-08:")
        assert version.digested_at is None  # weekly: waits for the week to end

        next_monday = MONDAY + timedelta(days=7)
        assert send_digests(s, now=next_monday) == 1
        weekly = [
            r
            for r in _reminders(s, account=people["public"], template="digest")
            if r.id not in {d.id for d in digests}
        ]
        assert {r.context["cadence"] for r in weekly} == {"weekly"} and len(weekly) == 2
        assert [e["text_en"] for e in weekly[0].context["events"]] == [f"Version {number} was published."]
        assert send_digests(s, now=next_monday + timedelta(days=1)) == 0


def test_answers_and_replies_reach_the_comments_author_as_chosen(db: str, catalog: None) -> None:
    drafter, c = walk.to_consultation(db)
    with unit_of_work(db) as s:
        accounts = {a.email: a for a in s.exec(select(Account))}
    citizen = actor_of(accounts["warga@example.id"])
    expat = actor_of(accounts["expat@pemkot.example.id"])
    asn: Actor = actor_of(accounts["asn@pemkot.example.id"])
    with unit_of_work(db) as s:
        preferences.set_preferences(s, actor=citizen, cadences={"answer": "off", "reply": "daily"})
        policy = get_policy(s, slug=walk.SLUG)
        key = clauses_of(s, version_id=latest_version(s, policy_id=policy.id, published=True).id)[0].key  # type: ignore[arg-type, union-attr]
        mine = comments.create_comment(
            s, actor=citizen, slug=walk.SLUG, clause_key=key, body="Mohon dirinci.", now=c.comment_at
        )
        theirs = comments.create_comment(
            s, actor=expat, slug=walk.SLUG, clause_key=key, body="Please detail.", now=c.comment_at
        )
        comments.create_reply(
            s, actor=asn, slug=walk.SLUG, parent_id=mine.id, body="Setuju.", now=c.comment_at
        )  # type: ignore[arg-type]
        comments.create_reply(
            s, actor=asn, slug=walk.SLUG, parent_id=theirs.id, body="Agree.", now=c.comment_at
        )  # type: ignore[arg-type]
        comments.create_reply(
            s, actor=citizen, slug=walk.SLUG, parent_id=mine.id, body="Terima kasih.", now=c.comment_at
        )  # type: ignore[arg-type]
    with unit_of_work(db) as s:
        for comment_id in (mine.id, theirs.id):
            comments.dispose(
                s,
                actor=drafter,
                slug=walk.SLUG,
                comment_id=comment_id,
                outcome=Outcome.NOTED,
                reason="Dicatat.",
                now=c.closed,  # type: ignore[arg-type]
            )
    with unit_of_work(db) as s:
        me, them = accounts["warga@example.id"], accounts["expat@pemkot.example.id"]
        # The citizen: the answer not at all, the reply (one: not their own) in the daily digest.
        assert _reminders(s, account=me, template="comment_answered") == []
        assert [(e.kind, e.cadence) for e in _events(s, account=me)] == [("reply", "daily")]
        assert _reminders(s, account=me, template="policy_event") == []
        # The default, immediately: the answer's notice as before, the reply's notice now.
        assert len(_reminders(s, account=them, template="comment_answered")) == 1
        assert {r.context["kind"] for r in _reminders(s, account=them, template="policy_event")} == {"reply"}
        assert _events(s, account=them) == []
