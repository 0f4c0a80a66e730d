"""Results, indicators, recommendations and the report of a closed round."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, select

from policies.core.db import unit_of_work
from policies.core.errors import Conflict, InvalidInput, PermissionDenied
from policies.evaluation import indicators, measurements, population
from policies.evaluation.models import Indicator, Measurement
from policies.evaluation.queries import recommendations_for
from policies.evaluation.report import render_report
from policies.evaluation.results import compute_results
from policies.evaluation.views import results_of
from policies.lifecycle.queries import get_policy
from policies.outbox.models import Reminder
from tests.policies.evaluation.conftest import (
    SECRET,
    SLUG,
    answer_and_close,
    answers,
    csv_of,
    indicator,
    open_now,
    populate,
)

# Four sheets: two from Dinas Kesehatan all 4s (with u8 = 2), two from Dinas Pendidikan all 3s (u8 = 1).
SHEETS = [
    answers([4, 4, 4, 4, 4, 4, 4, 2, 4], kualitas_pelatihan=4, usulan_materi="Literasi data"),
    answers([4, 4, 4, 4, 4, 4, 4, 2, 4], kualitas_pelatihan=3, alasan_tidak_ikut=["Jadwal tidak sesuai"]),
    answers(
        [3, 3, 3, 3, 3, 3, 3, 1, 3],
        unit="Dinas Pendidikan",
        kualitas_pelatihan=2,
        usulan_materi="<script>alert('x')</script> *tebal*",
    ),
    answers(
        [3, 3, 3, 3, 3, 3, 3, 1, 3],
        unit="Dinas Pendidikan",
        kualitas_pelatihan=2,
        format_pelatihan="Tatap muka",
    ),
]


@pytest.fixture
def closed_round(db: str, in_evaluation: str, staff: dict) -> int:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=10)
        issued = population.import_population_csv(
            s,
            actor=staff["evaluator"],
            round_id=survey.id,
            secret=SECRET,
            csv_text=csv_of(5) + csv_of(5, unit="Dinas Pendidikan", start=5).split("\n", 1)[1],
        ).issued
        jp = indicator(s, "jp_per_asn")
        measurements.record_measurement(
            s,
            actor=staff["evaluator"],
            indicator_id=jp.id,
            value=14.5,
            round_id=survey.id,
            measured_on=date(2026, 8, 20),
        )
    answer_and_close(db, staff["evaluator"], round_id=survey.id, sheets=zip(issued, SHEETS, strict=False))
    return survey.id  # type: ignore[return-value]


def test_results_overall_by_unit_and_questions(db: str, closed_round: int) -> None:
    with unit_of_work(db) as s:
        from policies.evaluation.models import SurveyRound

        r = compute_results(s, survey=s.get(SurveyRound, closed_round))
    # Per unsur (u1..u7, u9): (4+4+3+3)/4 = 3,5 -> 87,50 B; u8: (2+2+1+1)/4 = 1,5 -> 37,50 D.
    # IKM = (8 x 3,5 + 1,5)/9 x 25 = 29,5/9 x 25 = 81,944... -> 81,94 -> B.
    assert r.ikm.ikm == "81.94" and r.ikm.category == "B"
    u8 = r.ikm.unsur[7]
    assert (u8.ikm, u8.category) == ("37.50", "D")
    # Two sheets per unit: too few to show a unit (or even the two merged) without exposing someone.
    assert r.by_unit == {}
    # Nor their count: below the minimum a count tells as much as an index.
    assert (r.other_units.units, r.other_units.respondents, r.other_units.ikm) == (2, None, None)
    assert (r.population, r.responses, r.target_sample) == (10, 4, 10)
    assert r.response_rate == 0.4 and not r.sample_reached
    # kualitas_pelatihan: (4+3+2+2)/4 = 2,75 x 25 = 68,75.
    assert r.question("kualitas_pelatihan").index == 68.75
    assert r.question("format_pelatihan").counts["Tatap muka"] == 1
    assert r.question("alasan_tidak_ikut").counts == {
        "Mengganggu pekerjaan sehari-hari": 0,
        "Jadwal tidak sesuai": 1,
        "Materi kurang relevan": 0,
        "Tidak mendapat izin atasan": 0,
        "Kendala akses pelatihan daring": 0,
        "Saya mengikuti dan menyelesaikan pelatihan": 0,
    }
    assert r.question("usulan_materi").texts == 2


def test_closing_records_measurements_and_recommends_revision(db: str, closed_round: int) -> None:
    with unit_of_work(db) as s:
        values = {
            i.code: m.value
            for m, i in s.exec(
                select(Measurement, Indicator).join(Indicator, col(Indicator.id) == Measurement.indicator_id)
            )
        }
        # No mentoring pairs recorded for an audience of 8.500: coverage 0%.
        assert values == {
            "ikm": 81.94,
            "kualitas_pelatihan": 68.75,
            "jp_per_asn": 14.5,
            "cakupan_mentoring": 0.0,
        }
        recs = recommendations_for(s, policy_id=get_policy(s, slug=SLUG).id, cycle=1)
        assert len(recs) == 1
        reasons = {(r["kind"], r["code"]): r for r in recs[0].reasons}
        assert set(reasons) == {
            ("indicator", "jp_per_asn"),
            ("indicator", "kualitas_pelatihan"),
            ("indicator", "cakupan_mentoring"),
            ("unsur", "u8"),
        }
        assert reasons[("indicator", "jp_per_asn")]["shortfall"] == 5.5
        assert reasons[("indicator", "kualitas_pelatihan")]["shortfall"] == 11.25
        assert "Penanganan Pengaduan" in reasons[("unsur", "u8")]["text"]
        notices = s.exec(select(Reminder).where(Reminder.template == "revision_recommended")).all()
        assert [n.recipient_email for n in notices] == ["drafter@tangsel.go.id"]
        assert (
            notices[0].dedupe_key
            == f"survey:{closed_round}:revision-recommended:{notices[0].recipient_account_id}"
        )


def test_meets_target_reads_the_direction() -> None:
    up = Indicator(policy_id=1, code="a", name="a", unit="%", target=80, direction="up")
    down = Indicator(policy_id=1, code="b", name="b", unit="%", target=10, direction="down")
    assert indicators.meets_target(up, value=80) and not indicators.meets_target(up, value=79.99)
    assert indicators.meets_target(down, value=10) and not indicators.meets_target(down, value=10.5)
    assert indicators.shortfall(down, value=12.5) == 2.5 and indicators.shortfall(up, value=90) == 0


def test_manual_measurements_csv_import_and_trends(db: str, closed_round: int, staff: dict) -> None:
    csv_text = 'code,value,measured_on,note\njp_per_asn,"16,5",2026-09-01,SIASN\nasn_tanpa_pelatihan,12,,\n'
    with unit_of_work(db) as s:
        rows = measurements.import_measurements_csv(
            s, actor=staff["evaluator"], slug=SLUG, csv_text=csv_text, round_id=closed_round
        )
        assert [r.value for r in rows] == [16.5, 12.0]
        with pytest.raises(InvalidInput, match="Baris 2: indikator 'nope'"):
            measurements.import_measurements_csv(
                s, actor=staff["evaluator"], slug=SLUG, csv_text="code,value\nnope,1\n"
            )
        ikm_ind = indicator(s, "ikm")
        with pytest.raises(Conflict, match="dihitung otomatis"):
            measurements.record_measurement(
                s, actor=staff["evaluator"], indicator_id=ikm_ind.id, value=90, round_id=closed_round
            )
        trend = indicators.trends(s, policy_id=ikm_ind.policy_id)
        assert [(p.round_number, p.value, p.meets) for p in trend[ikm_ind.id]] == [(1, 81.94, True)]
    from policies.accounts.access import Actor
    from policies.accounts.models import Role

    with unit_of_work(db) as s, pytest.raises(PermissionDenied):
        indicators.create_indicator(
            s,
            actor=Actor(id=None, name="x", role=Role.STAKEHOLDER),
            slug=SLUG,
            code="baru",
            name="Baru",
            unit="%",
            target=1,
        )
    with unit_of_work(db) as s:
        new = indicators.create_indicator(
            s,
            actor=staff["evaluator"],
            slug=SLUG,
            code="partisipasi_daring",
            name="Partisipasi daring",
            unit="persen",
            target=60,
        )
        indicators.update_indicator(
            s, actor=staff["evaluator"], indicator_id=new.id, changes={"target": 65.0}
        )
        indicators.delete_indicator(s, actor=staff["evaluator"], indicator_id=new.id)
        with pytest.raises(Conflict, match="sudah memiliki pengukuran"):
            indicators.delete_indicator(s, actor=staff["evaluator"], indicator_id=ikm_ind.id)


@pytest.mark.parametrize(("fmt", "locale"), [("html", "id"), ("html", "en"), ("md", "id"), ("md", "en")])
def test_report_in_both_formats_and_languages(db: str, closed_round: int, fmt: str, locale: str) -> None:
    with unit_of_work(db) as s:
        text = render_report(s, round_id=closed_round, fmt=fmt, locale=locale)
    assert ("IKM 81,94" if locale == "id" else "IKM 81.94") in text
    assert ("Baik" if locale == "id" else "Good") in text
    assert text.count("<svg") >= 3  # unsur bars, response gauge, indicator trends
    assert "<script>" not in text  # free text is escaped
    assert ("Penanganan Pengaduan" if locale == "id" else "Handling of complaints") in text
    assert ("Rekomendasi revisi" if locale == "id" else "Revision recommendation") in text
    if fmt == "html":
        assert "&lt;script&gt;" in text and "Literasi data" in text
    else:
        assert "&lt;script&gt;" in text and "\\*tebal\\*" in text
        # 2 sheets: listed, but with no figure, and the merge too small to show either.
        hidden = "&lt; 5 \\(disembunyikan\\)" if locale == "id" else "&lt; 5 \\(hidden\\)"
        assert f"| Dinas Pendidikan | {hidden} |" in text
        assert ("digabung menjadi “Lainnya”" if locale == "id" else "merged into “Other”") in text


def test_an_open_rounds_results_and_report_are_nobodys_until_it_closes(
    db: str, in_evaluation: str, staff: dict
) -> None:
    # Live figures compared after each answer would tie a sheet to whoever just answered: while the
    # round runs, nobody sees them, not its own evaluator, not an admin; only the totals are told.
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"])
        populate(s, staff["evaluator"], survey, n=3)
    for call in (
        lambda s: render_report(s, round_id=survey.id),
        lambda s: render_report(s, round_id=survey.id, fmt="md", locale="en"),
        lambda s: results_of(s, round_id=survey.id),
    ):
        with unit_of_work(db) as s, pytest.raises(Conflict) as info:
            call(s)
        assert "diterbitkan ketika putaran ditutup" in info.value.detail
        assert (info.value.extra["invited"], info.value.extra["responded"]) == (3, 0)
