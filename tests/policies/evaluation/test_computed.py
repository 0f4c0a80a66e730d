"""Computed indicators from real rows, and the IKM category boundaries reached by real answer sheets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from policies.accounts.access import Actor
from policies.accounts.models import Account, Role
from policies.core.db import unit_of_work
from policies.drafting.models import DraftVersion
from policies.evaluation import responses, rounds
from policies.evaluation.models import Indicator, Measurement, SurveyRound
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from policies.rollout.models import Acknowledgement, Adoption, MentoringPair
from tests.conftest import NOW
from tests.policies.evaluation.conftest import SLUG, answers, open_now, populate

KEPEGAWAIAN = "perwal-kebijakan-kepegawaian-asn-2026"


def _measured(s, slug: str, round_id: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    policy = get_policy(s, slug=slug)
    rows = s.exec(
        select(Indicator.code, Measurement.value)
        .join(Measurement, col(Measurement.indicator_id) == Indicator.id)
        .where(Indicator.policy_id == policy.id, Measurement.round_id == round_id)
    )
    return dict(rows.all())


def test_acknowledgement_reach_and_mentoring_coverage_from_their_rows(
    db: str, catalog: None, staff: dict
) -> None:
    evaluator: Actor = staff["evaluator"]
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=KEPEGAWAIAN)
        # An audience of 8 keeps the shares legible: 3 acknowledgements -> 37,5 %, 4 mentees -> 50 %.
        policy.stage, policy.audience_size = Stage.EVALUATION, 8
        s.add(policy)
        version = s.exec(select(DraftVersion).where(DraftVersion.policy_id == policy.id)).first()
        s.add(
            Adoption(
                policy_id=policy.id,
                cycle=1,
                version_id=version.id,
                instrument_type="Peraturan Wali Kota",
                number="45",
                adopted_on=date(2026, 8, 1),
                signed_by="Wali Kota Tangerang Selatan",
            )
        )
        readers = [
            Account(email=f"asn{i}@tangsel.go.id", name=f"ASN {i}", password_hash="x", role=Role.STAKEHOLDER)
            for i in range(3)
        ]
        s.add_all(readers)
        s.flush()
        s.add_all(
            Acknowledgement(policy_id=policy.id, version_id=version.id, account_id=a.id) for a in readers
        )
        mentees = [("Ani", "1"), ("Budi", "2"), ("Ani", "1"), ("Citra", "3"), ("Dedi", "4")]
        s.add_all(
            MentoringPair(
                policy_id=policy.id,
                cycle=1,
                mentor_name="Sari",
                mentee_name=n,
                mentee_nip=nip,
                started_on=date(2026, 8, 5),
            )
            for n, nip in mentees
        )
        # A pair of another cycle does not count for this one.
        s.add(
            MentoringPair(
                policy_id=policy.id,
                cycle=2,
                mentor_name="Sari",
                mentee_name="Eko",
                mentee_nip="5",
                started_on=date(2026, 8, 5),
            )
        )
        survey = rounds.open_round(
            s, actor=evaluator, slug=KEPEGAWAIAN, opens_at=NOW, closes_at=NOW + timedelta(days=5), now=NOW
        )
    with unit_of_work(db) as s:
        rounds.close_round(s, actor=evaluator, round_id=survey.id, now=NOW + timedelta(days=5))
        values = _measured(s, KEPEGAWAIAN, survey.id)
    assert values["jangkauan_sosialisasi"] == 37.5  # acknowledgement_reach
    assert values["cakupan_mentoring"] == 50.0  # mentoring_coverage: Ani counted once
    assert "ikm" not in values  # nobody answered: no index, no measurement


def _sheets(groups: list[tuple[int, list[int]]]) -> list[list[int]]:
    return [scores for count, scores in groups for _ in range(count)]


SUM_23 = [3, 3, 3, 3, 3, 2, 2, 2, 2]
SUM_24 = [3, 3, 3, 3, 3, 3, 2, 2, 2]
SUM_31 = [4, 4, 4, 4, 3, 3, 3, 3, 3]
SUM_32 = [4, 4, 4, 4, 4, 3, 3, 3, 3]


# IKM = 25 x S / (9 x n) for S the sum of every score of n sheets; each case is the smallest n that
# reaches the boundary (found by trying every S for n = 1, 2, …):
#   64,99 (D): n = 38, S = 15 x 24 + 23 x 23 = 889; 22225 / 342 = 64,98538… -> 64,99 -> D
#   88,30 (B): n = 19, S = 15 x 32 + 4 x 31 = 604; 15100 / 171 = 88,30409… -> 88,30 -> B
#   88,31 (A): n = 24, S = 19 x 32 + 5 x 31 = 763; 19075 / 216 = 88,31018… -> 88,31 -> A
@pytest.mark.parametrize(
    ("sheets", "ikm", "category"),
    [
        (_sheets([(15, SUM_24), (23, SUM_23)]), "64.99", "D"),
        (_sheets([(15, SUM_32), (4, SUM_31)]), "88.30", "B"),
        (_sheets([(19, SUM_32), (5, SUM_31)]), "88.31", "A"),
    ],
    ids=["64,99-D", "88,30-B", "88,31-A"],
)
def test_category_boundaries_reached_by_answer_sheets(
    db: str, in_evaluation: str, staff: dict, sheets: list[list[int]], ikm: str, category: str
) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=5)
        issued = populate(s, staff["evaluator"], survey, n=len(sheets), now=None).issued
    with unit_of_work(db) as s:
        for token, scores in zip(issued, sheets, strict=True):
            responses.submit_response(
                s, token=token.token, answers=answers(scores), now=NOW + timedelta(days=1)
            )
    with unit_of_work(db) as s:
        rounds.close_round(s, actor=staff["evaluator"], round_id=survey.id, now=NOW + timedelta(days=5))
        closed = s.get(SurveyRound, survey.id)
        assert (closed.results["ikm"]["ikm"], closed.results["ikm"]["category"]) == (ikm, category)
        assert _measured(s, SLUG, survey.id)["ikm"] == float(ikm)
