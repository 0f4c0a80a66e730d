"""Which stage may follow which: the lifecycle of DESIGN.md as a table."""

from __future__ import annotations

from policies.lifecycle.models import Stage

# Revision leads back to drafting (a new text), to consultation (a substantive change
# needs the public again) or to socialization (a minor change is only re-adopted).
_FORWARD: dict[Stage, frozenset[Stage]] = {
    Stage.DRAFTING: frozenset({Stage.WORKSHOP}),
    Stage.WORKSHOP: frozenset({Stage.CONSULTATION}),
    Stage.CONSULTATION: frozenset({Stage.SOCIALIZATION}),
    Stage.SOCIALIZATION: frozenset({Stage.EVALUATION}),
    Stage.EVALUATION: frozenset({Stage.REVISION}),
    Stage.REVISION: frozenset({Stage.DRAFTING, Stage.CONSULTATION, Stage.SOCIALIZATION}),
    Stage.WITHDRAWN: frozenset(),
}

TERMINAL: frozenset[Stage] = frozenset({Stage.WITHDRAWN})

ALLOWED: dict[Stage, frozenset[Stage]] = {
    stage: targets | ({Stage.WITHDRAWN} if stage not in TERMINAL else frozenset())
    for stage, targets in _FORWARD.items()
}


def is_allowed(*, from_stage: Stage, to_stage: Stage) -> bool:
    """Tell whether the lifecycle has an edge from one stage to another."""
    return to_stage in ALLOWED[from_stage]


def allowed_targets(*, from_stage: Stage) -> list[Stage]:
    """List the stages reachable in one step, in lifecycle order."""
    order = list(Stage)
    return sorted(ALLOWED[from_stage], key=order.index)
