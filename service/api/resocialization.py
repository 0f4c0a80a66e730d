"""Acknowledgements pinned to a version: the element-to-unit-or-position map, asking again, reach."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from policies.lifecycle import queries
from policies.rollout import queries as rollout_queries
from policies.rollout import resocialization
from policies.rollout.reach import reach_by_position, reach_by_unit, reach_by_version
from service.api.params import IdPath, SlugPath
from service.api.schemas import ReadModel, Text, read_model
from service.auth import ActorDep, WriterDep
from service.deps import ReadSessionDep, SessionDep
from service.idempotency import IDEMPOTENT, IdempotentRoute

router = APIRouter(tags=["rollout"], route_class=IdempotentRoute)


class ScopeIn(BaseModel):
    """An element of the text (its key, kept across versions) and a work unit OR a position it applies to."""

    element_key: Text = Field(min_length=1, max_length=40, examples=["e-1a2b3c4d"])
    unit: Text = Field(
        default="", max_length=200, examples=["Dinas Pendidikan"], description="Unit kerja (atau jabatan)."
    )
    position: Text = Field(
        default="",
        max_length=120,
        examples=[""],
        description="Jabatan (atau unit kerja), dicocokkan tanpa membedakan huruf besar/kecil.",
    )


class ScopePublic(ScopeIn, ReadModel):
    """One row of the policy's element-to-unit-or-position map (the other of the two is empty)."""

    id: int


class AskedAgain(BaseModel):
    """How many requests to read again were queued (email and inbox count one each)."""

    requested: int


class ChangePublic(BaseModel):
    """One changed element a reader must read again, with its text before and after."""

    kind: str = Field(description="changed, added atau removed.")
    key: str | None
    label: str | None
    old_text: str | None
    new_text: str | None


class WhatToReadPublic(BaseModel):
    """What you must read of the adopted text."""

    version_number: int
    read_version_number: int | None = Field(
        description="Versi yang terakhir Anda konfirmasi (null: belum ada)."
    )
    everything: bool = Field(description="Belum pernah membaca: bacalah seluruh teks.")
    done: bool = Field(description="Sudah mengonfirmasi versi yang ditetapkan.")
    carried: bool = Field(
        description="Tidak ada perubahan yang berlaku bagi unit Anda: konfirmasi lama tetap."
    )
    changes: list[ChangePublic] = Field(description="Hanya perubahan yang berlaku bagi unit Anda.")


class UnitReachPublic(BaseModel):
    """How one unit's civil servants stand with the adopted version."""

    unit: str
    audience: int
    acknowledged: int
    carried: int
    asked_again: int
    never: int


class PositionReachPublic(BaseModel):
    """How the civil servants holding one position (any case) stand with the adopted version."""

    position: str
    audience: int
    acknowledged: int
    carried: int
    asked_again: int
    never: int


class VersionReachPublic(BaseModel):
    """How many of a unit acknowledged one version."""

    version_number: int
    unit: str
    acknowledged: int


class ReachByUnit(BaseModel):
    """The reach per unit and per position (against the adopted version), and per version."""

    units: list[UnitReachPublic]
    positions: list[PositionReachPublic] = Field(
        description="Per jabatan; ASN tanpa jabatan hanya dihitung per unit."
    )
    versions: list[VersionReachPublic]


@router.get("/policies/{slug}/element-scopes", response_model=list[ScopePublic])
def list_scopes(slug: SlugPath, session: ReadSessionDep) -> list[ScopePublic]:
    """List which elements of the text apply to which work units."""
    policy = queries.get_policy(session, slug=slug)
    return [read_model(ScopePublic, r) for r in rollout_queries.scopes_of(session, policy_id=policy.id)]  # type: ignore[arg-type]


@router.post(
    "/policies/{slug}/element-scopes", status_code=201, response_model=ScopePublic, dependencies=[IDEMPOTENT]
)
def add_scope(slug: SlugPath, payload: ScopeIn, actor: WriterDep, session: SessionDep) -> ScopePublic:
    """Map an element of the text to a unit or a position it applies to (the owning unit's staff)."""
    return read_model(
        ScopePublic, resocialization.add_scope(session, actor=actor, slug=slug, **payload.model_dump())
    )


@router.delete("/policies/{slug}/element-scopes/{scope_id}", status_code=204)
def remove_scope(slug: SlugPath, scope_id: IdPath, actor: WriterDep, session: SessionDep) -> None:
    """Remove one row of the element-to-unit map."""
    resocialization.remove_scope(session, actor=actor, slug=slug, scope_id=scope_id)


@router.post("/policies/{slug}/reacknowledgements", response_model=AskedAgain, dependencies=[IDEMPOTENT])
def ask_again(slug: SlugPath, actor: WriterDep, session: SessionDep) -> AskedAgain:
    """Ask again only the readers of an earlier version whose unit a change since applies to."""
    return AskedAgain(requested=resocialization.ask_again(session, actor=actor, slug=slug))


@router.get("/policies/{slug}/acknowledgement/to-read", response_model=WhatToReadPublic)
def what_to_read(slug: SlugPath, actor: ActorDep, session: ReadSessionDep) -> WhatToReadPublic:
    """Tell what you must read: the whole adopted text, only the changes for your unit, or nothing."""
    found = resocialization.what_to_read(session, actor=actor, slug=slug)
    return WhatToReadPublic(
        version_number=found.version_number,
        read_version_number=found.read_version_number,
        everything=found.everything,
        done=found.done,
        carried=found.carried,
        changes=[
            ChangePublic(
                kind=c.kind,
                key=c.new_key or c.old_key,
                label=c.new_label or c.old_label,
                old_text=c.old_text,
                new_text=c.new_text,
            )
            for c in found.changes
        ],
    )


@router.get("/policies/{slug}/socialization/reach/units", response_model=ReachByUnit)
def read_reach_by_unit(slug: SlugPath, session: ReadSessionDep) -> ReachByUnit:
    """Read the reach per unit against the adopted version, and the acknowledgements per version and unit."""
    policy = queries.get_policy(session, slug=slug)
    return ReachByUnit(
        units=[UnitReachPublic(**vars(r)) for r in reach_by_unit(session, policy=policy)],
        positions=[PositionReachPublic(**vars(r)) for r in reach_by_position(session, policy=policy)],
        versions=[VersionReachPublic(**vars(r)) for r in reach_by_version(session, policy=policy)],
    )
