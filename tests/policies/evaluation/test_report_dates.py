"""A round closed early reads as closed on the day it closed, in both of the report's formats."""

from __future__ import annotations

from datetime import timedelta

import pytest

from policies.accounts.access import Actor
from policies.core.db import unit_of_work
from policies.core.i18n import format_datetime
from policies.evaluation import rounds
from policies.evaluation.report import render_report, render_report_body
from tests.conftest import NOW
from tests.policies.evaluation.conftest import open_now


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_report_ends_the_period_when_the_round_actually_closed(
    db: str, in_evaluation: str, staff: dict[str, Actor], locale: str
) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=30)
        round_id, planned = survey.id, survey.closes_at
    closed = NOW + timedelta(days=3)
    with unit_of_work(db) as s:
        rounds.close_round(s, actor=staff["evaluator"], round_id=round_id, now=closed)  # type: ignore[arg-type]
    with unit_of_work(db) as s:
        html = render_report(s, round_id=round_id, fmt="html", locale=locale)  # type: ignore[arg-type]
        md = render_report(s, round_id=round_id, fmt="md", locale=locale)  # type: ignore[arg-type]
        _title, body = render_report_body(s, round_id=round_id, locale=locale)  # type: ignore[arg-type]
    ended, planned_day = format_datetime(closed, locale=locale), format_datetime(planned, locale=locale)
    for text in (html, md, str(body)):
        period = text.split("Periode" if locale == "id" else "Period", 1)[1].split("\n\n", 1)[0]
        assert ended in period and planned_day not in period
