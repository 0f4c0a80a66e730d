"""A catalogue policy walked through every stage on a real database, and concurrent advances."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation import comments
from policies.consultation import windows as consultation
from policies.consultation.models import Comment, ConsultationWindow
from policies.core.db import unit_of_work
from policies.core.errors import Conflict, GatesNotMet, InvalidInput, PermissionDenied, TransitionNotAllowed
from policies.drafting import versions as drafts
from policies.evaluation.models import SurveyRound
from policies.lifecycle import actions as lifecycle
from policies.lifecycle.models import Stage, StageEvent, WorkState
from policies.lifecycle.queries import get_policy, stage_history
from policies.rollout import actions as rollout
from tests.conftest import DRAFTER, NOW
from tests.lifecycle_walk import CITIZEN, SLUG, adopt, answer, hold_workshops, schedule_window
from tests.races import race


def _advance(db: str, to: Stage, *, now=NOW, reason: str = "") -> StageEvent:
    with unit_of_work(db) as s:
        return lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=to, reason=reason, now=now)


def _refusal(db: str, to: Stage, *, now=NOW) -> list[str]:
    with pytest.raises(GatesNotMet) as info:
        _advance(db, to, now=now)
    return [f.gate for f in info.value.failed]


def test_whole_lifecycle_with_every_refusal_on_the_way(db: str, catalog: None) -> None:
    assert _advance(db, Stage.WORKSHOP).to_stage is Stage.WORKSHOP  # catalogue draft exists

    assert _refusal(db, Stage.CONSULTATION) == ["workshops_held", "version_published", "window_long_enough"]
    with unit_of_work(db) as s:
        hold_workshops(s, actor=DRAFTER, at=NOW, location="Aula BKPSDM")
        drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=1, now=NOW)
        with pytest.raises(InvalidInput, match="minimal 21 hari"):
            schedule_window(s, actor=DRAFTER, opens_at=NOW, days=7)
        schedule_window(s, actor=DRAFTER, opens_at=NOW, days=21)
    _advance(db, Stage.CONSULTATION)

    with unit_of_work(db) as s:
        clause = get_first_clause_key(s)
        comment = comments.create_comment(
            s, actor=CITIZEN, slug=SLUG, clause_key=clause, body="Mohon target 20 JP dirinci.", now=NOW
        )
        comment_id = comment.id
    assert _refusal(db, Stage.SOCIALIZATION) == [
        "window_closed",
        "every_comment_answered",
        "report_published",
        "adoption_recorded",
    ]
    later = NOW + timedelta(days=22)
    with unit_of_work(db) as s:
        with pytest.raises(Conflict, match="belum diberi tindak lanjut"):
            consultation.publish_report(s, actor=DRAFTER, slug=SLUG, now=later)
        answer(s, actor=DRAFTER, comment_id=comment_id, now=later)
        consultation.publish_report(s, actor=DRAFTER, slug=SLUG, now=later)
        adopt(s, actor=DRAFTER)
    _advance(db, Stage.SOCIALIZATION, now=later)

    assert _refusal(db, Stage.EVALUATION, now=later) == ["socialization_held", "reach_at_target"]
    with unit_of_work(db) as s:
        rollout.add_session(
            s, actor=DRAFTER, slug=SLUG, title="Sosialisasi", held_on=date(2026, 9, 20), attendance_count=7000
        )
    _advance(db, Stage.EVALUATION, now=later)

    assert _refusal(db, Stage.REVISION, now=later) == ["evaluation_round_closed"]
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        s.add(
            SurveyRound(
                policy_id=policy.id,
                cycle=1,
                number=1,
                opens_at=later,
                closes_at=later,
                closed_at=later,
                report_published_at=later,
            )
        )
    event = _advance(db, Stage.REVISION, now=later)
    assert event.cycle == 2

    with pytest.raises(TransitionNotAllowed, match="tahap berikutnya yang mungkin"):
        _advance(db, Stage.EVALUATION, now=later)
    _advance(db, Stage.DRAFTING, now=later)
    with pytest.raises(InvalidInput, match="wajib disertai alasan"):
        _advance(db, Stage.WITHDRAWN, now=later)
    _advance(db, Stage.WITHDRAWN, now=later, reason="Digantikan peraturan baru.")

    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        history = stage_history(s, policy_id=policy.id)
        assert [e.to_stage for e in history] == [
            "drafting",
            "workshop",
            "consultation",
            "socialization",
            "evaluation",
            "revision",
            "drafting",
            "withdrawn",
        ]
        assert all(e.work_state == WorkState.PENDING for e in history)
        assert policy.lock_version == 8


def get_first_clause_key(s: Session) -> str:
    from policies.drafting.queries import clauses_of, latest_version

    policy = get_policy(s, slug=SLUG)
    version = latest_version(s, policy_id=policy.id)
    return clauses_of(s, version_id=version.id)[2].key


def test_only_a_drafter_of_the_owning_unit_may_advance(db: str, catalog: None) -> None:
    other = Actor(id=None, name="Lain", role=Role.DRAFTER, unit="BKPSDM Kabupaten Lain")
    with unit_of_work(db) as s, pytest.raises(PermissionDenied, match="Hanya perancang dari"):
        lifecycle.advance(s, actor=other, slug=SLUG, to_stage=Stage.WORKSHOP)
    with unit_of_work(db) as s, pytest.raises(PermissionDenied):
        lifecycle.advance(s, actor=CITIZEN, slug=SLUG, to_stage=Stage.WORKSHOP)


def test_concurrent_advances_one_wins_one_conflicts(db: str, catalog: None) -> None:
    with unit_of_work(db) as s:
        seen = get_policy(s, slug=SLUG).lock_version

    def attempt() -> str:
        with unit_of_work(db) as s:
            lifecycle.advance(
                s, actor=DRAFTER, slug=SLUG, to_stage=Stage.WORKSHOP, expected_version=seen, now=NOW
            )
        return "won"

    assert race(attempt) == ["conflict", "won"]
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        events = s.exec(select(StageEvent).where(StageEvent.policy_id == policy.id)).all()
        assert policy.lock_version == seen + 1
        assert [e.to_stage for e in events] == ["drafting", "workshop"]  # nothing half-written


def test_comment_refused_when_window_closed_or_clause_unknown(db: str, catalog: None) -> None:
    open_consultation(db)
    with unit_of_work(db) as s, pytest.raises(InvalidInput, match="tidak ada pada versi"):
        comments.create_comment(s, actor=CITIZEN, slug=SLUG, clause_key="c-nope", body="x", now=NOW)
    with unit_of_work(db) as s, pytest.raises(Conflict, match="sudah ditutup"):
        comments.create_comment(
            s,
            actor=CITIZEN,
            slug=SLUG,
            clause_key=get_first_clause_key(s),
            body="x",
            now=NOW + timedelta(days=40),
        )
    with unit_of_work(db) as s:
        assert s.exec(select(Comment)).all() == []


def open_consultation(db: str) -> None:
    """Bring the catalogue example into an open consultation."""
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        if policy.stage == Stage.DRAFTING:
            lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=Stage.WORKSHOP, now=NOW)
            hold_workshops(s, actor=DRAFTER, at=NOW, online_url="https://zoom.example")
            drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=1, now=NOW)
            schedule_window(s, actor=DRAFTER, opens_at=NOW, days=30)
            lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=Stage.CONSULTATION, now=NOW)
        assert get_policy(s, slug=SLUG).stage == Stage.CONSULTATION


def test_withdrawal_ends_the_consultation_once(db: str, catalog: None) -> None:
    opens = NOW + timedelta(days=10)
    with unit_of_work(db) as s:
        lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=Stage.WORKSHOP, now=NOW)
        drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=1, now=NOW)
        scheduled = schedule_window(s, actor=DRAFTER, opens_at=opens, now=NOW)
    _advance(db, Stage.WITHDRAWN, reason="Digantikan peraturan lain.")
    with unit_of_work(db) as s:
        window = s.get(ConsultationWindow, scheduled.id)
        assert window.closed_at == opens  # it never opened: it ends where it would have begun
        policy = get_policy(s, slug=SLUG)
        assert consultation.close_open_windows(s, policy=policy, now=NOW + timedelta(days=1)) == []
        assert s.get(ConsultationWindow, scheduled.id).closed_at == opens
    with unit_of_work(db) as s, pytest.raises(TransitionNotAllowed):
        lifecycle.withdraw(s, actor=DRAFTER, slug=SLUG, reason="Sekali lagi.")


def test_a_drafter_creates_policies_only_for_their_unit(db: str, catalog: None) -> None:
    with unit_of_work(db) as s, pytest.raises(PermissionDenied) as refused:
        lifecycle.create_policy(
            s,
            actor=DRAFTER,
            slug="perbup-lain-2027",
            title="Kebijakan unit lain",
            kind_code="pengelolaan-jabatan",
            region="Kabupaten Lampung Selatan",
            unit="BKPSDM Kabupaten Lampung Selatan",
        )
    assert "unitnya sendiri" in refused.value.detail and "own unit" in refused.value.detail_en
