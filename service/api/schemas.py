"""Response and request bodies of the JSON API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from policies.models import Stage


class GatePublic(BaseModel):
    """One gate's verdict."""

    gate: str
    passed: bool
    reason: str
    reason_en: str


class NextStepPublic(BaseModel):
    """A stage reachable now and whether its gates pass."""

    stage: Stage
    ready: bool
    gates: list[GatePublic]


class PolicySummary(BaseModel):
    """A policy in a list."""

    slug: str
    title: str
    kind: str
    region: str
    unit: str
    stage: Stage
    cycle: int
    version: int
    stage_changed_at: datetime


class PolicyDetail(PolicySummary):
    """A policy with what may come next."""

    audience_size: int
    next_stages: list[NextStepPublic]


class StageEventPublic(BaseModel):
    """One entry of the stage log."""

    id: int
    cycle: int
    from_stage: Stage | None
    to_stage: Stage
    actor: str
    reason: str
    at: datetime
    work_state: str
    flow_run_id: str | None
    run_state: str | None = Field(
        default=None,
        description="State of the stage's Prefect run (e.g. Completed, Running, Crashed); "
        "null without a run or when Prefect does not answer.",
    )
    run_url: str | None = Field(default=None, description="The run in Prefect's UI; null without a run.")


class KindPublic(BaseModel):
    """A policy kind of the catalogue."""

    code: str
    name: str
    name_en: str
    instrument_type: str
    rules: dict[str, float | int]
