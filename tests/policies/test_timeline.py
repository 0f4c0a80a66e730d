"""The policy timeline: this cycle's path read from the stage log, then what may follow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from policies.lifecycle.models import Policy, Stage, StageEvent
from policies.lifecycle.timeline import timeline

DAY = datetime(2026, 8, 17, tzinfo=UTC)


def _policy(stage: Stage, cycle: int) -> Policy:
    return Policy(
        slug="p", title="P", kind_id=1, region="R", unit="U", stage=stage, cycle=cycle, stage_changed_at=DAY
    )


def _events(*path: tuple[int, Stage]) -> list[StageEvent]:
    return [
        StageEvent(policy_id=1, cycle=cycle, to_stage=stage, actor_name="x", at=DAY + timedelta(days=n))
        for n, (cycle, stage) in enumerate(path)
    ]


def _states(steps) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(s.stage.value, s.state) for s in steps]


def test_cycle_one_follows_the_main_road() -> None:
    history = _events((1, Stage.DRAFTING), (1, Stage.WORKSHOP))
    assert _states(timeline(_policy(Stage.WORKSHOP, 1), history=history)) == [
        ("drafting", "done"),
        ("workshop", "current"),
        ("consultation", "next"),
        ("socialization", "later"),
        ("evaluation", "later"),
        ("revision", "later"),
    ]


def test_a_minor_revision_skips_straight_to_socialization() -> None:
    history = _events(
        (1, Stage.DRAFTING),
        (1, Stage.WORKSHOP),
        (1, Stage.CONSULTATION),
        (1, Stage.SOCIALIZATION),
        (1, Stage.EVALUATION),
        (1, Stage.EVALUATION),  # a second survey round in the same stage
        (2, Stage.REVISION),
        (2, Stage.SOCIALIZATION),
        (2, Stage.EVALUATION),
    )
    steps = timeline(_policy(Stage.EVALUATION, 2), history=history)
    assert _states(steps) == [
        ("revision", "done"),
        ("socialization", "done"),
        ("evaluation", "current"),
        ("revision", "next"),
    ]
    assert steps[0].at == DAY + timedelta(days=6)


def test_revision_offers_every_way_back() -> None:
    steps = timeline(_policy(Stage.REVISION, 3), history=_events((3, Stage.REVISION)))
    assert _states(steps) == [
        ("revision", "current"),
        ("drafting", "next"),
        ("consultation", "next"),
        ("socialization", "next"),
        ("evaluation", "later"),
    ]


def test_withdrawn_ends_the_path_and_a_missing_log_still_shows_where_it_stands() -> None:
    history = _events((1, Stage.DRAFTING), (1, Stage.WITHDRAWN))
    assert _states(timeline(_policy(Stage.WITHDRAWN, 1), history=history)) == [
        ("drafting", "done"),
        ("withdrawn", "current"),
    ]
    only = timeline(_policy(Stage.CONSULTATION, 1), history=[])
    assert _states(only)[:2] == [("consultation", "current"), ("socialization", "next")]
    assert only[0].at == DAY
