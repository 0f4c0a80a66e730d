"""A follower's notice preference governs the stage news they get, once per stage change; duties stay."""

from __future__ import annotations

from sqlmodel import Session, select

from policies.accounts.actions import actor_of
from policies.accounts.models import Account
from policies.core.db import unit_of_work
from policies.digest import preferences
from policies.digest.models import DigestEvent
from policies.lifecycle.models import Stage
from policies.outbox.models import Reminder
from tests import lifecycle_walk as walk


def _templates(s: Session, *, account: Account) -> list[str]:
    stmt = select(Reminder.template).where(Reminder.recipient_account_id == account.id)
    return sorted(set(s.exec(stmt)))


def _stage_news(s: Session, *, account: Account) -> list[str]:
    """The immediate follower notices of a new stage an account got (a version's are another event)."""
    stmt = select(Reminder.context).where(
        Reminder.recipient_account_id == account.id, Reminder.template == "policy_event"
    )
    return [c["text"] for c in s.exec(stmt) if c["kind"] == "stage"]


def _stage_events(s: Session, *, account: Account) -> list[str]:
    stmt = select(DigestEvent.context).where(
        DigestEvent.account_id == account.id, DigestEvent.kind == "stage"
    )
    return [c["text"] for c in s.exec(stmt)]


def test_a_followers_stage_preference_governs_the_stage_news_and_never_drops_a_duty(
    db: str, catalog: None
) -> None:
    people = walk.add_people(db)
    daily, quiet, eager, bystander = (people[k] for k in ("public", "asn", "asn_en", "union"))
    with unit_of_work(db) as s:
        for who in (daily, quiet, eager):
            preferences.follow(s, actor=actor_of(who), slug=walk.SLUG)
        preferences.set_preferences(s, actor=actor_of(daily), cadences={"stage": "daily"})
        preferences.set_preferences(s, actor=actor_of(quiet), cadences={"stage": "off"})
        # Not a follower: the preference is about news of followed policies, so the role's notice stays.
        preferences.set_preferences(s, actor=actor_of(bystander), cadences={"stage": "off"})
    actor, c = walk.drafter(people), walk.clock()
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    walk.prepare_consultation(db, actor=actor, c=c)
    walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.start)

    with unit_of_work(db) as s:
        # A daily digest for a new stage: the digest tells of it, no immediate "consultation opened".
        assert "consultation_opened" not in _templates(s, account=daily)
        assert _stage_events(s, account=daily) == [
            "Memasuki tahap Lokakarya.",
            "Memasuki tahap Konsultasi publik.",
        ]
        # Not at all: neither the role's news nor an event (the workshop invitation is a duty: kept).
        assert "consultation_opened" not in _templates(s, account=quiet)
        assert "workshop_invitation" in _templates(s, account=quiet)
        assert _stage_events(s, account=quiet) == []
        # Immediately: the role's notice tells of each change, and no second follower notice does.
        assert {"consultation_opened", "workshop_invitation"} <= set(_templates(s, account=eager))
        assert _stage_news(s, account=eager) == []
        assert "consultation_opened" in _templates(s, account=bystander)

    with unit_of_work(db) as s:
        # Now immediately: no role's notice tells a member of the public of the adoption, so the
        # follower notice does, once (email and inbox).
        preferences.set_preferences(s, actor=actor_of(daily), cadences={"stage": "immediate"})
    walk.prepare_socialization(db, actor=actor, c=c, comment_id=walk.add_comment(db, c=c))
    walk.advance(db, Stage.SOCIALIZATION, actor=actor, now=c.closed)
    with unit_of_work(db) as s:
        # The duty to acknowledge reaches the ASN who wants no stage news; the adoption news does not.
        assert "acknowledgement_request" in _templates(s, account=quiet)
        assert "policy_adopted" not in _templates(s, account=quiet)
        told = _templates(s, account=eager)
        assert {"policy_adopted", "acknowledgement_request"} <= set(told)
        assert _stage_news(s, account=eager) == []
        stmt = select(Reminder.channel, Reminder.context).where(
            Reminder.recipient_account_id == daily.id, Reminder.template == "policy_event"
        )
        news = [(str(ch), ctx["text"]) for ch, ctx in s.exec(stmt) if ctx["kind"] == "stage"]
    assert sorted(news) == [
        ("email", "Memasuki tahap Sosialisasi."),
        ("inbox", "Memasuki tahap Sosialisasi."),
    ]
