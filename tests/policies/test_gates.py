"""Each gate's pass and fail, as pure functions of evidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from policies.lifecycle import AdoptionFacts, Evidence, KindRules, UntracedComment, WindowFacts
from policies.lifecycle.gates import GATES
from policies.lifecycle.models import Stage
from policies.lifecycle.stages import evaluate_gates

NOW = datetime(2026, 8, 17, 7, 30, tzinfo=UTC)
RULES = KindRules(min_consultation_days=14, min_workshops=2, socialization_reach_target=0.8)
BASE = Evidence(now=NOW, rules=RULES, cycle=1)
OPEN_WINDOW = WindowFacts(NOW, NOW + timedelta(days=21), None, None, True)
CLOSED_WINDOW = WindowFacts(NOW - timedelta(days=30), NOW - timedelta(days=1), None, NOW, True)
ADOPTION = AdoptionFacts("Peraturan Wali Kota", "12", date(2026, 8, 17))

GOOD = replace(
    BASE,
    draft_versions=2,
    published_versions=1,
    workshops_with_minutes=2,
    window=OPEN_WINDOW,
    adoption=ADOPTION,
    socialization_sessions=3,
    attendance_total=900,
    audience_size=1000,
    closed_rounds_with_report=1,
)

# For each gate: evidence that fails it (starting from GOOD) and a phrase of its reason.
FAILING = {
    "draft_exists": ({"draft_versions": 0}, "Belum ada versi draf"),
    "workshops_held": ({"workshops_with_minutes": 1}, "minimal 2"),
    "version_published": ({"published_versions": 0}, "diterbitkan"),
    "window_long_enough": (
        {"window": WindowFacts(NOW, NOW + timedelta(days=10), None, None, True)},
        "minimal 14 hari",
    ),
    "window_closed": ({"window": OPEN_WINDOW}, "masih terbuka sampai"),
    "every_comment_answered": ({"comments_without_disposition": 3}, "3 masukan yang tampil"),
    "every_acceptance_traced": (
        {"untraced_acceptances": (UntracedComment(12, "Pasal 6"),)},
        "masukan #12 (Pasal 6)",
    ),
    "report_published": ({"window": replace(CLOSED_WINDOW, report_published_at=None)}, "Laporan"),
    "adoption_recorded": ({"adoption": None}, "Penetapan belum dicatat"),
    "socialization_held": ({"socialization_sessions": 0}, "Belum ada sesi"),
    "reach_at_target": ({"attendance_total": 500}, "50,0%"),
    "evaluation_round_closed": ({"closed_rounds_with_report": 0}, "Belum ada putaran"),
}


def _gate(name: str):
    return next(g for g in GATES if g.name == name)


def test_every_gate_has_a_failing_case() -> None:
    assert {g.name for g in GATES} == set(FAILING)


@pytest.mark.parametrize("name", sorted(FAILING))
def test_gate_fails_with_an_actionable_reason(name: str) -> None:
    changes, phrase = FAILING[name]
    good = GOOD if name not in ("window_closed", "report_published") else replace(GOOD, window=CLOSED_WINDOW)
    assert _gate(name).evaluate(good).passed, _gate(name).evaluate(good).reason
    result = _gate(name).evaluate(replace(good, **changes))
    assert not result.passed
    assert phrase in result.reason
    assert result.reason_en and result.reason_en != result.reason


def test_window_gate_refuses_a_missing_and_an_ended_window() -> None:
    gate = _gate("window_long_enough")
    assert "belum dibuat" in gate.evaluate(replace(GOOD, window=None)).reason
    ended = WindowFacts(NOW - timedelta(days=30), NOW - timedelta(days=1), None, None, True)
    assert "sudah berakhir" in gate.evaluate(replace(GOOD, window=ended)).reason


def test_reach_uses_the_larger_lower_bound_and_needs_an_audience() -> None:
    gate = _gate("reach_at_target")
    assert gate.evaluate(replace(GOOD, attendance_total=100, acknowledgements=850)).passed
    assert "belum diisi" in gate.evaluate(replace(GOOD, audience_size=0)).reason


def test_a_refusal_lists_every_failed_gate() -> None:
    evidence = replace(BASE, comments_without_disposition=2)
    results = evaluate_gates(from_stage=Stage.CONSULTATION, to_stage=Stage.SOCIALIZATION, evidence=evidence)
    assert [r.gate for r in results if not r.passed] == [
        "window_closed",
        "every_comment_answered",
        "report_published",
        "adoption_recorded",
    ]


def test_thresholds_come_from_the_kind() -> None:
    strict = replace(GOOD, rules=replace(RULES, min_consultation_days=30))
    assert not _gate("window_long_enough").evaluate(strict).passed
    assert _gate("window_long_enough").evaluate(GOOD).passed
    rules = KindRules.from_mapping({"min_consultation_days": 21, "unknown": 1})
    assert rules.min_consultation_days == 21


def test_comment_gate_says_it_counts_the_visible_comments_of_every_window() -> None:
    gate = _gate("every_comment_answered")
    failed = gate.evaluate(replace(GOOD, comments_without_disposition=1))
    assert "semua jendela konsultasi siklus ini" in failed.reason
    assert "disembunyikan moderator dengan alasan tercatat tidak dihitung" in failed.reason
    assert "every consultation window" in failed.reason_en and "hid" in failed.reason_en
    passed = gate.evaluate(GOOD)
    assert passed.passed and "disembunyikan moderator" in passed.reason


def test_counts_in_a_gate_read_the_indonesian_way() -> None:
    result = _gate("every_comment_answered").evaluate(replace(GOOD, comments_without_disposition=5_000))
    assert result.reason.startswith("5.000 masukan") and result.reason_en.startswith("5,000 visible")


def test_the_trace_gate_names_each_untraced_comment_and_its_pasal() -> None:
    gate = _gate("every_acceptance_traced")
    untraced = (UntracedComment(12, "Pasal 6"), UntracedComment(15, ""), UntracedComment(31, "Pasal 9"))
    failed = gate.evaluate(replace(GOOD, untraced_acceptances=untraced))
    assert not failed.passed and failed.where == "changes"
    assert failed.reason.startswith("3 masukan yang diterima belum ditautkan")
    assert "masukan #12 (Pasal 6), masukan #15, masukan #31 (Pasal 9)." in failed.reason
    assert "comment #12 (Pasal 6), comment #15, comment #31 (Pasal 9)." in failed.reason_en
    passed = gate.evaluate(GOOD)
    assert passed.passed and "alasan mengapa teksnya tetap" in passed.reason


def test_the_trace_gate_names_ten_comments_and_counts_the_rest() -> None:
    many = tuple(UntracedComment(n, "Pasal 1") for n in range(1, 1_236))
    failed = _gate("every_acceptance_traced").evaluate(replace(GOOD, untraced_acceptances=many))
    assert failed.reason.startswith("1.235 masukan")
    assert "masukan #10 (Pasal 1), dan 1.225 lainnya." in failed.reason
    assert "#11 " not in failed.reason
    assert "comment #10 (Pasal 1), and 1,225 more." in failed.reason_en


def test_an_untraced_acceptance_refuses_adoption_beside_the_other_gates() -> None:
    evidence = replace(GOOD, window=CLOSED_WINDOW, untraced_acceptances=(UntracedComment(4, "Pasal 2"),))
    results = evaluate_gates(from_stage=Stage.CONSULTATION, to_stage=Stage.SOCIALIZATION, evidence=evidence)
    assert [r.gate for r in results if not r.passed] == ["every_acceptance_traced"]
