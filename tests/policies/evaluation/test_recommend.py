"""Recommendations in both languages, late measurements that re-evaluate a closed round, and the
revision notes a recommendation becomes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from policies.core.db import unit_of_work
from policies.core.errors import Conflict, InvalidInput, PermissionDenied
from policies.drafting import revision
from policies.drafting.models import RevisionNote
from policies.evaluation import measurements, queries, recommend, rounds
from policies.evaluation.models import Indicator, Measurement, SurveyRound
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from policies.outbox.message_text import render_email
from policies.outbox.models import Reminder
from tests.conftest import NOW
from tests.policies.evaluation.conftest import SLUG, answer_and_close, answers, indicator, open_now, populate


@pytest.fixture
def closed_round(db: str, in_evaluation: str, staff: dict) -> int:
    """A round of five answer sheets, good everywhere but u8, closed with JP per ASN at 14,5."""
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=10)
        issued = populate(s, staff["evaluator"], survey, n=5).issued
        measurements.record_measurement(
            s,
            actor=staff["evaluator"],
            indicator_id=indicator(s, "jp_per_asn").id,
            value=14.5,
            round_id=survey.id,
        )
    sheet = answers([4, 4, 4, 4, 4, 4, 4, 2, 4], kualitas_pelatihan=4)
    answer_and_close(db, staff["evaluator"], round_id=survey.id, sheets=((token, sheet) for token in issued))
    return survey.id  # type: ignore[return-value]


def _recommendation(db: str, round_id: int):  # type: ignore[no-untyped-def]
    with unit_of_work(db) as s:
        return queries.recommendation_of(s, round_id=round_id)


def _notices(db: str) -> list[Reminder]:
    with unit_of_work(db) as s:
        stmt = select(Reminder).where(Reminder.template == "revision_recommended").order_by(col(Reminder.id))
        return list(s.exec(stmt))


def test_reasons_and_summary_are_stored_in_both_languages(db: str, closed_round: int) -> None:
    rec = _recommendation(db, closed_round)
    reasons = {(r["kind"], r["code"]): r for r in rec.reasons}
    jp, u8 = reasons[("indicator", "jp_per_asn")], reasons[("unsur", "u8")]
    assert jp["text"] == (
        "Indikator Rata-rata jam pelajaran pengembangan kompetensi per ASN per tahun: 14,50 JP per ASN, "
        "5,50 di bawah target 20,00."
    )
    assert jp["text_en"] == (
        "Indicator Average competency-development hours (JP) per civil servant per year: 14.50 JP per "
        "civil servant, 5.50 below the target of 20.00."
    )
    # u8: five 2s -> NRR 2 -> 50,00, category D; 76,61 - 50,00 = 26,61 short of category B.
    assert u8["text_en"] == (
        "Element Handling of complaints, suggestions and feedback: index 50.00, category D (Poor), "
        "26.61 below category B."
    )
    assert "kategori D (Tidak Baik), 26,61 di bawah kategori B" in u8["text"]
    assert rec.summary_en == f"Survey round 1 recommends revision: {len(rec.reasons)} findings."
    # The English drafter reads English reasons.
    [notice] = _notices(db)
    notice.locale = "en"
    subject, body = render_email(notice, base_url="https://siklus.example")
    assert subject.startswith("[Siklus] Evaluation recommends revision")
    assert jp["text_en"] in body and u8["text_en"] in body and "Indikator" not in body


def test_a_late_measurement_re_evaluates_the_closed_round_once(
    db: str, closed_round: int, staff: dict
) -> None:
    before = _recommendation(db, closed_round)
    assert ("indicator", "partisipasi_pelatihan") not in {(r["kind"], r["code"]) for r in before.reasons}
    with unit_of_work(db) as s:
        ind = indicator(s, "partisipasi_pelatihan")
        measurements.record_measurement(
            s, actor=staff["evaluator"], indicator_id=ind.id, value=55, round_id=closed_round
        )
    after = _recommendation(db, closed_round)
    assert after.id == before.id and len(after.reasons) == len(before.reasons) + 1
    added = after.reasons[-1]
    assert (added["code"], added["shortfall"]) == ("partisipasi_pelatihan", 25.0)
    assert after.summary == f"Putaran survei 1 merekomendasikan revisi: {len(after.reasons)} temuan."
    notices = _notices(db)
    assert len(notices) == 2 and notices[1].context["added"] is True
    assert notices[1].context["reasons"] == [added["text"]]
    # The same value again, or a new value of a reason already known: nothing new, nobody told twice.
    with unit_of_work(db) as s:
        for value in (55, 60):
            measurements.record_measurement(
                s, actor=staff["evaluator"], indicator_id=ind.id, value=value, round_id=closed_round
            )
    assert len(_recommendation(db, closed_round).reasons) == len(after.reasons)
    assert len(_notices(db)) == 2


def test_an_imported_file_re_evaluates_once_for_all_its_rows(db: str, closed_round: int, staff: dict) -> None:
    csv_text = "code;value;note\npartisipasi_pelatihan;61,5;SIASN\nasn_tanpa_pelatihan;12,25;SIASN\n"
    with unit_of_work(db) as s:
        rows = measurements.import_measurements_csv(
            s, actor=staff["evaluator"], slug=SLUG, csv_text=csv_text, round_id=closed_round
        )
    assert [r.value for r in rows] == [61.5, 12.25]
    codes = [r["code"] for r in _recommendation(db, closed_round).reasons]
    assert codes[-2:] == ["asn_tanpa_pelatihan", "partisipasi_pelatihan"]
    notices = _notices(db)
    assert len(notices) == 2 and len(notices[1].context["reasons"]) == 2


def test_a_round_without_a_recommendation_gets_one_from_late_data(
    db: str, in_evaluation: str, staff: dict
) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=3)
        # The computed indicators could not miss: no answers, and the mentoring indicator removed.
        for ind in s.exec(select(Indicator).where(Indicator.policy_id == survey.policy_id)):
            if ind.source != "manual":
                s.delete(ind)
        s.flush()
        rounds.close_round(s, actor=staff["evaluator"], round_id=survey.id, now=NOW + timedelta(days=3))
        assert queries.recommendation_of(s, round_id=survey.id) is None
        added = measurements.record_measurement(
            s,
            actor=staff["evaluator"],
            indicator_id=indicator(s, "jp_per_asn").id,
            value=19,
            round_id=survey.id,
        )
        assert added.round_id == survey.id
        rec = queries.recommendation_of(s, round_id=survey.id)
        assert [r["code"] for r in rec.reasons] == ["jp_per_asn"] and rec.cycle == 1


def _into_revision(db: str, staff: dict) -> None:
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        policy.stage, policy.cycle = Stage.REVISION, 2
        s.add(policy)


def test_entering_revision_attaches_each_reason_as_a_note_once(
    db: str, closed_round: int, staff: dict
) -> None:
    with unit_of_work(db) as s:
        # A later, dated value of the same indicator: the round's reason is the one note about it.
        s.add(
            Measurement(
                indicator_id=indicator(s, "jp_per_asn").id,
                value=16.0,
                measured_on=NOW.date() + timedelta(days=20),
            )
        )
    _into_revision(db, staff)
    rec = _recommendation(db, closed_round)
    with unit_of_work(db) as s:
        assert recommend.attach_recommendations(s, slug=SLUG) == len(rec.reasons)
        assert recommend.attach_recommendations(s, slug=SLUG) == 0
        revision.attach_revision_notes(s, slug=SLUG)
        notes = list(s.exec(select(RevisionNote).order_by(col(RevisionNote.id))))
    assert {n.source for n in notes} == {"recommendation"}  # no duplicate indicator note for JP
    jp = next(n for n in notes if n.reason_code == "indicator:jp_per_asn")
    assert jp.cycle == 2 and jp.round_id == closed_round
    assert (
        jp.detail == "Putaran survei 1 (ditutup 27 Agustus 2026): nilai 14,50, target ≥ 20,00, kurang 5,50."
    )
    assert (
        jp.detail_en == "Survey round 1 (closed August 27, 2026): value 14.50, target ≥ 20.00, short by 5.50."
    )
    with unit_of_work(db) as s:
        views = revision.notes_of(s, slug=SLUG, cycle=2)
    link = next(v.link for v in views if v.id == jp.id)
    assert link == {
        "recommendation_id": rec.id,
        "round_id": closed_round,
        "round_number": 1,
        "indicator_code": "jp_per_asn",
    }
    assert next(v.link for v in views if v.summary.startswith("Unsur"))["unsur_code"] == "u8"


def test_an_indicator_missed_only_after_the_round_is_a_note_of_its_own(
    db: str, closed_round: int, staff: dict
) -> None:
    with unit_of_work(db) as s:
        ind = indicator(s, "partisipasi_pelatihan")
        s.add(Measurement(indicator_id=ind.id, value=1234.5, measured_on=NOW.date(), note="Rekap"))
        s.add(Measurement(indicator_id=ind.id, value=62.25, measured_on=NOW.date() + timedelta(days=30)))
    _into_revision(db, staff)
    with unit_of_work(db) as s:
        revision.attach_revision_notes(s, slug=SLUG)
        [note] = s.exec(select(RevisionNote).where(RevisionNote.source == "indicator")).all()
    # Indonesian numbers in the note (62,25, not 62.25), and its English twin.
    assert note.summary == (
        "Indikator Tingkat partisipasi ASN dalam pelatihan dan workshop belum mencapai target: 62,25 dari "
        "target 80,00 persen (diukur 16 September 2026)."
    )
    assert note.summary_en.startswith("Indicator Civil-servant participation rate in training and workshops")
    assert "62.25 against 80.00 percent" in note.summary_en


def test_late_data_after_entering_revision_joins_the_notes(db: str, closed_round: int, staff: dict) -> None:
    _into_revision(db, staff)
    with unit_of_work(db) as s:
        recommend.attach_recommendations(s, slug=SLUG)
        before = len(s.exec(select(RevisionNote)).all())
        survey = s.get(SurveyRound, closed_round)
        assert survey.closed_at is not None
        measurements.record_measurement(
            s,
            actor=staff["evaluator"],
            indicator_id=indicator(s, "partisipasi_pelatihan").id,
            value=40,
            round_id=closed_round,
        )
        codes = [n.reason_code for n in s.exec(select(RevisionNote))]
    assert len(codes) == before + 1 and "indicator:partisipasi_pelatihan" in codes


def test_an_evaluators_own_recommendation_tells_the_drafters_and_becomes_a_revision_note(
    db: str, closed_round: int, staff: dict
) -> None:
    with unit_of_work(db) as s, pytest.raises(PermissionDenied):
        recommend.record_recommendation(s, actor=staff["drafter"], round_id=closed_round, text="Sendiri.")
    with unit_of_work(db) as s, pytest.raises(InvalidInput) as blank:
        recommend.record_recommendation(s, actor=staff["evaluator"], round_id=closed_round, text="  ")
    assert blank.value.field == "text"
    before = len(_recommendation(db, closed_round).reasons)
    with unit_of_work(db) as s:
        rec = recommend.record_recommendation(
            s, actor=staff["evaluator"], round_id=closed_round, text="Perluas pelatihan daring."
        )
    assert len(rec.reasons) == before + 1 and rec.summary.endswith(f"{before + 1} temuan.")
    mine = rec.reasons[-1]
    assert (mine["kind"], mine["code"], mine["by"], mine["text_en"]) == (
        "evaluator",
        "e1",
        "Eva Luator",
        "Perluas pelatihan daring.",
    )
    [notice] = [n for n in _notices(db) if ":evaluator:1" in n.dedupe_key]
    _, body = render_email(notice, base_url="http://siklus.test")
    assert "Evaluator Eva Luator mencatat rekomendasi revisi" in body and "Perluas pelatihan daring." in body
    _into_revision(db, staff)
    with unit_of_work(db) as s:
        recommend.attach_recommendations(s, slug=SLUG)
        views = revision.notes_of(s, slug=SLUG, cycle=2)
    [note] = [v for v in views if v.summary == "Perluas pelatihan daring."]
    assert note.detail == "Putaran survei 1 (ditutup 27 Agustus 2026): rekomendasi evaluator Eva Luator."
    assert note.link == {"recommendation_id": rec.id, "round_id": closed_round, "round_number": 1}


def test_a_running_round_takes_no_recommendation(db: str, in_evaluation: str, staff: dict) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=10)
    with unit_of_work(db) as s, pytest.raises(Conflict):
        recommend.record_recommendation(s, actor=staff["evaluator"], round_id=survey.id, text="Terlalu dini.")
