"""Policies: list, create, read, advance, withdraw, stage history, and the catalogue of kinds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Header, Query, Request, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from policies.accounts.access import Actor
from policies.core.errors import InvalidInput
from policies.core.listing import MAX_PAGE, policies_page
from policies.lifecycle import queries, stagework
from policies.lifecycle.actions import advance, create_policy, next_steps, withdraw
from policies.lifecycle.models import Policy, Stage, StageEvent
from service.api import contained
from service.api.params import MAX_ID, IdField, SlugPath, text_query
from service.api.schemas import (
    GatePublic,
    KindPublic,
    Line,
    NextStepPublic,
    NoNul,
    PolicyDetail,
    PolicySummary,
    StageEventPublic,
    Text,
    read_model,
)
from service.auth import TOKEN_SENT
from service.deps import ReadSessionDep, SettingsDep
from service.dispatch import StageDispatch, run_ui_url
from service.idempotency import IdempotencyKeyDep, IdempotentRoute

router = APIRouter(tags=["policies"], route_class=IdempotentRoute)


class PolicyPage(BaseModel):
    """A page of policies; pass `next` as `after` to read the following page."""

    items: list[PolicySummary]
    next: str | None


class PolicyCreate(BaseModel):
    """A new policy of a catalogue kind, starting in drafting."""

    slug: str = Field(min_length=3, max_length=120, pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: Line = Field(min_length=3, max_length=400)
    kind: Text = Field(min_length=1, max_length=80, description="Kode jenis kebijakan (GET /kinds).")
    region: Text = Field(min_length=1, max_length=200)
    unit: Text = Field(min_length=1, max_length=200, description="Perangkat daerah pemrakarsa.")
    audience_size: int = Field(default=0, ge=0, le=10_000_000)


class AdvanceIn(BaseModel):
    """A stage change; `expected_version` (or the If-Match header) guards against a concurrent one."""

    to_stage: Stage
    reason: Text = Field(default="", max_length=4000)
    expected_version: IdField | None = None


class WithdrawIn(BaseModel):
    """Why a policy is withdrawn for good."""

    reason: Text = Field(min_length=1, max_length=4000)


def summary(policy: Policy, kind_code: str) -> dict[str, object]:
    """Render the common fields of a policy."""
    return {
        "slug": policy.slug,
        "title": policy.title,
        "kind": kind_code,
        "region": policy.region,
        "unit": policy.unit,
        "stage": policy.stage,
        "cycle": policy.cycle,
        "version": policy.lock_version,
        "stage_changed_at": policy.stage_changed_at,
    }


def detail(session: Session, policy: Policy) -> PolicyDetail:
    """Render a policy with every next stage and its gates' verdicts."""
    kind = queries.get_kind(session, kind_id=policy.kind_id)
    steps = [
        NextStepPublic(
            stage=s.stage,
            ready=s.ready,
            gates=[GatePublic(**g.__dict__) for g in s.gates],
        )
        for s in next_steps(session, policy=policy)
    ]
    return PolicyDetail(
        **summary(policy, kind.code),  # type: ignore[arg-type]
        audience_size=policy.audience_size,
        next_stages=steps,
    )


def event_public(
    event: StageEvent, *, run_state: str | None = None, run_url: str | None = None
) -> StageEventPublic:
    """Render a stage event (with its Prefect run's state and link when known)."""
    return read_model(StageEventPublic, event, actor=event.actor_name, run_state=run_state, run_url=run_url)


def parse_if_match(value: str | None) -> int | None:
    """Read a policy version from an If-Match header (`3`, `"3"` or `W/"3"`)."""
    if value is None:
        return None
    text = value.strip().removeprefix("W/").strip('"')
    # isdigit() alone accepts digits int() refuses (e.g. "²"): only ASCII digits are a version.
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_ID:
        raise InvalidInput(
            "Header If-Match harus berisi versi kebijakan (angka dari kolom 'version').",
            en="The If-Match header must hold the policy's version (the number of its 'version' field).",
            field="If-Match",
        )
    return int(text)


@router.get("/kinds", response_model=list[KindPublic])
def list_kinds(session: ReadSessionDep) -> list[KindPublic]:
    """List the policy kinds of the catalogue."""
    return [
        KindPublic(
            code=k.code,
            name=k.name,
            name_en=k.name_en,
            instrument_type=k.instrument_type,
            rules=k.rules,
        )
        for k in queries.list_kinds(session)
    ]


@router.get("/policies", response_model=PolicyPage)
def list_policies(
    session: ReadSessionDep,
    stage: Stage | None = None,
    kind: Annotated[str | None, text_query(max_length=80), NoNul] = None,
    unit: Annotated[str | None, text_query(max_length=200), NoNul] = None,
    after: Annotated[
        str | None, text_query(max_length=400, description="Kursor 'next' halaman sebelumnya."), NoNul
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> PolicyPage:
    """List policies by slug, filtered by stage, kind and unit, a page at a time."""
    page = policies_page(session, stage=stage, kind_code=kind, unit=unit, after=after, limit=limit)
    return PolicyPage(
        items=[PolicySummary(**summary(p, code)) for p, code in page.items],  # type: ignore[arg-type]
        next=page.next,
    )


@router.post(
    "/policies",
    status_code=201,
    response_model=PolicyDetail,
    responses={404: {"description": "Jenis kebijakan tidak ada di katalog."}},
    dependencies=[TOKEN_SENT],
)
async def create(
    payload: PolicyCreate,
    request: Request,
    settings: SettingsDep,
    background: BackgroundTasks,
    idempotency_key: IdempotencyKeyDep = None,
) -> Response:
    """Start a policy of a catalogue kind (a drafter of the unit, or an admin)."""
    fields = payload.model_dump(exclude={"kind"})

    def action(session: Session, actor: Actor) -> PolicyDetail:
        policy = create_policy(session, actor=actor, kind_code=payload.kind, **fields)
        # Its drafting work goes to Prefect after the commit, as an advance's does.
        StageDispatch(background, settings=settings, slug=policy.slug)(
            stagework.latest_event(session, policy_id=policy.id)  # type: ignore[arg-type]
        )
        return detail(session, policy)

    # One trip to the thread pool (token, action, commit): see `advance_policy`.
    return await contained.write(
        request, settings, action, payload=payload, idempotency_key=idempotency_key, status_code=201
    )


@router.get("/policies/{slug}", response_model=PolicyDetail)
def read_policy(slug: SlugPath, session: ReadSessionDep, response: Response) -> PolicyDetail:
    """Read a policy with every next stage and its gates' verdicts; ETag is its version."""
    policy = queries.get_policy(session, slug=slug)
    response.headers["ETag"] = f'"{policy.lock_version}"'
    return detail(session, policy)


@router.post(
    "/policies/{slug}/advance",
    response_model=StageEventPublic,
    responses={409: {"description": "Syarat belum terpenuhi (unmet_gates) atau perubahan bersamaan."}},
    dependencies=[TOKEN_SENT],
)
async def advance_policy(
    slug: SlugPath,
    payload: AdvanceIn,
    request: Request,
    settings: SettingsDep,
    background: BackgroundTasks,
    if_match: Annotated[str | None, Header(alias="If-Match", max_length=40)] = None,
    idempotency_key: IdempotencyKeyDep = None,
) -> Response:
    """Move a policy to a stage; refused with every unmet gate, or when it changed meanwhile."""
    header_version = parse_if_match(if_match)
    expected = payload.expected_version
    if header_version is not None and expected is not None and header_version != expected:
        raise InvalidInput(
            f"If-Match ({header_version}) dan expected_version ({expected}) berbeda: kirim satu saja.",
            en=f"If-Match ({header_version}) and expected_version ({expected}) differ: send only one.",
            field="expected_version",
        )
    expected = expected if expected is not None else header_version
    # The stage's work goes to Prefect after the commit, in the background: the request never waits.
    dispatch = StageDispatch(background, settings=settings, slug=slug)

    def action(session: Session, actor: Actor) -> StageEventPublic:
        moved = advance(
            session,
            actor=actor,
            slug=slug,
            to_stage=payload.to_stage,
            reason=payload.reason,
            expected_version=expected,
        )
        return event_public(dispatch(moved))

    # Token, advance, answer and commit in one trip to the thread pool: a request never holds a
    # connection while it waits for a thread (issue 21's burst of 200 stalled on exactly that).
    return await contained.write(
        request, settings, action, payload=payload, idempotency_key=idempotency_key, status_code=200
    )


@router.post(
    "/policies/{slug}/withdraw",
    response_model=StageEventPublic,
    dependencies=[TOKEN_SENT],
)
async def withdraw_policy(
    slug: SlugPath,
    payload: WithdrawIn,
    request: Request,
    settings: SettingsDep,
    background: BackgroundTasks,
    idempotency_key: IdempotencyKeyDep = None,
) -> Response:
    """Withdraw a policy for good, with the reason on record."""
    dispatch = StageDispatch(background, settings=settings, slug=slug)

    def action(session: Session, actor: Actor) -> StageEventPublic:
        return event_public(dispatch(withdraw(session, actor=actor, slug=slug, reason=payload.reason)))

    return await contained.write(
        request, settings, action, payload=payload, idempotency_key=idempotency_key, status_code=200
    )


@router.get("/policies/{slug}/history", response_model=list[StageEventPublic])
def history(slug: SlugPath, session: ReadSessionDep, settings: SettingsDep) -> list[StageEventPublic]:
    """Read the stage log, oldest first, with each stage run's last reported state and its link."""
    policy = queries.get_policy(session, slug=slug)
    events = queries.stage_history(session, policy_id=policy.id)  # type: ignore[arg-type]
    # The state as the flow and the dispatcher recorded it: reading the page never waits on Prefect.
    return [
        event_public(
            e,
            run_state=e.flow_run_state if e.flow_run_id else None,
            run_url=run_ui_url(settings=settings, flow_run_id=e.flow_run_id),
        )
        for e in events
    ]
