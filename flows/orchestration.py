"""Prefect's vocabulary in one place: deployment and run names, tags, state types, starting a stage's run.

The domain (`policies/lifecycle/stagework.py`) knows only what stage work is owed and in which
state; this module says how that work is named and started in Prefect and what Prefect's answers
mean for it. It imports nothing of Siklus but the domain, and of Prefect only its client side.

`service/dispatch.py` starts a stage's run right after a request commits, through this module's
`start_stage_run`, the same call the dispatcher makes. The layer rule (service never imports
flows) has one explicit exception for this module, kept by `tests/test_layers.py`: it is the
vocabulary both sides speak, not flow code, so neither side writes Prefect's names a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

# Imported with this module, not lazily in the request threads: two threads importing Prefect for
# the first time at once failed on its circular imports (seen under load in bench/flows.py).
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.client.schemas.responses import SetStateStatus
from prefect.deployments import run_deployment
from prefect.settings import get_current_settings
from prefect.states import Crashed

from policies.core.db import utcnow
from policies.core.settings import Settings
from policies.lifecycle.models import Stage, WorkState
from policies.lifecycle.recovery import RunPhase
from policies.lifecycle.stagework import StageWork

# Every stage flow is served as one deployment of this name: `stage-consultation/siklus`.
DEPLOYMENT = "siklus"
# Prefect's final state types in which the stage's work did not get done.
UNFINISHED_FINAL_STATES = frozenset({StateType.FAILED, StateType.CRASHED, StateType.CANCELLED})
# The state names a stage flow reports for itself while it runs and when its work is done.
RUNNING, COMPLETED = "Running", "Completed"
# A stage's run is named after its policy (`consultation/<slug>/cycle-2`).
RUN_NAME = "{stage}/{slug}/cycle-{cycle}"
# What each of Prefect's state types means for recovering a stage's work (`policies/lifecycle/recovery.py`).
PHASES: dict[StateType, RunPhase] = {
    StateType.SCHEDULED: RunPhase.WAITING,
    StateType.PAUSED: RunPhase.WAITING,
    StateType.PENDING: RunPhase.PENDING,
    StateType.RUNNING: RunPhase.RUNNING,
    StateType.CANCELLING: RunPhase.RUNNING,
    StateType.COMPLETED: RunPhase.COMPLETED,
    StateType.FAILED: RunPhase.UNFINISHED,
    StateType.CRASHED: RunPhase.UNFINISHED,
    StateType.CANCELLED: RunPhase.CANCELLED,
}
# The Prefect client's settings every Siklus process and flow run gets (unless the operator set them):
# a server answering 500 or 504 under a burst (its database pool exhausted) is asked again, with
# exponential backoff, 2 + 4 + 8 + 16 + 32 s and jitter, about a minute in all, before a call fails.
CLIENT_ENV = {
    "PREFECT_CLIENT_MAX_RETRIES": "5",
    "PREFECT_CLIENT_RETRY_EXTRA_CODES": "500,504",
}


def flow_name(stage: Stage | str) -> str:
    """Name the flow doing a stage's work, kebab-case (`stage-consultation`)."""
    return f"stage-{Stage(stage).value}"


def deployment_name(stage: Stage | str) -> str:
    """Name the deployment `run_deployment` starts for a stage (`stage-consultation/siklus`)."""
    return f"{flow_name(stage)}/{DEPLOYMENT}"


def run_name(*, stage: Stage | str, slug: str, cycle: int) -> str:
    """Name a stage's run after its policy (`consultation/<slug>/cycle-2`)."""
    return RUN_NAME.format(stage=Stage(stage).value, slug=slug, cycle=cycle)


def run_tags(*, stage: Stage | str, slug: str) -> list[str]:
    """Tag a run so a policy's history reads straight off Prefect's UI."""
    return [f"policy:{slug}", f"stage:{Stage(stage).value}"]


def artifact_key(*, slug: str, stage: Stage | str) -> str:
    """Key a stage's summary artifact per policy (lowercase letters, digits and dashes only)."""
    raw = f"policy-{slug}-{Stage(stage).value}".lower()
    return "".join(c if c.isalnum() or c == "-" else "-" for c in raw)


@dataclass(frozen=True)
class RunState:
    """A flow run as Prefect last described it: its id, state type and name, and when it got there."""

    flow_run_id: str
    type: StateType | None
    name: str | None
    at: datetime | None

    @classmethod
    def of(cls, run: FlowRun) -> RunState:
        """Read a run's state off Prefect's description of it."""
        state = run.state
        if state is None:
            return cls(str(run.id), None, None, None)
        return cls(str(run.id), state.type, state.name, state.timestamp or utcnow())

    @property
    def phase(self) -> RunPhase | None:
        """Say where the run stands for recovering its work (None: Prefect gave no state)."""
        return PHASES.get(self.type) if self.type is not None else None

    @property
    def outcome(self) -> WorkState:
        """Say what the state means for the stage's work: done, failed, or still under way."""
        if self.type is StateType.COMPLETED:
            return WorkState.DONE
        if self.type in UNFINISHED_FINAL_STATES:
            return WorkState.FAILED
        return WorkState.DISPATCHED


def start_stage_run(work: StageWork) -> RunState:
    """Ask Prefect for the stage's run and say its state; the event's key makes it one run, ever."""
    run = run_deployment(
        name=deployment_name(work.stage),
        parameters=work.parameters,
        timeout=0,
        idempotency_key=work.idempotency_key,
        tags=run_tags(stage=work.stage, slug=work.slug),
        flow_run_name=run_name(stage=work.stage, slug=work.slug, cycle=work.cycle),
        as_subflow=False,
        _sync=True,  # type: ignore[call-arg]  # sync even inside the dispatcher's async flow
    )
    return RunState.of(run)


def crash_run(flow_run_id: str, *, message: str) -> bool:
    """Mark a run lost with its worker or host as Crashed; tell whether Prefect took it (not if it ended)."""
    with get_client(sync_client=True) as client:
        # Not forced: Prefect's own rules refuse to crash a run that ended meanwhile (completed, say).
        result = client.set_flow_run_state(flow_run_id, Crashed(message=message))
    return result.status is SetStateStatus.ACCEPT


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None  # not a run id Prefect could know


def flow_run_states(ids: list[str]) -> dict[str, RunState]:
    """Read the states of the given runs in one call (runs Prefect does not know are left out)."""
    wanted = [u for u in dict.fromkeys(map(_uuid, ids)) if u is not None]
    if not wanted:
        return {}
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=wanted)), limit=len(wanted)
        )
    return {str(run.id): RunState.of(run) for run in runs}


def prefect_api_url() -> str | None:
    """Return the Prefect API the process is pointed at (profile or environment), never an ephemeral one."""
    url = get_current_settings().api.url
    return str(url).rstrip("/") if url else None


def prefect_ui_url(settings: Settings) -> str:
    """Return the Prefect UI's address: the setting, else the API URL without `/api`, else embedded."""
    if settings.prefect_ui_url.strip():
        return settings.prefect_ui_url.strip().rstrip("/")
    api = prefect_api_url()
    if api:
        return api.removesuffix("/api")
    return f"http://127.0.0.1:{settings.prefect_port}"


def run_ui_url(*, settings: Settings, flow_run_id: str | None) -> str | None:
    """Link one flow run in Prefect's UI (None when there is no run)."""
    if not flow_run_id:
        return None
    return f"{prefect_ui_url(settings)}/runs/flow-run/{flow_run_id}"
