"""Rounds, populations, tokens and responses on a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, func, select

from policies.accounts.access import SYSTEM, Actor
from policies.accounts.models import Role
from policies.core.db import unit_of_work
from policies.core.errors import Conflict, InvalidInput, NotAuthenticated, PermissionDenied
from policies.evaluation import population, responses, rounds
from policies.evaluation.models import SurveyParticipation, SurveyRespondent, SurveyResponse, SurveyRound
from policies.evaluation.tokens import hash_token
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from tests.conftest import NOW
from tests.policies.evaluation.conftest import SECRET, SLUG, answers, open_now, populate
from tests.races import race

STAKEHOLDER = Actor(id=None, name="Budi", role=Role.STAKEHOLDER)
OTHER_DRAFTER = Actor(id=None, name="Dodi", role=Role.DRAFTER, unit="Dinas Pendidikan")


def test_open_round_freezes_questions_and_is_idempotent(db: str, in_evaluation: str, staff: dict) -> None:
    with unit_of_work(db) as s:
        first = open_now(s, staff["evaluator"])
        groups = [q["group"] for q in first.questions]
        assert groups.count("unsur") == 9 and groups.count("profile") == 3
        assert [q["code"] for q in first.questions if q["group"] == "kind"] == [
            "kualitas_pelatihan",
            "manfaat_mentoring",
            "alasan_tidak_ikut",
            "format_pelatihan",
            "usulan_materi",
        ]
        assert first.questions[0]["options"] == ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]
        again = open_now(s, staff["drafter"], days=10)
        assert (again.id, again.number, again.closes_at) == (first.id, 1, NOW + timedelta(days=30))


def test_open_round_refusals(db: str, catalog: None, staff: dict) -> None:
    with unit_of_work(db) as s, pytest.raises(Conflict, match="tahap evaluasi"):
        open_now(s, staff["evaluator"])
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        policy.stage = Stage.EVALUATION
        s.add(policy)
    for actor in (STAKEHOLDER, OTHER_DRAFTER):
        with unit_of_work(db) as s, pytest.raises(PermissionDenied):
            open_now(s, actor)
    with unit_of_work(db) as s, pytest.raises(InvalidInput) as info:
        rounds.open_round(s, actor=staff["evaluator"], slug=SLUG, opens_at=NOW, closes_at=NOW, now=NOW)
    assert info.value.field == "closes_at"


def test_population_csv_issues_tokens_storing_only_hashes(db: str, in_evaluation: str, staff: dict) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"])
        result = populate(s, staff["evaluator"], survey, n=3, now=None)
        again = populate(s, staff["evaluator"], survey, n=4, now=None)
    assert len(result.issued) == 3 and len({t.token for t in result.issued}) == 3
    assert len(again.issued) == 1 and len(again.skipped_existing) == 3
    with unit_of_work(db) as s:
        stored = s.exec(select(SurveyRespondent).order_by(col(SurveyRespondent.id))).all()
        assert [r.token_hash for r in stored[:3]] == [hash_token(t.token) for t in result.issued]
        assert all(t.token not in r.token_hash for t in result.issued for r in stored)


def test_population_csv_errors_name_the_lines_and_save_nothing(
    db: str, in_evaluation: str, staff: dict
) -> None:
    bad = "nip;nama;unit;email\n198501012010012345;Ani;Dinkes;ani@x.id\n12345;Budi;Dinkes;budi@\n"
    with unit_of_work(db) as s:
        survey_id = open_now(s, staff["evaluator"]).id
    with unit_of_work(db) as s, pytest.raises(InvalidInput) as info:
        population.import_population_csv(
            s, actor=staff["evaluator"], round_id=survey_id, secret=SECRET, csv_text=bad
        )
    assert "baris 3: NIP '12345' harus 18 angka" in info.value.detail
    assert "email 'budi@' tidak valid" in info.value.detail
    with unit_of_work(db) as s:
        assert s.exec(select(func.count()).select_from(SurveyRespondent)).one() == 0
        with pytest.raises(InvalidInput, match="berkolom nip dan nama"):
            population.import_population_csv(
                s, actor=staff["evaluator"], round_id=survey_id, secret=SECRET, csv_text="a,b\n1,2\n"
            )


def test_response_once_per_token_anonymous_and_validated(db: str, in_evaluation: str, staff: dict) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"])
        tokens = [t.token for t in populate(s, staff["evaluator"], survey, n=2, now=None).issued]
    later = NOW + timedelta(days=1)
    with unit_of_work(db) as s:
        done = responses.submit_response(
            s, token=tokens[0], answers=answers(4, usulan_materi="Data"), now=later
        )
        row = done.response
        assert len(done.receipt) == 19 and done.receipt.count("-") == 3
        assert (row.unit, row.golongan, row.years_of_service) == ("Dinas Kesehatan", "III", 8)
        assert "unit" not in row.answers and row.answers["usulan_materi"] == "Data"
    assert "respondent_id" not in SurveyResponse.model_fields  # nothing links a sheet to its sender
    with unit_of_work(db) as s, pytest.raises(Conflict, match="sudah dipakai"):
        responses.submit_response(s, token=tokens[0], answers=answers(4), now=later)
    broken = answers(3, u3=5, format_pelatihan="Radio", alasan_tidak_ikut=["Tidak ada"])
    del broken["u7"]
    with unit_of_work(db) as s, pytest.raises(InvalidInput) as info:
        responses.submit_response(s, token=tokens[1], answers=broken, now=later)
    assert info.value.extra["questions"] == ["u3", "u7", "alasan_tidak_ikut", "format_pelatihan"]
    assert "kecepatan waktu pelayanan" in info.value.detail and "angka 1–4" in info.value.detail
    assert "pilih salah satu dari Tatap muka" in info.value.detail
    with unit_of_work(db) as s:
        assert s.exec(select(func.count()).select_from(SurveyResponse)).one() == 1
        assert s.exec(select(func.count()).select_from(SurveyParticipation)).one() == 1  # refused: nothing
    with unit_of_work(db) as s, pytest.raises(NotAuthenticated):
        responses.submit_response(s, token="not-a-token", answers=answers(), now=later)
    with unit_of_work(db) as s, pytest.raises(Conflict, match="sudah ditutup"):
        responses.submit_response(s, token=tokens[1], answers=answers(), now=NOW + timedelta(days=31))


def test_reminders_at_most_n_at_least_d_days_apart_none_after_close(
    db: str, in_evaluation: str, staff: dict
) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=30)
        survey.reminder_max, survey.reminder_interval_days = 2, 7
        s.add(survey)
        issued = populate(s, staff["evaluator"], survey, n=3)
    with unit_of_work(db) as s:
        responses.submit_response(
            s, token=issued.issued[0].token, answers=answers(), now=NOW + timedelta(days=1)
        )
    from policies.outbox.models import Reminder

    def respondent_keys() -> list[str]:
        with unit_of_work(db) as s:
            return sorted(r.dedupe_key for r in s.exec(select(Reminder)) if ":reminder:" in r.dedupe_key)

    with unit_of_work(db) as s:
        assert rounds.queue_respondent_reminders(s, now=NOW + timedelta(days=6)) == 0
    # All three, the one who answered too: a reminder stopped for one would tell who answered.
    with unit_of_work(db) as s:
        assert rounds.queue_respondent_reminders(s, now=NOW + timedelta(days=7)) == 3
    with unit_of_work(db) as s:
        assert rounds.queue_respondent_reminders(s, now=NOW + timedelta(days=10)) == 0  # too soon
    with unit_of_work(db) as s:
        assert rounds.queue_respondent_reminders(s, now=NOW + timedelta(days=14)) == 3
    with unit_of_work(db) as s:
        assert rounds.queue_respondent_reminders(s, now=NOW + timedelta(days=21)) == 0  # N reached
    keys = respondent_keys()
    assert len(keys) == 6 and all(":reminder:1:email:" in k or ":reminder:2:email:" in k for k in keys)
    with unit_of_work(db) as s:
        closing = rounds.queue_respondent_reminders(s, now=NOW + timedelta(days=28))
        assert closing == 2  # closing-soon to the evaluator and the drafter of the unit
        reminder = s.exec(select(Reminder).where(col(Reminder.dedupe_key).contains("closing-soon"))).first()
        assert reminder is not None and reminder.context["responses"] == 1
    with unit_of_work(db) as s:
        survey = s.get(SurveyRound, survey.id)
        survey.reminder_max = 5
        s.add(survey)
    with unit_of_work(db) as s:
        assert rounds.queue_respondent_reminders(s, now=NOW + timedelta(days=31)) == 0  # closed by time
    assert len(respondent_keys()) == 6


def test_open_due_rounds_follows_the_kind_cadence(db: str, in_evaluation: str, staff: dict) -> None:
    with unit_of_work(db) as s:
        opened = rounds.open_due_rounds(s, now=NOW)
        assert [r.number for r in opened] == [1]  # a policy in evaluation without a round gets one
        assert rounds.open_due_rounds(s, now=NOW) == []  # still open
        rounds.close_round(s, actor=staff["evaluator"], round_id=opened[0].id, now=NOW + timedelta(days=30))
    with unit_of_work(db) as s:
        # The kind's cadence is 3 months: nothing before 17 November, a round on it.
        assert rounds.open_due_rounds(s, now=NOW + timedelta(days=80)) == []
        from policies.outbox.models import Reminder

        assert rounds.queue_respondent_reminders(s, now=NOW + timedelta(days=88)) == 2
        keys = [r.dedupe_key for r in s.exec(select(Reminder))]
        assert any(":round-due:2:" in k for k in keys)
        second = rounds.open_due_rounds(s, now=NOW + timedelta(days=92))
        assert [r.number for r in second] == [2]


def test_close_due_rounds_closes_with_results_and_report_marker(
    db: str, in_evaluation: str, staff: dict
) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=5)
        toks = populate(s, staff["evaluator"], survey, n=4, now=None)
    with unit_of_work(db) as s:
        for t, score in zip(toks.issued, (4, 4, 3, 4), strict=True):
            responses.submit_response(s, token=t.token, answers=answers(score), now=NOW + timedelta(hours=2))
    with unit_of_work(db) as s:
        assert rounds.close_due_rounds(s, now=NOW + timedelta(days=4)) == []
        closed = rounds.close_due_rounds(s, now=NOW + timedelta(days=5))
        assert [c.id for c in closed] == [survey.id]
        assert closed[0].report_published_at == NOW + timedelta(days=5)
        # (4+4+3+4)/4 = 3,75 per unsur -> IKM 93,75 -> A; Krejcie–Morgan of 4 is 4.
        assert closed[0].results["ikm"]["ikm"] == "93.75"
        assert closed[0].results["ikm"]["category"] == "A"
        assert (closed[0].results["responses"], closed[0].results["target_sample"]) == (4, 4)
        assert (
            rounds.close_round(s, actor=staff["evaluator"], round_id=survey.id).closed_at
            == closed[0].closed_at
        )


def test_two_concurrent_submits_of_one_token_save_one_sheet(db: str, in_evaluation: str, staff: dict) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"])
        token = populate(s, staff["evaluator"], survey, n=1, now=None).issued[0].token

    def attempt() -> str:
        with unit_of_work(db) as s:
            responses.submit_response(s, token=token, answers=answers(), now=NOW + timedelta(hours=1))
        return "saved"

    assert race(attempt) == ["conflict", "saved"]
    with unit_of_work(db) as s:
        assert s.exec(select(func.count()).select_from(SurveyResponse)).one() == 1


def test_population_from_accounts(db: str, in_evaluation: str, staff: dict) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"])
        result = population.add_accounts(
            s, actor=staff["evaluator"], round_id=survey.id, secret=SECRET, now=NOW
        )
        assert sorted(t.email for t in result.issued) == ["drafter@tangsel.go.id", "evaluator@tangsel.go.id"]
        again = population.add_accounts(
            s, actor=staff["evaluator"], round_id=survey.id, secret=SECRET, now=NOW
        )
        assert again.issued == [] and len(again.skipped_existing) == 2
        person = s.get(SurveyRespondent, result.issued[0].respondent_id)
        assert person.account_id is not None


def test_reminder_settings_come_from_the_kind_unless_the_round_says_otherwise(
    db: str, catalog: None, staff: dict
) -> None:
    kalianda = "perbup-rencana-pengembangan-asn-kalianda-2026"
    with unit_of_work(db) as s:
        for slug in (SLUG, kalianda):
            policy = get_policy(s, slug=slug)
            policy.stage = Stage.EVALUATION
            s.add(policy)
        s.flush()
        window = {"opens_at": NOW, "closes_at": NOW + timedelta(days=30), "now": NOW}
        # The Kalianda kind reminds twice, ten days apart (its catalogue rules).
        # Kalianda's policy belongs to another unit: its round is opened by an admin.
        k = rounds.open_round(s, actor=SYSTEM, slug=kalianda, **window)
        assert (k.reminder_max, k.reminder_interval_days) == (2, 10)
        own = rounds.open_round(
            s, actor=staff["evaluator"], slug=SLUG, reminder_max=0, reminder_interval_days=60, **window
        )
        assert (own.reminder_max, own.reminder_interval_days) == (0, 60)
    for wrong, field in (
        ({"reminder_max": 11}, "reminder_max"),
        ({"reminder_interval_days": 0}, "reminder_interval_days"),
    ):
        with unit_of_work(db) as s:
            rounds.close_round(s, actor=staff["evaluator"], round_id=own.id, now=NOW + timedelta(days=1))
        with unit_of_work(db) as s, pytest.raises(InvalidInput) as info:
            rounds.open_round(s, actor=staff["evaluator"], slug=SLUG, **window, **wrong)  # type: ignore[arg-type]
        assert info.value.field == field and info.value.detail_en
