"""Evaluation end to end: stage -> round -> tokens -> responses -> reminders -> close -> revision."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import col, select

from policies.actions import consultation, drafts, lifecycle, rollout, workshops
from policies.db import unit_of_work
from policies.evaluation import population, responses, rounds
from policies.evaluation.recommend import attach_recommendations, recommendations_for
from policies.evaluation.report import render_report
from policies.models import Reminder, RevisionNote, Stage
from policies.queries import get_policy
from tests.conftest import DRAFTER, NOW
from tests.policies.evaluation.conftest import SECRET, SLUG, answers, csv_of


def _walk_to_evaluation(db: str) -> None:
    with unit_of_work(db) as s:
        lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=Stage.WORKSHOP, now=NOW)
        w = workshops.schedule_workshop(
            s, actor=DRAFTER, slug=SLUG, title="Lokakarya", starts_at=NOW, location="Aula BKPSDM"
        )
        workshops.record_minutes(s, actor=DRAFTER, slug=SLUG, workshop_id=w.id, minutes="Notula.")
        drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=1, now=NOW)
        consultation.open_window(
            s, actor=DRAFTER, slug=SLUG, version_number=1, opens_at=NOW, closes_at=NOW + timedelta(days=14)
        )
        lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=Stage.CONSULTATION, now=NOW)
    later = NOW + timedelta(days=15)
    with unit_of_work(db) as s:
        consultation.publish_report(s, actor=DRAFTER, slug=SLUG, now=later)
        rollout.record_adoption(
            s,
            actor=DRAFTER,
            slug=SLUG,
            version_number=1,
            instrument_type="Peraturan Wali Kota",
            number="12",
            adopted_on=date(2026, 9, 1),
            signed_by="Wali Kota Tangerang Selatan",
        )
        lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=Stage.SOCIALIZATION, now=later)
        rollout.add_session(
            s, actor=DRAFTER, slug=SLUG, title="Sosialisasi", held_on=date(2026, 9, 5), attendance_count=6000
        )
        lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=Stage.EVALUATION, now=later)


def test_evaluation_loop_into_revision(db: str, catalog: None, staff: dict) -> None:
    _walk_to_evaluation(db)
    start = NOW + timedelta(days=16)
    with unit_of_work(db) as s:
        [survey] = rounds.open_due_rounds(s, now=start)  # the schedule opens the cycle's first round
        issued = population.import_population_csv(
            s, actor=staff["evaluator"], round_id=survey.id, secret=SECRET, csv_text=csv_of(12), now=start
        ).issued
    # Five answer, poorly on complaints handling (u8 = 1) and training quality.
    with unit_of_work(db) as s:
        for token in issued[:5]:
            responses.submit_response(
                s,
                token=token.token,
                answers=answers([3, 3, 3, 4, 3, 3, 3, 1, 3], kualitas_pelatihan=2),
                now=start + timedelta(days=1),
            )
    with unit_of_work(db) as s:
        queued = rounds.queue_respondent_reminders(s, now=start + timedelta(days=8))
        assert queued == 7  # the seven who have not answered, nobody else
    with unit_of_work(db) as s:
        [closed] = rounds.close_due_rounds(s, now=survey.closes_at)
        # NRR: 3 x 7 unsur, 4 (u4), 1 (u8): sum 26; 26/9 x 25 = 72,22 -> C.
        assert (closed.results["ikm"]["ikm"], closed.results["ikm"]["category"]) == ("72.22", "C")
        assert closed.results["target_sample"] == 12 and closed.results["responses"] == 5
        policy = get_policy(s, slug=SLUG)
        [rec] = recommendations_for(s, policy_id=policy.id, cycle=1)
        assert {r["code"] for r in rec.reasons} >= {"ikm", "kualitas_pelatihan", "u8"}
        assert s.exec(select(Reminder).where(Reminder.template == "revision_recommended")).all()
        assert "IKM 72,22" in render_report(s, round_id=closed.id, fmt="md")
    # Nothing revised itself: the policy waits in evaluation for its drafter.
    with unit_of_work(db) as s:
        assert get_policy(s, slug=SLUG).stage == Stage.EVALUATION
        event = lifecycle.advance(
            s, actor=DRAFTER, slug=SLUG, to_stage=Stage.REVISION, now=survey.closes_at + timedelta(days=1)
        )
        assert event.cycle == 2
        assert attach_recommendations(s, slug=SLUG) == 1
        assert attach_recommendations(s, slug=SLUG) == 0
        [note] = s.exec(
            select(RevisionNote).where(RevisionNote.source == "recommendation").order_by(col(RevisionNote.id))
        ).all()
        assert note.cycle == 2 and "Penanganan Pengaduan" in note.detail
