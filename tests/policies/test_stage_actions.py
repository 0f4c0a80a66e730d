"""Each stage's entry work as domain actions, without Prefect: it does its job, and twice changes nothing."""

from __future__ import annotations

from sqlmodel import select

from policies.core.db import unit_of_work, utcnow
from policies.drafting.elements import drop_elements
from policies.drafting.models import Clause, DraftVersion, RevisionNote
from policies.evaluation.models import SurveyRound
from policies.lifecycle import stagework
from policies.lifecycle.models import Stage, StageDocument, StageEvent, WorkState
from policies.lifecycle.queries import get_document, get_policy
from policies.lifecycle.spec import SPEC
from policies.outbox.models import Channel, DeliveryState, Reminder
from policies.rollout.models import Adoption
from tests import lifecycle_walk as walk
from tests.lifecycle_walk import SLUG


def _do_stage(db: str, stage: Stage) -> list[str]:
    """Run the stage's entry work as the specification lists it, each step in its own transaction."""
    event = walk.latest_event(db)
    assert event.to_stage == stage
    lines = []
    for step in SPEC[stage].entry_work:
        with unit_of_work(db) as s:
            lines.append(step.run(s, slug=SLUG, event_id=event.id, now=utcnow()))  # type: ignore[arg-type]
    return lines


def _twice(db: str, stage: Stage) -> list[str]:
    lines = _do_stage(db, stage)
    before = walk.snapshot(db)
    _do_stage(db, stage)
    assert walk.snapshot(db) == before, f"re-running {stage} changed the database"
    return lines


def _reminders(db: str, template: str) -> list[Reminder]:
    with unit_of_work(db) as s:
        return list(s.exec(select(Reminder).where(Reminder.template == template).order_by(Reminder.id)))


def test_every_stage_entry_does_its_work_once(db: str, catalog: None) -> None:
    people = walk.add_people(db)
    actor, c = walk.drafter(people), walk.clock()

    # Drafting of cycle 1: the catalogue already gave a version, so nothing is added.
    assert "sudah ada" in _twice(db, Stage.DRAFTING)[0]

    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    _twice(db, Stage.WORKSHOP)
    invited = _reminders(db, "workshop_invitation")
    # ASN (id and en) and the union, by email and in the inbox; the public is not invited.
    assert {r.recipient_email for r in invited} == {
        "asn@pemkot.example.id",
        "expat@pemkot.example.id",
        "korpri@example.id",
    }
    assert {r.channel for r in invited} == {Channel.EMAIL, Channel.INBOX}
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        agenda = get_document(s, policy_id=policy.id, cycle=1, kind="agenda")
        assert agenda is not None and "Pembahasan pasal demi pasal" in agenda.body

    walk.prepare_consultation(db, actor=actor, c=c)
    walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.start)
    _twice(db, Stage.CONSULTATION)
    opened = _reminders(db, "consultation_opened")
    assert len(opened) == 4  # every stakeholder, by email
    closing = _reminders(db, "consultation_closing")
    assert closing and all(r.due_at > utcnow() for r in closing)
    with unit_of_work(db) as s:
        doc = get_document(s, policy_id=policy.id, cycle=1, kind="consultation")
        assert doc is not None and "UU 13/2022 Pasal 96" in doc.body and "{#" in doc.body

    comment_id = walk.add_comment(db, c=c)
    walk.prepare_socialization(db, actor=actor, c=c, comment_id=comment_id)
    walk.advance(db, Stage.SOCIALIZATION, actor=actor, now=c.closed)
    _twice(db, Stage.SOCIALIZATION)
    asks = _reminders(db, "acknowledgement_request")
    assert {r.channel for r in asks} == {Channel.INBOX} and len(asks) == 2
    with unit_of_work(db) as s:
        kinds = {d.kind for d in s.exec(select(StageDocument))}
        assert kinds == {"agenda", "consultation", "adopted", "socialization-kit"}

    walk.prepare_evaluation(db, actor=actor, c=c)
    walk.advance(db, Stage.EVALUATION, actor=actor, now=c.closed)
    _twice(db, Stage.EVALUATION)
    with unit_of_work(db) as s:
        assert len(list(s.exec(select(SurveyRound)))) == 1
    assert len(_reminders(db, "evaluation_opened")) == 2  # the drafter: email and inbox

    walk.prepare_revision(db, c=c)
    walk.advance(db, Stage.REVISION, actor=actor, now=c.evaluated)
    lines = _twice(db, Stage.REVISION)
    assert "dibuat dari teks yang ditetapkan" in lines[0]
    with unit_of_work(db) as s:
        notes = list(s.exec(select(RevisionNote).order_by(RevisionNote.id)))
        # The missed JP target comes once, as the round's recommendation reason (not also as an
        # indicator note); the round had no answers, so every computed indicator missed as well.
        assert {n.source for n in notes} == {"comment", "workshop_outcome", "recommendation"}
        jp = [n for n in notes if n.reason_code == "indicator:jp_per_asn"]
        assert len(jp) == 1 and "14,50" in jp[0].summary and "kurang 5,50" in jp[0].detail
        comment_note = next(n for n in notes if n.source == "comment")
        assert "diterima — Dirinci pada Pasal 5." in comment_note.detail
        assert all(n.cycle == 2 for n in notes)
        new = s.exec(select(DraftVersion).where(DraftVersion.cycle == 2)).one()
        adoption = s.exec(select(Adoption).where(Adoption.policy_id == policy.id)).one()
        assert new.body == s.get(DraftVersion, adoption.version_id).body

    walk.advance(db, Stage.DRAFTING, actor=actor, now=c.evaluated)
    assert "sudah ada" in _twice(db, Stage.DRAFTING)[0]

    walk.advance(db, Stage.WITHDRAWN, actor=actor, now=c.evaluated, reason="Digantikan peraturan baru.")
    _twice(db, Stage.WITHDRAWN)
    assert _reminders(db, "policy_withdrawn")
    assert all(r.state == DeliveryState.CANCELLED for r in _reminders(db, "consultation_closing"))


def test_drafting_without_a_version_starts_from_the_catalogue_template(db: str, catalog: None) -> None:
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        for v in s.exec(select(DraftVersion).where(DraftVersion.policy_id == policy.id)):
            for cl in s.exec(select(Clause).where(Clause.version_id == v.id)):
                s.delete(cl)
            drop_elements(s, version_id=v.id)  # type: ignore[arg-type]
            s.flush()
            s.delete(v)
    lines = _twice(db, Stage.DRAFTING)
    assert "templat katalog" in lines[0]


def test_pending_work_and_marks(db: str, catalog: None) -> None:
    with unit_of_work(db) as s:
        work = stagework.pending_work(s)
    assert len(work) == 5 and {w.stage for w in work} == {Stage.DRAFTING}
    item = next(w for w in work if w.slug == SLUG)

    with unit_of_work(db) as s:
        stagework.mark_dispatched(s, event_id=item.event_id, flow_run_id="run-1", now=utcnow())
        assert item.event_id not in {w.event_id for w in stagework.pending_work(s)}
        # Dispatched long ago without news: asked for again.
        later = utcnow() + stagework.STALE_AFTER * 2
        assert item.event_id in {w.event_id for w in stagework.pending_work(s, now=later)}
        stagework.mark_done(s, event_id=item.event_id, flow_run_id="run-2")
        stagework.mark_dispatched(s, event_id=item.event_id, flow_run_id="run-3")
        event = s.get(StageEvent, item.event_id)
        assert (event.work_state, event.flow_run_id) == (WorkState.DONE, "run-1")
