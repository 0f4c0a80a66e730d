"""The evaluation's typed texts (indicators, notes, CSV uploads, survey answers) refuse NUL everywhere."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session, select

from policies.core.db import unit_of_work
from policies.core.errors import InvalidInput
from policies.evaluation import indicators, measurements, population, responses
from policies.evaluation.models import Indicator
from policies.lifecycle.queries import get_policy
from tests.conftest import NOW
from tests.policies.evaluation.conftest import SECRET, SLUG, answers, csv_of, open_now

BAD = "teks\x00rusak"
Call = Callable[[Session], object]


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("indicator_name", "name"),
        ("indicator_name_en", "name_en"),
        ("indicator_unit", "unit"),
        ("indicator_rename", "name"),
        ("measurement_note", "note"),
        ("measurements_csv", "file"),
        ("population_csv", "file"),
        ("accounts_of_unit", "unit"),
        ("survey_answer", "usulan_materi"),
    ],
)
def test_the_evaluation_refuses_nul_in_every_text(
    db: str, in_evaluation: str, staff: dict, case: str, field: str
) -> None:
    evaluator = staff["evaluator"]
    with unit_of_work(db) as s:
        survey = open_now(s, evaluator)
        round_id = survey.id
        [person] = population.import_population_csv(
            s, actor=evaluator, round_id=round_id, secret=SECRET, csv_text=csv_of(1), now=NOW
        ).issued
        policy = get_policy(s, slug=SLUG)
        jp = s.exec(
            select(Indicator).where(Indicator.code == "jp_per_asn", Indicator.policy_id == policy.id)
        ).one()
        jp_id = jp.id or 0

    def indicator(**bad: str) -> Call:
        fields = {"code": "baru", "name": "Indikator baru", "unit": "persen"} | bad
        return lambda s: indicators.create_indicator(s, actor=evaluator, slug=SLUG, target=1.0, **fields)

    calls: dict[str, Call] = {
        "indicator_name": indicator(name=BAD),
        "indicator_name_en": indicator(name_en=BAD),
        "indicator_unit": indicator(unit=BAD),
        "indicator_rename": lambda s: indicators.update_indicator(
            s, actor=evaluator, indicator_id=jp_id, changes={"name": BAD}
        ),
        "measurement_note": lambda s: measurements.record_measurement(
            s, actor=evaluator, indicator_id=jp_id, value=20.0, note=BAD
        ),
        "measurements_csv": lambda s: measurements.import_measurements_csv(
            s, actor=evaluator, slug=SLUG, csv_text=f"code,value,note\njp_per_asn,20,{BAD}\n"
        ),
        "population_csv": lambda s: population.import_population_csv(
            s,
            actor=evaluator,
            round_id=round_id,
            secret=SECRET,
            csv_text=csv_of(1, unit=BAD, start=5),
            now=NOW,
        ),
        "accounts_of_unit": lambda s: population.add_accounts(
            s, actor=evaluator, round_id=round_id, secret=SECRET, unit=BAD, now=NOW
        ),
        "survey_answer": lambda s: responses.submit_response(
            s, token=person.token, answers=answers(usulan_materi=BAD), now=NOW
        ),
    }
    with unit_of_work(db) as s, pytest.raises(InvalidInput) as info:
        calls[case](s)
    assert info.value.field == field
    assert "NUL" in info.value.detail and "NUL" in info.value.detail_en
