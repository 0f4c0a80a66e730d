"""Follow-up plans of a closed round's weak unsur and indicators, and a policy's trends across rounds."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from policies.evaluation.followup import plans
from policies.evaluation.followup.progress import followup_section
from policies.evaluation.trends import trend_section
from policies.lifecycle.queries import get_policy
from service.api.params import IdPath
from service.api.schemas import read_model
from service.auth import WriterDep
from service.deps import ReadSessionDep, SessionDep

router = APIRouter(tags=["evaluation"])
Status = Literal["planned", "in_progress", "done"]


class FollowUpIn(BaseModel):
    """A follow-up plan for a closed round's weak subject: an unsur in mutu C/D, an indicator below target."""

    subject: Literal["unsur", "indicator"]
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)
    action: str = Field(min_length=1, max_length=plans.ACTION_FIELD.max_chars)
    owner_unit: str = Field(min_length=1, max_length=plans.OWNER_FIELD.max_chars)
    due_on: date


class FollowUpPatch(BaseModel):
    """Changes to a plan (only the fields sent). Done needs `done_note`; `done_on` defaults to today."""

    action: str | None = Field(default=None, min_length=1, max_length=plans.ACTION_FIELD.max_chars)
    owner_unit: str | None = Field(default=None, min_length=1, max_length=plans.OWNER_FIELD.max_chars)
    due_on: date | None = None
    status: Status | None = None
    done_note: str | None = Field(default=None, max_length=plans.DONE_FIELD.max_chars)
    done_on: date | None = None


class FollowUpPublic(BaseModel):
    """A follow-up plan with its subject as the round found it (baseline: NRR or value, exact text)."""

    id: int
    round_id: int
    subject: str
    code: str
    label: str
    label_en: str
    baseline: str
    category: str
    action: str
    owner_unit: str
    due_on: date
    status: Status
    done_note: str
    done_on: date | None
    created_at: datetime
    updated_at: datetime | None


class WeakSubjectPublic(BaseModel):
    """A weak subject of the round and the plans recorded for it."""

    subject: str
    code: str
    label: str
    label_en: str
    baseline: str
    category: str
    items: list[FollowUpPublic]


class OutcomePublic(BaseModel):
    """A plan of the round before, as this round finds it: done or not, the figure then and now."""

    item: FollowUpPublic
    done: bool
    now: str | None
    delta: Decimal | None
    improved: bool | None
    category_now: str


class FollowUpSectionPublic(BaseModel):
    """A round's follow-up: its weak subjects with their plans, and the earlier round's plans' outcomes."""

    round_id: int
    round_number: int
    closed: bool
    weak: list[WeakSubjectPublic]
    previous_round_number: int | None
    outcomes: list[OutcomePublic]


class TrendRoundPublic(BaseModel):
    """A closed round on the trend: number, year, cycle, respondents, IKM (exact text) and category."""

    round_id: int
    number: int
    year: int
    cycle: int
    respondents: int
    ikm: str | None
    category: str | None


class UnsurTrendPublic(BaseModel):
    """One unsur across the rounds (NRR and index per round)."""

    code: str
    name: str
    name_en: str
    nrr: list[str | None]
    index: list[str | None]


class UnitTrendPublic(BaseModel):
    """One unit's IKM across the rounds; null where it had fewer than `min_group_size` respondents."""

    unit: str
    ikm: list[str | None]
    categories: list[str | None]


class YearPublic(BaseModel):
    """A year's rounds and the IKM of its latest."""

    year: int
    rounds: list[int]
    ikm: str | None
    category: str | None


class TrendsPublic(BaseModel):
    """A policy's IKM, each unsur and each unit across its closed rounds and years."""

    min_group_size: int
    rounds: list[TrendRoundPublic]
    unsur: list[UnsurTrendPublic]
    units: list[UnitTrendPublic]
    years: list[YearPublic]


def _item(row: object) -> FollowUpPublic:
    return read_model(FollowUpPublic, row)


@router.get("/rounds/{round_id}/followup", response_model=FollowUpSectionPublic)
def get_followup(round_id: IdPath, session: ReadSessionDep) -> FollowUpSectionPublic:
    """Show a round's weak subjects with their plans, and how the previous round's plans turned out."""
    section = followup_section(session, round_id=round_id)
    return FollowUpSectionPublic(
        round_id=section.round_id,
        round_number=section.round_number,
        closed=section.closed,
        weak=[
            read_model(WeakSubjectPublic, row.weak, items=[_item(i) for i in row.items])
            for row in section.weak
        ],
        previous_round_number=section.previous_round_number,
        outcomes=[read_model(OutcomePublic, o, item=_item(o.item)) for o in section.outcomes],
    )


@router.post("/rounds/{round_id}/followup", status_code=201, response_model=FollowUpPublic)
def create_followup(
    round_id: IdPath, payload: FollowUpIn, actor: WriterDep, session: SessionDep
) -> FollowUpPublic:
    """Record a follow-up plan for a weak unsur or indicator of a closed round (its unit's staff)."""
    return _item(plans.create_item(session, actor=actor, round_id=round_id, **payload.model_dump()))


@router.patch("/followup/{item_id}", response_model=FollowUpPublic)
def update_followup(
    item_id: IdPath, payload: FollowUpPatch, actor: WriterDep, session: SessionDep
) -> FollowUpPublic:
    """Change a plan, move it on (planned → in progress → done), or mark it done with what was done."""
    changes = payload.model_dump(exclude_unset=True)
    return _item(plans.update_item(session, actor=actor, item_id=item_id, changes=changes))


@router.get("/policies/{slug}/trends", response_model=TrendsPublic)
def get_trends(slug: str, session: ReadSessionDep) -> TrendsPublic:
    """Show the IKM, each unsur and each unit across the policy's closed rounds (small units hidden)."""
    t = trend_section(session, policy_id=get_policy(session, slug=slug).id)  # type: ignore[arg-type]
    return TrendsPublic.model_validate(
        {
            "min_group_size": t.min_group_size,
            "rounds": [r.__dict__ for r in t.rounds],
            "unsur": [u.__dict__ for u in t.unsur],
            "units": [u.__dict__ for u in t.units],
            "years": [y.__dict__ for y in t.years],
        }
    )
