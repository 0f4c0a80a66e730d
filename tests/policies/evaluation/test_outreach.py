"""Invitations and reminders to respondents: personal links from the secret, none after close."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from sqlmodel import col, select

from policies.core.db import unit_of_work
from policies.core.errors import Conflict, NotAuthenticated
from policies.evaluation import population, responses, rounds
from policies.evaluation.models import SurveyRespondent
from policies.evaluation.tokens import derive_token, hash_token
from policies.lifecycle import entry_work as stage_actions
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from policies.outbox import delivery, notify
from policies.outbox.message_text import render_email
from policies.outbox.models import Channel, DeliveryState, Reminder
from tests.conftest import NOW
from tests.policies.evaluation.conftest import (
    SECRET,
    SLUG,
    UNIT,
    answers,
    open_at,
    open_now,
    populate,
)

BASE = "https://siklus.tangsel.go.id"
LINK = re.compile(r"https://siklus\.tangsel\.go\.id/survei\?token=(\S+)")


def _mail(db: str, template: str, *, email: str | None = None) -> list[Reminder]:
    with unit_of_work(db) as s:
        stmt = select(Reminder).where(Reminder.template == template, Reminder.channel == Channel.EMAIL)
        if email is not None:
            stmt = stmt.where(Reminder.recipient_email == email)
        return list(s.exec(stmt.order_by(col(Reminder.id))))


def _token_in(reminder: Reminder) -> str:
    """Render the message as the deliverer does and return the token of the link it carries."""
    _, body = render_email(reminder, base_url=BASE, secret=SECRET)
    found = LINK.findall(body)
    assert len(found) == 1, body
    assert parse_qs(urlparse(f"{BASE}/survei?token={found[0]}").query)["token"] == [found[0]]
    return found[0]


def test_the_invitation_link_answers_the_survey_once(db: str, in_evaluation: str, staff: dict) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"])
        issued = populate(s, staff["evaluator"], survey, n=2).issued
        stored = s.get(SurveyRespondent, issued[0].respondent_id)
        # Only the hash is stored; the plain token is the HMAC of round, respondent and salt.
        assert stored.token_hash == hash_token(issued[0].token) and issued[0].token not in stored.token_hash
        assert issued[0].token == derive_token(
            secret=SECRET, round_id=survey.id, respondent_id=stored.id, salt=stored.token_salt
        )
        assert stored.invited_at == NOW
    [invitation] = _mail(db, "survey_invitation", email="asn0@tangsel.go.id")
    assert issued[0].token not in str(invitation.context)  # the outbox row carries no token either
    subject, body = render_email(invitation, base_url=BASE, secret=SECRET)
    assert subject.startswith("[Siklus] Undangan survei evaluasi") and "ASN 0" in body
    token = _token_in(invitation)
    assert token == issued[0].token
    # Without the secret nobody can rebuild the link: the message says where to get it instead.
    _, blind = render_email(invitation, base_url=BASE)
    assert not LINK.search(blind) and "evaluator" in blind
    with unit_of_work(db) as s:
        responses.submit_response(s, token=token, answers=answers(4), now=NOW + timedelta(hours=1))
    with unit_of_work(db) as s, pytest.raises(Conflict, match="sudah dipakai"):
        responses.submit_response(s, token=token, answers=answers(4), now=NOW + timedelta(hours=2))


def test_accounts_are_invited_by_email_and_inbox_in_their_language(
    db: str, in_evaluation: str, staff: dict
) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"])
        population.add_accounts(s, actor=staff["evaluator"], round_id=survey.id, secret=SECRET, now=NOW)
        invitations = s.exec(select(Reminder).where(Reminder.template == "survey_invitation")).all()
    assert {(r.recipient_email, r.channel) for r in invitations} == {
        (email, channel)
        for email in ("drafter@tangsel.go.id", "evaluator@tangsel.go.id")
        for channel in (Channel.EMAIL, Channel.INBOX)
    }


def test_a_population_added_before_opening_is_invited_when_the_round_opens(
    db: str, in_evaluation: str, staff: dict
) -> None:
    opens = NOW + timedelta(days=2)
    with unit_of_work(db) as s:
        survey = open_at(s, staff["evaluator"], opens_at=opens, days=30)
        populate(s, staff["evaluator"], survey, n=3)
    assert _mail(db, "survey_invitation") == []  # not open yet
    with unit_of_work(db) as s:
        assert rounds.queue_respondent_reminders(s, now=NOW + timedelta(days=1)) == 0
    with unit_of_work(db) as s:
        assert rounds.queue_respondent_reminders(s, now=opens) == 3
    # Reminders count from the invitation, not from the upload.
    with unit_of_work(db) as s:
        assert rounds.queue_respondent_reminders(s, now=opens + timedelta(days=6)) == 0
    with unit_of_work(db) as s:
        assert rounds.queue_respondent_reminders(s, now=opens + timedelta(days=7)) == 3


def test_a_reminder_carries_a_link_that_works(db: str, in_evaluation: str, staff: dict) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"])
        populate(s, staff["evaluator"], survey, n=1)
    with unit_of_work(db) as s:
        assert rounds.queue_respondent_reminders(s, now=NOW + timedelta(days=7)) == 1
    [reminder] = _mail(db, "survey_reminder")
    reminder.locale = "en"  # detached: rendered in English without touching the row
    subject, body = render_email(reminder, base_url=BASE, secret=SECRET)
    assert subject == f"[Siklus] Survey reminder: {reminder.context['title']}"
    assert "reminder 1 of at most 3" in body
    with unit_of_work(db) as s:
        responses.submit_response(
            s, token=_token_in(reminder), answers=answers(), now=NOW + timedelta(days=7)
        )
    # Answering changes nothing sent: a reminder stopped for one person would tell the outbox's
    # reader who answered. The message says so, and where to check the receipt.
    assert "If you have already answered, thank you" in body and "/survei/tanda-terima" in body
    with unit_of_work(db) as s:
        assert rounds.queue_respondent_reminders(s, now=NOW + timedelta(days=14)) == 1


def test_a_reissued_link_invalidates_the_old_one(db: str, in_evaluation: str, staff: dict) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"])
        [old] = populate(s, staff["evaluator"], survey, n=1).issued
    [first] = _mail(db, "survey_invitation")
    assert _token_in(first) == old.token
    later = NOW + timedelta(days=3)
    with unit_of_work(db) as s:
        population.reissue_token(
            s,
            actor=staff["evaluator"],
            respondent_id=old.respondent_id,
            secret=SECRET,
            reason="Email undangan terhapus.",
            now=later,
        )
    # The old invitation, had it not gone out yet, never will; the notice of the reissue carries the
    # new link, to the respondent only (the evaluator got nothing back).
    [first_again] = _mail(db, "survey_invitation")
    [notice] = _mail(db, "survey_link_reissued")
    assert first_again.state == DeliveryState.CANCELLED and notice.state == DeliveryState.PENDING
    new = _token_in(notice)
    assert new != old.token
    with unit_of_work(db) as s, pytest.raises(NotAuthenticated):
        responses.submit_response(s, token=old.token, answers=answers(), now=later)
    with unit_of_work(db) as s:
        responses.submit_response(s, token=new, answers=answers(), now=later)


def test_closing_cancels_pending_respondent_messages_only(db: str, in_evaluation: str, staff: dict) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=10)
        populate(s, staff["evaluator"], survey, n=2)
    with unit_of_work(db) as s:
        rounds.queue_respondent_reminders(s, now=NOW + timedelta(days=8))  # reminders + closing-soon
    with unit_of_work(db) as s:
        rounds.close_round(s, actor=staff["evaluator"], round_id=survey.id, now=NOW + timedelta(days=9))
    with unit_of_work(db) as s:
        states = {(r.template, r.state) for r in s.exec(select(Reminder))}
    assert {t for t, state in states if state == DeliveryState.CANCELLED} == {
        "survey_invitation",
        "survey_reminder",
        "survey_closing_soon",
    }
    assert ("revision_recommended", DeliveryState.PENDING) in states  # nobody answered: every unsur is short


def test_delivery_never_sends_a_survey_message_of_a_closed_round(
    db: str, in_evaluation: str, staff: dict
) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=10)
        population.add_accounts(s, actor=staff["evaluator"], round_id=survey.id, secret=SECRET, now=NOW)
    emails = [r.id for r in _mail(db, "survey_invitation")]
    # A backlog: the round's time is up but no sweep has closed it yet, and the outbox still holds
    # its invitations (email and inbox). The deliverer's own checks must hold them back.
    after = survey.closes_at + timedelta(minutes=1)
    with unit_of_work(db) as s:
        assert [delivery.claim(s, reminder_id=rid, now=after) for rid in emails] == [None, None]
        assert delivery.deliver_inbox(s, now=after) == 0
    with unit_of_work(db) as s:
        rows = s.exec(select(Reminder).where(Reminder.template == "survey_invitation")).all()
        assert {r.state for r in rows} == {DeliveryState.CANCELLED}
        assert all("sudah ditutup" in r.last_error for r in rows if r.channel == Channel.EMAIL)


def test_delivery_does_not_ask_whether_the_respondent_answered(
    db: str, in_evaluation: str, staff: dict
) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"])
        done, _waiting = populate(s, staff["evaluator"], survey, n=2).issued
        responses.submit_response(s, token=done.token, answers=answers(), now=NOW)
    # Both invitations go out alike: a message dropped for one would say, in the outbox, who answered.
    with unit_of_work(db) as s:
        for invitation in _mail(db, "survey_invitation"):
            assert delivery.claim(s, reminder_id=invitation.id, now=NOW + timedelta(minutes=1)) is not None


def test_the_evaluation_stage_invites_only_its_own_policys_respondents(
    db: str, in_evaluation: str, staff: dict
) -> None:
    other = "perwal-kebijakan-kepegawaian-asn-2026"
    opens = NOW + timedelta(days=1)
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=other)
        policy.stage = Stage.EVALUATION
        s.add(policy)
        s.flush()
        for slug in (SLUG, other):
            survey = open_at(s, staff["evaluator"], opens_at=opens, days=9, slug=slug)
            populate(s, staff["evaluator"], survey, n=2)
    with unit_of_work(db) as s:
        line = stage_actions.invite_respondents(s, slug=SLUG, now=opens)
    assert line == "Undangan dan pengingat responden: 2 baru."
    with unit_of_work(db) as s:
        invited = s.exec(select(Reminder).where(Reminder.template == "survey_invitation")).all()
        assert {r.context["slug"] for r in invited} == {SLUG}
        assert stage_actions.invite_respondents(s, slug=SLUG, now=opens) == (
            "Undangan dan pengingat responden: 0 baru."
        )


def test_the_inbox_hides_a_pending_survey_message_once_it_cannot_be_answered(
    db: str, in_evaluation: str, staff: dict
) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=10)
        issued = population.add_accounts(
            s, actor=staff["evaluator"], round_id=survey.id, secret=SECRET, now=NOW
        )
        mine = {s.get(SurveyRespondent, i.respondent_id).account_id: i.token for i in issued.issued}
        drafter, evaluator = staff["drafter"].id, staff["evaluator"].id
        notice = notify.notify(
            s,
            key="notice",
            template="acknowledgement_request",
            recipients=[notify.Recipient(account_id=drafter, email="drafter@tangsel.go.id")],
            due_at=NOW,
            context={"title": "Perwal", "slug": SLUG, "cycle": 1},
            channels=[Channel.INBOX],
        )
        assert notice == 1
    soon = NOW + timedelta(hours=1)

    def shown(account_id: int, now: object = soon) -> list[str]:
        with unit_of_work(db) as s:
            return [r.template for r in notify.inbox(s, account_id=account_id, now=now)]

    assert sorted(shown(drafter)) == ["acknowledgement_request", "survey_invitation"]
    assert shown(evaluator) == ["survey_invitation"]
    with unit_of_work(db) as s:
        responses.submit_response(s, token=mine[drafter], answers=answers(unit=UNIT), now=soon)
        invitation = s.exec(
            select(Reminder).where(
                Reminder.recipient_account_id == drafter,
                Reminder.template == "survey_invitation",
                Reminder.channel == Channel.INBOX,
            )
        ).one()
        assert invitation.state == DeliveryState.PENDING  # no sweep has passed yet
    # Answered: the invitation stays like everyone else's (its link now says "already answered"), so
    # the inbox tells nobody who answered.
    assert sorted(shown(drafter)) == ["acknowledgement_request", "survey_invitation"]
    with unit_of_work(db) as s:
        notify.mark_read(s, account_id=drafter, reminder_id=invitation.id, now=soon)
    # The round's time is up (no sweep has closed it): the other respondent's invitation goes too.
    assert shown(evaluator, survey.closes_at + timedelta(minutes=1)) == []
