"""Survey anonymity against staff: no live figures, no per-person state, links only to respondents."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import col, select

from policies.accounts.access import SYSTEM, Actor
from policies.accounts.models import Role
from policies.core.db import unit_of_work
from policies.core.errors import Conflict, InvalidInput, NotAuthenticated, PermissionDenied
from policies.evaluation import population, responses, rounds
from policies.evaluation.models import SurveyLinkIssue
from policies.evaluation.views import results_of
from policies.outbox.message_text import render_email
from policies.outbox.models import Channel, Reminder
from tests.conftest import NOW
from tests.policies.evaluation.conftest import SECRET, answers, open_now, populate

BASE = "https://siklus.tangsel.go.id"
LINK = re.compile(r"https://siklus\.tangsel\.go\.id/survei\?token=(\S+)")
STRANGER = Actor(id=None, name="Eko Evaluator", role=Role.EVALUATOR, unit="BKPSDM Kabupaten Lampung Selatan")


def _emails(db: str, template: str) -> list[Reminder]:
    with unit_of_work(db) as s:
        stmt = select(Reminder).where(Reminder.template == template, Reminder.channel == Channel.EMAIL)
        return list(s.exec(stmt.order_by(col(Reminder.id))))


def test_an_evaluator_of_another_unit_cannot_run_or_read_the_rounds_population(
    db: str, in_evaluation: str, staff: dict
) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"])
        [person] = populate(s, staff["evaluator"], survey, n=1).issued
    for act in (
        lambda s: population.list_respondents(s, actor=STRANGER, round_id=survey.id),
        lambda s: population.reissue_token(
            s, actor=STRANGER, respondent_id=person.respondent_id, secret=SECRET, reason="Hilang."
        ),
        lambda s: population.link_issues(s, actor=STRANGER, respondent_id=person.respondent_id),
        lambda s: populate(s, STRANGER, survey, n=1),
        lambda s: rounds.close_round(s, actor=STRANGER, round_id=survey.id),
    ):
        with unit_of_work(db) as s, pytest.raises(PermissionDenied, match="Tangerang Selatan"):
            act(s)
    with unit_of_work(db) as s:  # an admin may, whatever their unit
        assert len(population.list_respondents(s, actor=SYSTEM, round_id=survey.id)) == 1


def test_a_reissue_goes_to_the_respondent_only_is_recorded_and_told(
    db: str, in_evaluation: str, staff: dict
) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"])
        [person] = populate(s, staff["evaluator"], survey, n=1).issued
    with unit_of_work(db) as s, pytest.raises(InvalidInput):
        population.reissue_token(
            s, actor=staff["evaluator"], respondent_id=person.respondent_id, secret=SECRET, reason="  "
        )
    later = NOW + timedelta(days=2)
    with unit_of_work(db) as s:
        issue = population.reissue_token(
            s,
            actor=staff["evaluator"],
            respondent_id=person.respondent_id,
            secret=SECRET,
            reason="Email undangan terhapus.",
            now=later,
        )
        # What the evaluator gets back is the record, never a token.
        assert not hasattr(issue, "token") and person.token not in repr(issue)
    with unit_of_work(db) as s:
        issues = population.link_issues(s, actor=staff["drafter"], respondent_id=person.respondent_id)
        assert [(i.reissue, i.issued_by_name, i.reason, i.issued_at) for i in issues] == [
            (False, "Eva Luator", population.CSV_REASON, NOW),
            (True, "Eva Luator", "Email undangan terhapus.", later),
        ]
        assert all(i.issued_by_id == staff["evaluator"].id for i in issues)
    [notice] = _emails(db, "survey_link_reissued")
    assert notice.recipient_email == "asn0@tangsel.go.id"
    subject, body = render_email(notice, base_url=BASE, secret=SECRET)
    assert "diterbitkan ulang" in subject
    assert (
        "Eva Luator" in body
        and "Email undangan terhapus." in body
        and "Tautan lama Anda tidak berlaku" in body
    )
    [token] = LINK.findall(body)
    with unit_of_work(db) as s, pytest.raises(NotAuthenticated):
        responses.submit_response(s, token=person.token, answers=answers(), now=later)
    with unit_of_work(db) as s:
        responses.submit_response(s, token=token, answers=answers(), now=later)


def test_a_reissue_tells_nobody_whether_the_respondent_has_answered(
    db: str, in_evaluation: str, staff: dict
) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"])
        done, waiting = populate(s, staff["evaluator"], survey, n=2).issued
        responses.submit_response(s, token=done.token, answers=answers(), now=NOW)
    outcomes = []
    for person in (done, waiting):
        with unit_of_work(db) as s:
            issue = population.reissue_token(
                s,
                actor=staff["evaluator"],
                respondent_id=person.respondent_id,
                secret=SECRET,
                reason="Diminta responden.",
                now=NOW + timedelta(hours=1),
            )
            outcomes.append((issue.reissue, issue.reason))
    # Same outcome for both: the old behaviour (409 "already answered") was a per-person oracle.
    assert outcomes[0] == outcomes[1]
    # Both are told; the one who answered keeps their answer and cannot answer again.
    assert sorted(r.recipient_email for r in _emails(db, "survey_link_reissued")) == [
        "asn0@tangsel.go.id",
        "asn1@tangsel.go.id",
    ]
    with unit_of_work(db) as s:
        assert len(s.exec(select(SurveyLinkIssue).where(SurveyLinkIssue.reissue)).all()) == 2


def test_a_respondent_no_message_can_reach_is_not_reissued(db: str, in_evaluation: str, staff: dict) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"])
        made = population.import_population_csv(
            s,
            actor=staff["evaluator"],
            round_id=survey.id,
            secret=SECRET,
            csv_text="nip,nama,unit\n198501012010010001,Tanpa Email,Dinas Kesehatan\n",
            now=NOW,
        )
        assert made.unreachable == ["198501012010010001"]
    with unit_of_work(db) as s, pytest.raises(Conflict, match="tidak punya email"):
        population.reissue_token(
            s,
            actor=staff["evaluator"],
            respondent_id=made.issued[0].respondent_id,
            secret=SECRET,
            reason="Hilang.",
        )


def test_results_are_published_at_close_and_not_before(db: str, in_evaluation: str, staff: dict) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"])
        [person] = populate(s, staff["evaluator"], survey, n=1).issued
        responses.submit_response(s, token=person.token, answers=answers(4), now=NOW)
    with unit_of_work(db) as s, pytest.raises(Conflict) as info:
        results_of(s, round_id=survey.id)
    assert (info.value.extra["invited"], info.value.extra["responded"]) == (1, 1)
    with unit_of_work(db) as s:
        rounds.close_round(s, actor=staff["evaluator"], round_id=survey.id, now=NOW + timedelta(days=1))
    with unit_of_work(db) as s:
        assert results_of(s, round_id=survey.id).responses == 1


def test_a_reissue_reaches_an_account_holders_inbox_until_the_round_closes(
    db: str, in_evaluation: str, staff: dict
) -> None:
    from policies.outbox import notify

    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=10)
        added = population.add_accounts(
            s, actor=staff["evaluator"], round_id=survey.id, secret=SECRET, now=NOW
        )
        mine = next(i for i in added.issued if i.account_id == staff["drafter"].id)
    soon = NOW + timedelta(hours=1)
    with unit_of_work(db) as s:
        population.reissue_token(
            s,
            actor=SYSTEM,
            respondent_id=mine.respondent_id,
            secret=SECRET,
            reason="Diminta responden.",
            now=soon,
        )
    with unit_of_work(db) as s:
        shown = [r.template for r in notify.inbox(s, account_id=staff["drafter"].id, now=soon)]
        assert shown == ["survey_link_reissued"]  # the old invitation is gone, the notice is there
        late = survey.closes_at + timedelta(minutes=1)
        assert notify.inbox(s, account_id=staff["drafter"].id, now=late) == []
