"""Policy kinds, policies, their stage log and the documents each stage renders."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from policies.core.columns import created_at_col, enum_col, json_col, text_col, ts_col


class Stage(StrEnum):
    """Where a policy stands in its lifecycle."""

    DRAFTING = "drafting"
    WORKSHOP = "workshop"
    CONSULTATION = "consultation"
    SOCIALIZATION = "socialization"
    EVALUATION = "evaluation"
    REVISION = "revision"
    WITHDRAWN = "withdrawn"


class WorkState(StrEnum):
    """State of a stage's automated work in the transactional outbox."""

    NONE = "none"
    PENDING = "pending"
    DISPATCHED = "dispatched"
    DONE = "done"
    FAILED = "failed"
    # Every step of the work was truly obsolete when it came to run (the event says which and why).
    RETIRED = "retired"


class CycleRow(SQLModel):
    """The first columns of a row that belongs to one cycle of a policy: its id, the policy, the cycle."""

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)
    cycle: int


class PolicyKind(SQLModel, table=True):
    """A kind of policy from the catalogue; its rules are the gates' thresholds."""

    __tablename__ = "policy_kind"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    description: str = text_col(default="")
    description_en: str = text_col(default="")
    instrument_type: str = Field(max_length=120)
    rules: dict[str, Any] = json_col(default_factory=dict)
    indicators: list[dict[str, Any]] = json_col(default_factory=list)
    survey_questions: list[dict[str, Any]] = json_col(default_factory=list)
    source_hash: str = Field(max_length=64, description="Hash of the catalogue file last loaded.")


class Policy(SQLModel, table=True):
    """One policy carried through its lifecycle, cycle after cycle."""

    __tablename__ = "policy"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    title: str = Field(max_length=400)
    kind_id: int = Field(foreign_key="policy_kind.id", index=True)
    region: str = Field(max_length=200)
    unit: str = Field(max_length=200, index=True)
    stage: Stage = enum_col(default=Stage.DRAFTING, index=True)
    cycle: int = Field(default=1)
    lock_version: int = Field(default=1, description="Optimistic lock; bumped by every change.")
    audience_size: int = Field(default=0, description="ASN the policy affects; reach's base.")
    created_at: datetime = created_at_col()
    stage_changed_at: datetime = created_at_col()


class StageEvent(SQLModel, table=True):
    """An append-only record of a stage change and of the stage work it started."""

    __tablename__ = "stage_event"

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)
    cycle: int
    from_stage: Stage | None = enum_col(default=None, nullable=True)
    to_stage: Stage = enum_col()
    actor_id: int | None = Field(default=None, foreign_key="account.id")
    actor_name: str = Field(max_length=200)
    reason: str = text_col(default="")
    at: datetime = created_at_col()
    work_state: WorkState = enum_col(default=WorkState.NONE, index=True)
    work_dispatched_at: datetime | None = ts_col()
    flow_run_id: str | None = Field(default=None, max_length=64)
    # The run's state as last reported (by the stage flow or the dispatcher), so pages read it here.
    flow_run_state: str | None = Field(default=None, max_length=40)
    flow_run_state_at: datetime | None = ts_col()
    # Steps of the work retired as obsolete, each {"step", "reason", "reason_en"}: the history shows them.
    retired_work: list[dict[str, str]] = json_col(default_factory=list)
    # Which run of the work this is (1 first; each recovery starts the next under a new key).
    work_attempt: int = Field(default=1)
    # Each recovery {"attempt", "flow_run_id", "run_state", "reason", "reason_en", "at"}: history shows them.
    recovered_work: list[dict[str, Any]] = json_col(default_factory=list)
    # The steps whose effects are committed (each with its own transaction): a re-run skips them.
    done_work: list[str] = json_col(default_factory=list)


class StageDocument(CycleRow, table=True):
    """A document a stage renders (agenda, consultation text, adopted text, socialization kit)."""

    __tablename__ = "stage_document"
    __table_args__ = (sa.UniqueConstraint("policy_id", "cycle", "kind"),)

    kind: str = Field(max_length=40, description="agenda, consultation, adopted or socialization-kit.")
    title: str = Field(max_length=400)
    body: str = text_col(description="The rendered Markdown.")
    content_hash: str = Field(max_length=64)
    rendered_at: datetime = created_at_col()
    updated_at: datetime | None = ts_col()
