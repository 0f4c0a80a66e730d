"""Policies: read, list, stage history, and the catalogue of kinds."""

from __future__ import annotations

from fastapi import APIRouter

from policies import queries
from policies.actions.lifecycle import next_steps
from policies.models import Policy
from service.api.schemas import (
    GatePublic,
    KindPublic,
    NextStepPublic,
    PolicyDetail,
    PolicySummary,
    StageEventPublic,
)
from service.deps import ReadSessionDep

router = APIRouter(tags=["policies"])


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


@router.get("/policies", response_model=list[PolicySummary])
def list_policies(session: ReadSessionDep) -> list[PolicySummary]:
    """List every policy by slug."""
    kinds = {k.id: k.code for k in queries.list_kinds(session)}
    return [
        PolicySummary(**summary(p, kinds[p.kind_id]))  # type: ignore[arg-type]
        for p in queries.list_policies(session)
    ]


@router.get("/policies/{slug}", response_model=PolicyDetail)
def read_policy(slug: str, session: ReadSessionDep) -> PolicyDetail:
    """Read a policy with every next stage and its gates' verdicts."""
    policy = queries.get_policy(session, slug=slug)
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


@router.get("/policies/{slug}/history", response_model=list[StageEventPublic])
def history(slug: str, session: ReadSessionDep) -> list[StageEventPublic]:
    """Read the stage log, oldest first."""
    policy = queries.get_policy(session, slug=slug)
    return [
        StageEventPublic(
            id=e.id,  # type: ignore[arg-type]
            cycle=e.cycle,
            from_stage=e.from_stage,
            to_stage=e.to_stage,
            actor=e.actor_name,
            reason=e.reason,
            at=e.at,
            work_state=e.work_state,
            flow_run_id=e.flow_run_id,
        )
        for e in queries.stage_history(session, policy_id=policy.id)  # type: ignore[arg-type]
    ]
