"""A survey round opening is news for the policy's followers, each as they chose to hear it."""

from __future__ import annotations

from sqlmodel import select

from policies.accounts.actions import actor_of
from policies.accounts.models import Account, Role
from policies.core.db import unit_of_work, utcnow
from policies.digest import preferences
from policies.digest.models import DigestEvent
from policies.outbox.models import Reminder
from tests.policies.evaluation.conftest import SLUG, open_now


def _follower(email: str) -> Account:
    return Account(
        email=email, name=email, password_hash="x", role=Role.STAKEHOLDER, email_verified_at=utcnow()
    )


def test_a_new_round_reaches_followers_now_weekly_or_not_at_all(
    db: str, in_evaluation: str, staff: dict
) -> None:
    with unit_of_work(db) as s:
        people = {k: _follower(f"{k}@warga.test") for k in ("now", "weekly", "off")}
        for account in people.values():
            s.add(account)
        s.flush()
        for key, account in people.items():
            preferences.follow(s, actor=actor_of(account), slug=SLUG)
            if key != "now":
                preferences.set_preferences(s, actor=actor_of(account), cadences={"survey": key})
        survey = open_now(s, staff["evaluator"])
        notices = s.exec(select(Reminder).where(Reminder.template == "policy_event")).all()
        assert {r.recipient_account_id for r in notices} == {people["now"].id}
        assert notices[0].context["text_en"].startswith(f"Survey round {survey.number} is open until ")
        events = s.exec(select(DigestEvent)).all()
        assert [(e.account_id, e.kind, e.cadence) for e in events] == [
            (people["weekly"].id, "survey", "weekly")
        ]
        open_now(s, staff["evaluator"])  # the open round again: no second event
        assert len(s.exec(select(DigestEvent)).all()) == 1
