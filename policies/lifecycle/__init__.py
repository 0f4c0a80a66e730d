"""The stage machine: allowed transitions, gates, and the evidence they read."""

from policies.lifecycle.evidence import AdoptionFacts, Evidence, KindRules, WindowFacts
from policies.lifecycle.gates import GATES, Gate, GateResult, evaluate_gates
from policies.lifecycle.stages import ALLOWED, TERMINAL, allowed_targets, is_allowed

__all__ = [
    "ALLOWED",
    "GATES",
    "TERMINAL",
    "AdoptionFacts",
    "Evidence",
    "Gate",
    "GateResult",
    "KindRules",
    "WindowFacts",
    "allowed_targets",
    "evaluate_gates",
    "is_allowed",
]
