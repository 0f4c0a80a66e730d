"""The evaluation loop end to end, on real flows, a real SMTP server and a real database.

Evaluation stage flow -> its entry work opens the round -> the evaluator uploads the population ->
invitations with personal links go out by email -> respondents answer through those links (each
once) -> reminders with the link reach the rest -> the sweep closes the round -> results ->
revision recommended to the drafter -> the drafter advances to revision -> the revision stage flow
attaches every reason as a revision note.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import col, select

from flows.delivery import deliver_due_emails
from flows.stages import run_stage_flow
from flows.sweeps import run_step
from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import unit_of_work, utcnow
from policies.core.errors import Conflict
from policies.core.secret_key import ensure_secret_key
from policies.core.settings import Settings
from policies.drafting.models import RevisionNote
from policies.evaluation import measurements, population, responses, rounds
from policies.evaluation.models import Indicator, SurveyRound
from policies.evaluation.queries import recommendations_for
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from policies.lifecycle.sweeps import SWEEP_STEPS
from policies.outbox.models import DeliveryState, Reminder
from tests import lifecycle_walk as walk
from tests.flows.conftest import run_async
from tests.lifecycle_walk import SLUG
from tests.policies.evaluation.conftest import csv_of

pytestmark = [pytest.mark.flows, pytest.mark.usefixtures("prefect_harness")]
LINK = re.compile(r"(http://\S+/survei\?token=(\S+))")
EVALUATOR = Actor(id=None, name="Eva Luator", role=Role.EVALUATOR, unit=walk.UNIT)
LOW_ON_COMPLAINTS = [3, 3, 3, 4, 3, 3, 3, 1, 3]  # u8 (complaints handling) scored 1


class Mailbox:
    """An SMTP handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def take(self) -> list[email.message.EmailMessage]:
        taken, self.messages = self.messages, []
        return taken


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def _answers(questions: list[dict[str, Any]], scores: list[int]) -> dict[str, Any]:
    """Answer the round's questions: the nine unsur with `scores`, the rest validly."""
    sheet: dict[str, Any] = {}
    unsur = iter(scores)
    for q in questions:
        if q["group"] == "unsur":
            sheet[q["code"]] = next(unsur)
        elif q["type"] == "scale":
            sheet[q["code"]] = 2
        elif q["type"] == "single":
            sheet[q["code"]] = q["options"][0]
        elif q["type"] == "number":
            sheet[q["code"]] = 9
    return sheet


def _links(messages: list[email.message.EmailMessage]) -> dict[str, str]:
    """Return each recipient's personal survey token, read from the link in the mail."""
    found = {}
    for m in messages:
        match = LINK.search(m.get_content())
        assert match, m.get_content()
        found[m["To"]] = match.group(2)
    return found


def test_evaluation_loop_from_the_stage_flow_to_revision_notes(
    db: str, catalog: None, flow_settings: Settings, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    mail = flow_settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_tls": False})
    people = walk.add_people(db)
    actor, c = walk.drafter(people), walk.clock()
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    walk.prepare_consultation(db, actor=actor, c=c)
    walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.start)
    walk.prepare_socialization(db, actor=actor, c=c, comment_id=walk.add_comment(db, c=c))
    walk.advance(db, Stage.SOCIALIZATION, actor=actor, now=c.closed)
    walk.prepare_evaluation(db, actor=actor, c=c)
    event = walk.advance(db, Stage.EVALUATION, actor=actor, now=c.closed)
    # The walk's transitions queued their notices with them (the consultation's, the adoption's):
    # they went out along the way, before the survey.
    earlier = deliver_due_emails(settings=mail, now=c.closed).sent
    assert earlier == len(box.take()) > 0

    # The evaluation stage's own entry work opens the round (not the schedule's open_due_rounds).
    lines = run_async(run_stage_flow(Stage.EVALUATION, event_id=event.id, slug=SLUG, cycle=1))  # type: ignore[arg-type]
    assert lines[0].startswith("Putaran survei 1 dibuka")
    with unit_of_work(db) as s:
        survey = s.exec(select(SurveyRound)).one()
        assert (survey.reminder_max, survey.reminder_interval_days) == (3, 7)  # the kind's rules
        issued = population.import_population_csv(
            s,
            actor=EVALUATOR,
            round_id=survey.id,
            csv_text=csv_of(6),
            secret=ensure_secret_key(flow_settings),
        ).issued
        questions = survey.questions
    assert deliver_due_emails(settings=mail).sent >= 6
    invitations = [m for m in box.take() if "Undangan survei evaluasi" in m["Subject"]]
    tokens = _links(invitations)
    assert sorted(tokens) == sorted(t.email for t in issued)
    assert {t.email: t.token for t in issued} == tokens  # the mailed link is the issued token

    # Three answer through their invitation links, poorly on complaints handling; a link answers once.
    answered = sorted(tokens)[:3]
    for address in answered:
        with unit_of_work(db) as s:
            responses.submit_response(
                s, token=tokens[address], answers=_answers(questions, LOW_ON_COMPLAINTS)
            )
    with unit_of_work(db) as s, pytest.raises(Conflict, match="sudah dipakai"):
        responses.submit_response(
            s, token=tokens[answered[0]], answers=_answers(questions, LOW_ON_COMPLAINTS)
        )

    # A week on, all six are reminded alike, each with their link (a reminder stopped for those who
    # answered would tell the outbox's reader who they are); one who had not answered does now.
    week = utcnow() + timedelta(days=7, minutes=1)
    with unit_of_work(db) as s:
        assert rounds.queue_respondent_reminders(s, now=week) == 6
    assert deliver_due_emails(settings=mail, now=week).sent == 6
    reminded = _links(box.take())
    assert sorted(reminded) == sorted(tokens)
    late = sorted(set(reminded) - set(answered))[0]
    assert reminded[late] == tokens[late]
    with unit_of_work(db) as s:
        responses.submit_response(
            s, token=reminded[late], answers=_answers(questions, LOW_ON_COMPLAINTS), now=week
        )
        jp = s.exec(
            select(Indicator).where(Indicator.code == "jp_per_asn", Indicator.policy_id == survey.policy_id)
        ).one()
        measurements.record_measurement(
            s, actor=EVALUATOR, indicator_id=jp.id, value=14.5, round_id=survey.id
        )

    # A second reminder is queued but the sweep closes the round first: nothing more reaches them.
    fortnight = week + timedelta(days=7)
    with unit_of_work(db) as s:
        assert rounds.queue_respondent_reminders(s, now=fortnight) == 6
    # The sweeps as the scheduled pass runs them (the delivery below is checked on its own).
    lines = [run_step(step, settings=flow_settings, now=survey.closes_at) for step in SWEEP_STEPS]
    assert "Putaran survei ditutup: 1" in lines
    assert deliver_due_emails(settings=mail, now=survey.closes_at).sent == 1  # the drafter's notice only
    [notice] = box.take()
    assert notice["To"] == people["drafter"].email
    assert "Evaluasi merekomendasikan revisi" in notice["Subject"]
    body = notice.get_content()
    assert "Penanganan Pengaduan" in body and "14,50 JP per ASN" in body
    with unit_of_work(db) as s:
        stale = s.exec(select(Reminder).where(col(Reminder.dedupe_key).contains(":reminder:2:"))).all()
        assert len(stale) == 6 and {r.state for r in stale} == {DeliveryState.CANCELLED}
        closed = s.get(SurveyRound, survey.id)
        # Four sheets: u8 all 1 -> 25,00 D; u4 all 4; the other seven 3: (21 + 4 + 1) / 9 x 25 = 72,22 C.
        assert (closed.results["ikm"]["ikm"], closed.results["ikm"]["category"]) == ("72.22", "C")
        assert (closed.results["responses"], closed.results["population"]) == (4, 6)
        [rec] = recommendations_for(s, policy_id=survey.policy_id, cycle=1)
        reasons = {f"{r['kind']}:{r['code']}" for r in rec.reasons}
        assert {"unsur:u8", "indicator:jp_per_asn", "indicator:ikm"} <= reasons
        assert get_policy(s, slug=SLUG).stage == Stage.EVALUATION  # nothing revised itself

    # The drafter decides to revise; the revision stage's flow attaches the reasons as notes.
    revising = walk.advance(db, Stage.REVISION, actor=actor, now=survey.closes_at + timedelta(days=1))
    assert revising.cycle == 2
    for _ in range(2):  # twice: the second run finds each step done and adds nothing
        lines = run_async(run_stage_flow(Stage.REVISION, event_id=revising.id, slug=SLUG, cycle=2))  # type: ignore[arg-type]
    assert "Langkah attach-revision-notes sudah selesai pada percobaan sebelumnya; dilewati." in lines
    with unit_of_work(db) as s:
        notes = s.exec(select(RevisionNote).where(RevisionNote.source == "recommendation")).all()
    assert {n.reason_code for n in notes} == reasons and all(n.cycle == 2 for n in notes)
    assert all(n.round_id == survey.id and n.summary_en for n in notes)
