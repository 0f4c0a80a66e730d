"""Every (from, to) pair of the stage machine, allowed and refused, without a database."""

from __future__ import annotations

import itertools

import pytest

from policies.lifecycle.models import Stage
from policies.lifecycle.spec import SPEC
from policies.lifecycle.stages import ALLOWED, allowed_targets, gates_for, is_allowed

S = Stage
EXPECTED = {
    (S.DRAFTING, S.WORKSHOP),
    (S.WORKSHOP, S.CONSULTATION),
    (S.CONSULTATION, S.SOCIALIZATION),
    (S.SOCIALIZATION, S.EVALUATION),
    (S.EVALUATION, S.REVISION),
    (S.REVISION, S.DRAFTING),
    (S.REVISION, S.CONSULTATION),
    (S.REVISION, S.SOCIALIZATION),
} | {(s, S.WITHDRAWN) for s in Stage if s is not S.WITHDRAWN}


@pytest.mark.parametrize(("src", "dst"), list(itertools.product(Stage, Stage)))
def test_every_pair_is_allowed_exactly_when_the_design_says(src: Stage, dst: Stage) -> None:
    assert is_allowed(from_stage=src, to_stage=dst) is ((src, dst) in EXPECTED)


def test_withdrawn_is_terminal() -> None:
    assert ALLOWED[S.WITHDRAWN] == frozenset()
    assert allowed_targets(from_stage=S.WITHDRAWN) == []


def test_targets_come_in_lifecycle_order() -> None:
    assert allowed_targets(from_stage=S.REVISION) == [
        S.DRAFTING,
        S.CONSULTATION,
        S.SOCIALIZATION,
        S.WITHDRAWN,
    ]


def test_every_gate_guards_some_allowed_transition() -> None:
    from policies.lifecycle import GATES

    guarded = {gate.name for spec in SPEC.values() for gates in spec.next.values() for gate in gates}
    assert guarded == {gate.name for gate in GATES}


@pytest.mark.parametrize(
    ("src", "dst", "names"),
    [
        (S.DRAFTING, S.WORKSHOP, ["draft_exists"]),
        (S.WORKSHOP, S.CONSULTATION, ["workshops_held", "version_published", "window_long_enough"]),
        (S.REVISION, S.CONSULTATION, ["version_published", "window_long_enough"]),
        (
            S.CONSULTATION,
            S.SOCIALIZATION,
            [
                "window_closed",
                "every_comment_answered",
                "every_acceptance_traced",
                "report_published",
                "adoption_recorded",
            ],
        ),
        (S.REVISION, S.SOCIALIZATION, ["version_published", "adoption_recorded"]),
        (S.SOCIALIZATION, S.EVALUATION, ["socialization_held", "reach_at_target"]),
        (S.EVALUATION, S.REVISION, ["evaluation_round_closed"]),
        (S.REVISION, S.DRAFTING, []),
        (S.CONSULTATION, S.WITHDRAWN, []),
    ],
)
def test_each_transition_has_the_gates_of_the_design(src: Stage, dst: Stage, names: list[str]) -> None:
    assert [g.name for g in gates_for(from_stage=src, to_stage=dst)] == names
