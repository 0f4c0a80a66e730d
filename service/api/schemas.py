"""Response and request bodies of the JSON API, and the constrained types every input uses."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from policies.core.fields import SingleLine
from policies.lifecycle.models import Stage

# The years a date or time in a request may fall in. Far wider than any policy's life, narrow
# enough that adding a consultation's days or a time zone can never overflow Python's calendar.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def no_nul(value: str | None) -> str | None:
    """Refuse text holding a NUL character (PostgreSQL can neither store nor compare it)."""
    if value is not None and "\x00" in value:
        raise ValueError("must not contain the NUL character (U+0000)")
    return value


NoNul = AfterValidator(no_nul)
# Every text a request carries: limits come with each field, the NUL check with the type.
Text = Annotated[str, NoNul]
# A title or a name: it lands in email subjects and headers, so a line break is refused (422).
Line = Annotated[SingleLine, NoNul]
When = Annotated[
    AwareDatetime,
    Field(
        ge=datetime(FIRST_YEAR, 1, 1, tzinfo=UTC),
        le=datetime(LAST_YEAR, 12, 31, 23, 59, 59, tzinfo=UTC),
        description=f"Waktu dengan zona waktu, tahun {FIRST_YEAR}–{LAST_YEAR}.",
    ),
]
Day = Annotated[
    date,
    Field(
        ge=date(FIRST_YEAR, 1, 1),
        le=date(LAST_YEAR, 12, 31),
        description=f"Tanggal, tahun {FIRST_YEAR}–{LAST_YEAR}.",
    ),
]


class ReadModel(BaseModel):
    """A response model filled from the attributes of the row it shows: no hand-written converter."""

    model_config = ConfigDict(from_attributes=True)


Read = TypeVar("Read", bound=BaseModel)


class _WithExtra:
    """A row seen with a few more attributes: the values a response shows that the row does not hold."""

    def __init__(self, row: object, extra: dict[str, Any]) -> None:
        self._row, self._extra = row, extra

    def __getattr__(self, name: str) -> Any:
        return self._extra[name] if name in self._extra else getattr(self._row, name)


def read_model(model: type[Read], row: object, **extra: Any) -> Read:
    """Fill `model` from the row's attributes, and from `extra` for what the row does not hold."""
    return model.model_validate(_WithExtra(row, extra), from_attributes=True)


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


class RetiredStepPublic(BaseModel):
    """A step of a stage's work retired as truly obsolete when it came to run, and why."""

    step: str = Field(description="The step's name, as its Prefect task is named.")
    reason: str
    reason_en: str


class RecoveryPublic(BaseModel):
    """An attempt of a stage's work whose run was lost or ended unfinished, and what the dispatcher did."""

    attempt: int = Field(description="The attempt whose run was lost (1 is the first run).")
    flow_run_id: str | None
    run_state: str | None = Field(description="The run's state when it was recovered (e.g. Crashed).")
    reason: str
    reason_en: str
    at: datetime


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
    retired_work: list[RetiredStepPublic] = Field(
        default_factory=list,
        description="Steps of the work not done because they had become obsolete (e.g. the policy "
        "was withdrawn first), each with the reason; work_state is `retired` when every step was.",
    )
    work_attempt: int = Field(
        default=1, description="The attempt the work is on: 1, or more after the dispatcher recovered it."
    )
    recovered_work: list[RecoveryPublic] = Field(
        default_factory=list,
        description="Each attempt whose run was lost (stuck, crashed, failed) and how it was recovered: "
        "retried under a new run, or given up after the last attempt (work_state `failed`, people told).",
    )


class KindPublic(BaseModel):
    """A policy kind of the catalogue."""

    code: str
    name: str
    name_en: str
    instrument_type: str
    rules: dict[str, bool | int | float]
