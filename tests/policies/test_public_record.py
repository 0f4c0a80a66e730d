"""Every cycle's consultation stays a public record: a second cycle's consultation hides none of the first's.

Reports, comments, answers, windows, statistics and the stage path of an earlier cycle are read by
naming the cycle (or a window); naming nothing reads the current cycle, as before.
"""

from __future__ import annotations

import json

import pytest

from policies.consultation.export import export_json
from policies.consultation.pages import CommentFilter, list_comments
from policies.consultation.record import chosen_windows, consultations, consulted
from policies.consultation.report import render_report
from policies.consultation.statistics import consultation_stats
from policies.core.db import unit_of_work, utcnow
from policies.core.errors import NotFound
from policies.drafting.reading import readable_report
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy, stage_history
from policies.lifecycle.timeline import past_cycles, timeline
from tests.second_cycle import (
    FIRST_ANSWER,
    FIRST_ANSWERED,
    FIRST_HIDDEN,
    SECOND_COMMENT,
    SLUG,
    SecondCycle,
    second_consultation,
)


@pytest.fixture
def record(db: str, catalog: None) -> SecondCycle:
    """Cycle 1's report published; cycle 2's consultation open with one comment."""
    return second_consultation(db)


def test_the_first_cycles_published_report_stays_readable_by_its_cycle(db: str, record: SecondCycle) -> None:
    with unit_of_work(db) as s:
        first = readable_report(s, actor=None, slug=SLUG, now=utcnow(), cycle=1)
        first_page = readable_report(s, actor=None, slug=SLUG, now=utcnow(), page=1, cycle=1)
        # Naming nothing reads the current cycle, whose report is not out yet: as before.
        with pytest.raises(NotFound, match="belum diterbitkan"):
            readable_report(s, actor=None, slug=SLUG, now=utcnow())
        with pytest.raises(NotFound) as beyond:
            readable_report(s, actor=None, slug=SLUG, now=utcnow(), cycle=3)
    assert "siklus 3" in beyond.value.detail and "cycle 3" in beyond.value.detail_en
    assert not first.draft and first.data.cycle == 1 and first.data.window.id == record.first_window
    shown = [c.id for sec in first.data.sections for c in sec.comments]
    assert shown == [record.answered, record.hidden]
    html = render_report(first_page.data, fmt="html")
    assert FIRST_ANSWERED in html and FIRST_ANSWER in html and SECOND_COMMENT not in html
    assert "Siklus 1 kebijakan ini." in html
    # The page's own links keep naming the cycle, so they stay on the same report.
    assert 'href="?cycle=1&amp;full=1"' in html


def test_lists_exports_windows_and_statistics_read_any_cycle(db: str, record: SecondCycle) -> None:
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        first = list_comments(s, slug=SLUG, viewer=None, filters=CommentFilter(cycle=1))
        assert {c.id for c in first.items} == {record.answered, record.hidden}
        now = list_comments(s, slug=SLUG, viewer=None)
        assert [c.id for c in now.items] == [record.second_comment]
        by_window = CommentFilter(window_id=record.first_window)
        assert len(list_comments(s, slug=SLUG, viewer=None, filters=by_window).items) == 2
        with pytest.raises(NotFound):  # a window of another cycle than the one named
            list_comments(
                s, slug=SLUG, viewer=None, filters=CommentFilter(window_id=record.first_window, cycle=2)
            )
        chosen = chosen_windows(s, policy=policy, cycle=1)
        assert chosen.window_ids == [record.first_window] and chosen.named
        assert chosen_windows(s, policy=policy).window_ids == [record.second_window]
        stats = consultation_stats(s, window_ids=chosen.window_ids)
        assert (stats.comments, stats.hidden, stats.answered, stats.unanswered) == (1, 1, 1, 0)
        first_ids = consulted(s, policy=policy, cycle=1).window_ids
        rows = json.loads("".join(export_json(s, window_ids=first_ids, full_text=False)))
        assert {r["id"] for r in rows} == {record.answered, record.hidden}
        answered = next(r for r in rows if r["id"] == record.answered)
        assert answered["disposition_reason"] == FIRST_ANSWER
        assert FIRST_HIDDEN not in json.dumps(rows)
        every = consultations(s, policy=policy)
        assert [c.cycle for c in every] == [1, 2]
        assert every[0].report_published_at is not None and every[1].report_published_at is None


def test_the_timeline_keeps_every_earlier_cycles_stages(db: str, record: SecondCycle) -> None:
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        history = stage_history(s, policy_id=policy.id)  # type: ignore[arg-type]
    current = [(t.stage, t.state) for t in timeline(policy, history=history)][:2]
    assert current == [(Stage.REVISION, "done"), (Stage.CONSULTATION, "current")]
    (first,) = past_cycles(policy, history=history)
    assert first.cycle == 1
    assert [t.stage for t in first.steps] == [
        Stage.DRAFTING,
        Stage.WORKSHOP,
        Stage.CONSULTATION,
        Stage.SOCIALIZATION,
        Stage.EVALUATION,
    ]
    assert all(t.state == "done" and t.at is not None for t in first.steps)
