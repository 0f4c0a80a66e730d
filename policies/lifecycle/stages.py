"""Reads of the stage specification: which stage may follow which, in what order, under which gates."""

from __future__ import annotations

from policies.lifecycle.evidence import Evidence
from policies.lifecycle.gates import Gate, GateResult
from policies.lifecycle.models import Stage
from policies.lifecycle.spec import SPEC

# The order the specification lists the stages in: the lifecycle's own.
ORDER: tuple[Stage, ...] = tuple(SPEC)

TERMINAL: frozenset[Stage] = frozenset(stage for stage, spec in SPEC.items() if not spec.next)

ALLOWED: dict[Stage, frozenset[Stage]] = {stage: frozenset(spec.next) for stage, spec in SPEC.items()}

# The main road: every stage that does not end the lifecycle, in order.
ROAD: tuple[Stage, ...] = tuple(stage for stage in ORDER if stage not in TERMINAL)


def is_allowed(*, from_stage: Stage, to_stage: Stage) -> bool:
    """Tell whether the lifecycle has an edge from one stage to another."""
    return to_stage in ALLOWED[from_stage]


def allowed_targets(*, from_stage: Stage) -> list[Stage]:
    """List the stages reachable in one step, in lifecycle order."""
    return sorted(ALLOWED[Stage(from_stage)], key=ORDER.index)


def gates_for(*, from_stage: Stage, to_stage: Stage) -> list[Gate]:
    """Return the gates guarding one transition, in the order the specification names them."""
    return list(SPEC[from_stage].next.get(to_stage, ()))


def evaluate_gates(*, from_stage: Stage, to_stage: Stage, evidence: Evidence) -> list[GateResult]:
    """Run every gate of a transition; all of them, so a refusal can list each failure."""
    return [gate.evaluate(evidence) for gate in gates_for(from_stage=from_stage, to_stage=to_stage)]
