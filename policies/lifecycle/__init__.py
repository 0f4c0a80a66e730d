"""The stage machine: its specification (spec.py), the gates, and the evidence they read.

The package exports only what the gates read; the stage table's reads live in `stages.py` (the
specification names each stage's entry work, which reaches into the other concepts).
"""

from policies.lifecycle.evidence import AdoptionFacts, Evidence, KindRules, UntracedComment, WindowFacts
from policies.lifecycle.gates import GATES, Gate, GateResult

__all__ = [
    "GATES",
    "AdoptionFacts",
    "Evidence",
    "Gate",
    "GateResult",
    "KindRules",
    "UntracedComment",
    "WindowFacts",
]
