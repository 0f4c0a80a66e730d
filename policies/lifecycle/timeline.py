"""A policy's stage timeline: this cycle's path and what may follow, and every earlier cycle's path."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from policies.lifecycle.models import Policy, Stage, StageEvent
from policies.lifecycle.stages import ROAD, TERMINAL, allowed_targets


@dataclass(frozen=True)
class TimelineStep:
    """One stage on the timeline: done (with the day it was entered), current, next or later."""

    stage: Stage
    state: str
    at: datetime | None = None


def timeline(policy: Policy, *, history: list[StageEvent]) -> list[TimelineStep]:
    """Draw this cycle's path from the stage log, then the possible next stages, then the road on.

    From cycle 2 on a cycle starts in revision and may go back to drafting, straight to
    consultation or to socialization, so the path is read from the log, never assumed.
    """
    current = Stage(policy.stage)
    taken: list[tuple[Stage, datetime]] = []
    for event in history:
        if event.cycle != policy.cycle:
            continue
        stage = Stage(event.to_stage)
        if taken and taken[-1][0] == stage:
            continue  # a repeated stage (a new evaluation round) is one step
        taken.append((stage, event.at))
    if not taken or taken[-1][0] != current:
        taken.append((current, policy.stage_changed_at))
    steps = [TimelineStep(stage, "done", at) for stage, at in taken[:-1]]
    steps.append(TimelineStep(current, "current", taken[-1][1]))
    # A stage done earlier in the cycle may come again (revision ends every cycle).
    upcoming = [s for s in allowed_targets(from_stage=current) if s not in TERMINAL and s != current]
    steps.extend(TimelineStep(stage, "next") for stage in upcoming)
    if upcoming:
        # The lifecycle's main road (the specification's order): what lies beyond is drawn along it.
        beyond = ROAD[max(ROAD.index(s) for s in upcoming) + 1 :]
        steps.extend(TimelineStep(s, "later") for s in beyond if s not in (current, *upcoming))
    return steps


@dataclass(frozen=True)
class PastCycle:
    """An earlier cycle's path through the stages, each stage with the day it was entered."""

    cycle: int
    steps: list[TimelineStep]


def past_cycles(policy: Policy, *, history: list[StageEvent]) -> list[PastCycle]:
    """Draw every earlier cycle's path from the stage log, newest cycle first: a new cycle hides none."""
    paths: dict[int, list[TimelineStep]] = {}
    for event in history:
        if event.cycle >= policy.cycle:
            continue
        path = paths.setdefault(event.cycle, [])
        stage = Stage(event.to_stage)
        if path and path[-1].stage == stage:
            continue  # a repeated stage (a new evaluation round) is one step, as in the current cycle
        path.append(TimelineStep(stage, "done", event.at))
    return [PastCycle(cycle, steps) for cycle, steps in sorted(paths.items(), reverse=True)]


# A stage's run as Prefect names its state, in the words of the page (Prefect 3's state names;
# its state types, in capitals, read the same once spaces and case are set aside).
RUN_STATES: dict[str, tuple[str, str]] = {
    "scheduled": ("Terjadwal", "Scheduled"),
    "late": ("Terlambat dimulai", "Late"),
    "awaitingretry": ("Menunggu diulang", "Waiting to retry"),
    "awaitingconcurrencyslot": ("Menunggu giliran", "Waiting for a slot"),
    "pending": ("Menunggu", "Waiting"),
    "running": ("Berjalan", "Running"),
    "retrying": ("Diulang", "Retrying"),
    "paused": ("Dijeda", "Paused"),
    "suspended": ("Ditangguhkan", "Suspended"),
    "cancelling": ("Sedang dibatalkan", "Cancelling"),
    "cancelled": ("Dibatalkan", "Cancelled"),
    "completed": ("Selesai", "Completed"),
    "cached": ("Selesai", "Completed"),
    "rolledback": ("Dibatalkan", "Rolled back"),
    "failed": ("Gagal", "Failed"),
    "crashed": ("Gagal (terhenti)", "Failed (crashed)"),
}
_UNKNOWN_RUN_STATE = ("Status tidak dikenal", "Unknown state")


def run_state_label(state: str | None, *, locale: str) -> str:
    """Name a recorded run state in the reader's language ("" when none was recorded)."""
    if not state:
        return ""
    words = RUN_STATES.get("".join(state.split()).replace("_", "").lower(), _UNKNOWN_RUN_STATE)
    return words[1] if locale == "en" else words[0]
