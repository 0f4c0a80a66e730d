"""Measurements: numbers written the Indonesian way, pages, and what the public may read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import unit_of_work
from policies.core.errors import InvalidInput
from policies.evaluation import indicators, measurements, rounds
from policies.evaluation.measurements import parse_number
from policies.evaluation.models import Indicator
from policies.lifecycle.queries import get_policy
from tests.conftest import NOW
from tests.policies.evaluation.conftest import SLUG, open_now

PUBLIC = None
STAKEHOLDER = Actor(id=None, name="Budi", role=Role.STAKEHOLDER)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("76,61", 76.61),
        ("76.61", 76.61),
        ("1.234,56", 1234.56),
        ("1.234.567", 1234567.0),
        ("1,234.56", 1234.56),
        ("-0,5", -0.5),
        (" 20 ", 20.0),
        ("1.234", 1.234),  # one separator is the decimal one
    ],
)
def test_numbers_are_read_the_indonesian_way_too(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1.23.4", "1,2,3", "12,3.4", "1e3", "nan"])
def test_what_is_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def _jp(s) -> Indicator:  # type: ignore[no-untyped-def]
    policy = get_policy(s, slug=SLUG)
    return s.exec(
        select(Indicator).where(Indicator.code == "jp_per_asn", Indicator.policy_id == policy.id)
    ).one()


def test_csv_import_reads_indonesian_numbers_and_names_a_bad_line(
    db: str, in_evaluation: str, staff: dict
) -> None:
    text = (
        'code,value,measured_on,note\njp_per_asn,"1.234,56",2026-09-01,rekap\npartisipasi_pelatihan,76.61,,\n'
    )
    with unit_of_work(db) as s:
        rows = measurements.import_measurements_csv(s, actor=staff["evaluator"], slug=SLUG, csv_text=text)
        assert [(r.value, r.measured_on) for r in rows] == [
            (1234.56, date(2026, 9, 1)),
            (76.61, rows[1].measured_on),
        ]
    with unit_of_work(db) as s, pytest.raises(InvalidInput) as info:
        measurements.import_measurements_csv(
            s, actor=staff["evaluator"], slug=SLUG, csv_text="code;value\njp_per_asn;20\njp_per_asn;dua\n"
        )
    assert info.value.detail.startswith("Baris 3: nilai atau tanggal tidak valid")
    assert info.value.detail_en.startswith("Line 3: invalid value or date")


def test_the_public_never_sees_who_entered_a_value_nor_an_open_rounds_values(
    db: str, in_evaluation: str, staff: dict
) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=10)
        jp = _jp(s)
        measurements.record_measurement(
            s,
            actor=staff["evaluator"],
            indicator_id=jp.id,
            value=15,
            measured_on=date(2026, 8, 1),
            note="SIASN",
        )
        measurements.record_measurement(
            s, actor=staff["evaluator"], indicator_id=jp.id, value=17, round_id=survey.id, note="rekap unit"
        )
    with unit_of_work(db) as s:
        staff_page = measurements.measurements_page(s, indicator_id=jp.id, viewer=staff["drafter"])
        assert [(m.value, m.note, m.entered_by_id) for m in staff_page.items] == [
            (15, "SIASN", staff["evaluator"].id),
            (17, "rekap unit", staff["evaluator"].id),
        ]
        for viewer in (PUBLIC, STAKEHOLDER):
            page = measurements.measurements_page(s, indicator_id=jp.id, viewer=viewer)
            assert [(m.value, m.note, m.entered_by_id) for m in page.items] == [(15, "", None)]
            [view] = [
                v
                for v in indicators.indicators_page(s, slug=SLUG, viewer=viewer).items
                if v.indicator.id == jp.id
            ]
            assert view.trend == [] and view.latest is None
        [staff_view] = [
            v
            for v in indicators.indicators_page(s, slug=SLUG, viewer=staff["evaluator"]).items
            if v.indicator.id == jp.id
        ]
        assert staff_view.latest == 17
    with unit_of_work(db) as s:
        rounds.close_round(s, actor=staff["evaluator"], round_id=survey.id, now=NOW + timedelta(days=10))
    with unit_of_work(db) as s:
        page = measurements.measurements_page(s, indicator_id=jp.id, viewer=PUBLIC)
        assert [(m.value, m.note) for m in page.items] == [(15, ""), (17, "")]


def test_pages_of_measurements_and_indicators_follow_their_cursors(
    db: str, in_evaluation: str, staff: dict
) -> None:
    with unit_of_work(db) as s:
        jp = _jp(s)
        for day in (5, 1, 3, 1, 2):
            measurements.record_measurement(
                s, actor=staff["evaluator"], indicator_id=jp.id, value=day, measured_on=date(2026, 8, day)
            )
    seen: list[float] = []
    cursor = None
    with unit_of_work(db) as s:
        while True:
            page = measurements.measurements_page(
                s, indicator_id=jp.id, viewer=PUBLIC, cursor=cursor, limit=2
            )
            seen += [m.value for m in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert seen == [1, 1, 2, 3, 5]
        codes: list[str] = []
        cursor = None
        while True:
            ipage = indicators.indicators_page(s, slug=SLUG, viewer=PUBLIC, cursor=cursor, limit=4)
            codes += [v.indicator.code for v in ipage.items]
            cursor = ipage.next_cursor
            if cursor is None:
                break
        assert codes == sorted(codes) and len(codes) == 6
        with pytest.raises(InvalidInput) as info:
            measurements.measurements_page(s, indicator_id=jp.id, viewer=PUBLIC, cursor=ipage_cursor(s))
        assert info.value.field == "cursor" and "next_cursor" in info.value.detail_en


def ipage_cursor(s) -> str:  # type: ignore[no-untyped-def]
    """Return a cursor of another list (indicators): a measurements page must refuse it."""
    page = indicators.indicators_page(s, slug=SLUG, viewer=PUBLIC, limit=1)
    assert page.next_cursor is not None
    return page.next_cursor
