"""The stage specification: every stage in it, advance() applying it, steps taking what they name."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from sqlmodel import Session

from policies.core.db import unit_of_work
from policies.core.errors import InvalidInput
from policies.lifecycle import actions as lifecycle
from policies.lifecycle import spec as stage_spec
from policies.lifecycle.models import Policy, Stage
from policies.lifecycle.spec import SPEC, Step
from policies.lifecycle.stages import ORDER, ROAD, TERMINAL, allowed_targets
from tests.conftest import DRAFTER, NOW

SLUG = "perwal-kebijakan-kepegawaian-asn-2026"


def test_every_stage_has_an_entry_with_named_steps() -> None:
    assert list(SPEC) == list(Stage) == list(ORDER)
    names = [step.name for spec in SPEC.values() for step in spec.entry_work]
    assert len(names) == len(set(names))  # one Prefect task name per step
    assert all(name == name.lower() and " " not in name for name in names)
    assert all(spec.entry_work for spec in SPEC.values())  # every stage has entry work
    assert {Stage.WITHDRAWN} == TERMINAL and Stage.WITHDRAWN not in ROAD


def test_allowed_targets_come_from_the_table_in_its_order() -> None:
    for stage, spec in SPEC.items():
        assert allowed_targets(from_stage=stage) == [s for s in ORDER if s in spec.next]


def test_a_step_receives_only_what_its_action_takes() -> None:
    seen: list[dict[str, object]] = []

    def action(session: Session, *, slug: str, now: datetime) -> str:
        seen.append({"slug": slug, "now": now})
        return "ok"

    step = Step("try-it", action)
    assert step.inputs == {"slug", "now"}
    assert step.run(None, slug="p", event_id=7, now=NOW) == "ok"  # type: ignore[arg-type]
    assert seen == [{"slug": "p", "now": NOW}]
    assert SPEC[Stage.WITHDRAWN].notices[1].inputs == {"slug", "event_id", "now"}


def test_advance_applies_the_entered_stages_effects_in_its_transaction(
    db: str, catalog: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    applied: list[tuple[str, int, datetime]] = []

    def effect(session: Session, *, policy: Policy, now: datetime) -> None:
        # Inside the transition: the policy row already says where it moved.
        session.refresh(policy)
        applied.append((policy.stage, policy.lock_version, now))

    entry = SPEC[Stage.WORKSHOP]
    monkeypatch.setitem(stage_spec.SPEC, Stage.WORKSHOP, replace(entry, effects=(effect,)))
    with unit_of_work(db) as s:
        lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=Stage.WORKSHOP, now=NOW)
    assert applied == [(Stage.WORKSHOP, 2, NOW)]


def test_advance_reads_the_reason_rule_and_the_new_cycle_from_the_table(
    db: str, catalog: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = SPEC[Stage.WORKSHOP]
    refusal = ("Lokakarya perlu alasan.", "A workshop needs a reason.")
    monkeypatch.setitem(stage_spec.SPEC, Stage.WORKSHOP, replace(entry, reason_refusal=refusal))
    with unit_of_work(db) as s, pytest.raises(InvalidInput) as refused:
        lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=Stage.WORKSHOP, now=NOW)
    assert (str(refused.value.detail), refused.value.field) == (refusal[0], "reason")
    monkeypatch.setitem(stage_spec.SPEC, Stage.WORKSHOP, replace(entry, opens_cycle=True))
    with unit_of_work(db) as s:
        event = lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=Stage.WORKSHOP, reason="x", now=NOW)
    assert event.cycle == 2
