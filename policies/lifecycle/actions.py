"""Create policies and move them between stages, guarded by gates and an optimistic lock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from policies.accounts.access import Actor, require_owner, require_role
from policies.accounts.models import Role
from policies.core.db import utcnow
from policies.core.errors import (
    Conflict,
    FailedGate,
    GatesNotMet,
    InvalidInput,
    PermissionDenied,
    TransitionNotAllowed,
)
from policies.core.fields import clean_text
from policies.core.i18n import stage_name
from policies.evaluation.models import Indicator
from policies.lifecycle.gates import GateResult
from policies.lifecycle.models import Policy, Stage, StageEvent, WorkState
from policies.lifecycle.queries import gather_evidence, get_kind, get_policy, move_stage, slug_taken
from policies.lifecycle.spec import spec_of
from policies.lifecycle.stages import allowed_targets, evaluate_gates, is_allowed
from policies.outbox.notify import notice_mark, told_since

SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")
MAX_REASON_CHARS = 4_000


@dataclass(frozen=True)
class NextStep:
    """A stage the policy may move to next, with the verdict of each of its gates."""

    stage: Stage
    gates: list[GateResult]

    @property
    def ready(self) -> bool:
        """Tell whether every gate passes."""
        return all(g.passed for g in self.gates)


def create_policy(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    title: str,
    kind_code: str,
    region: str,
    unit: str,
    audience_size: int = 0,
) -> Policy:
    """Start a policy in drafting, with its kind's indicators copied onto it."""
    require_role(actor, Role.DRAFTER)
    title = clean_text(
        title,
        field="title",
        label="Judul",
        label_en="The title",
        min_chars=1,
        max_chars=400,
        single_line=True,
    )
    kind_code = clean_text(
        kind_code, field="kind", label="Jenis kebijakan", label_en="The kind", min_chars=1, max_chars=80
    )
    region = clean_text(
        region, field="region", label="Wilayah", label_en="The region", min_chars=1, max_chars=200
    )
    unit = clean_text(
        unit, field="unit", label="Perangkat daerah", label_en="The owning unit", min_chars=1, max_chars=200
    )
    if actor.role is Role.DRAFTER and actor.unit != unit:
        raise PermissionDenied(
            f"Perancang hanya dapat membuat kebijakan untuk unitnya sendiri ({actor.unit or 'belum diisi'}), "
            f"bukan untuk {unit}.",
            en=f"A drafter can only create policies for their own unit ({actor.unit or 'not set'}), "
            f"not for {unit}.",
        )
    if not slug or not set(slug) <= SLUG_CHARS or slug.startswith("-"):
        raise InvalidInput(
            "Slug hanya boleh berisi huruf kecil, angka dan tanda hubung (mis. perwal-asn-2026).",
            en="A slug holds only lower-case letters, digits and hyphens (e.g. perwal-asn-2026).",
            field="slug",
        )
    taken = Conflict(
        f"Slug '{slug}' sudah dipakai kebijakan lain.",
        en=f"The slug '{slug}' is already used by another policy.",
        field="slug",
    )
    if slug_taken(session, slug=slug):
        raise taken
    if audience_size < 0:
        raise InvalidInput(
            "Jumlah sasaran tidak boleh negatif.",
            en="The audience size cannot be negative.",
            field="audience_size",
        )
    kind = get_kind(session, code=kind_code)
    policy = Policy(
        slug=slug,
        title=title,
        kind_id=kind.id,  # type: ignore[arg-type]
        region=region,
        unit=unit,
        audience_size=audience_size,
    )
    try:
        # Two drafters choosing one slug at the same moment: the second hears why, not a bare 409.
        with session.begin_nested():
            session.add(policy)
    except IntegrityError:
        raise taken from None
    for item in kind.indicators:
        session.add(
            Indicator(
                policy_id=policy.id,  # type: ignore[arg-type]
                code=item["code"],
                name=item["name"],
                name_en=item.get("name_en", ""),
                unit=item["unit"],
                baseline=item.get("baseline"),
                target=float(item["target"]),
                direction=item.get("direction", "up"),
                source=item.get("source", "manual"),
            )
        )
    session.add(
        StageEvent(
            policy_id=policy.id,  # type: ignore[arg-type]
            cycle=1,
            from_stage=None,
            to_stage=Stage.DRAFTING,
            actor_id=actor.id,
            actor_name=actor.name,
            reason="Kebijakan dibuat.",
            work_state=WorkState.PENDING,
        )
    )
    session.flush()
    return policy


def next_steps(session: Session, *, policy: Policy, now: datetime | None = None) -> list[NextStep]:
    """List the stages reachable now, each with every gate's verdict."""
    evidence = gather_evidence(session, policy=policy, now=now or utcnow())
    return [
        NextStep(
            stage=target,
            gates=evaluate_gates(from_stage=policy.stage, to_stage=target, evidence=evidence),
        )
        for target in allowed_targets(from_stage=policy.stage)
    ]


def advance(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    to_stage: Stage,
    reason: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> StageEvent:
    """Move a policy to the next stage if every gate passes and nobody moved it meanwhile.

    What entering the stage does in this transaction (a new cycle, its effects) is read from the
    stage specification; so are its notices, queued in this transaction; its entry work is owed
    through the event's outbox state.
    """
    now = now or utcnow()
    policy = get_policy(session, slug=slug)
    require_owner(actor, policy=policy)
    from_stage = Stage(policy.stage)
    if expected_version is not None and expected_version != policy.lock_version:
        raise Conflict(
            f"Kebijakan telah diubah orang lain (versi {policy.lock_version}, Anda melihat versi "
            f"{expected_version}): muat ulang lalu coba lagi.",
            en=f"Someone else changed the policy (version {policy.lock_version}, you saw version "
            f"{expected_version}): reload and try again.",
            current_version=policy.lock_version,
        )
    if not is_allowed(from_stage=from_stage, to_stage=to_stage):
        targets = allowed_targets(from_stage=from_stage)
        options = ", ".join(stage_name(s) for s in targets) or "tidak ada"
        options_en = ", ".join(stage_name(s, locale="en") for s in targets) or "none"
        raise TransitionNotAllowed(
            f"Dari tahap {stage_name(from_stage)} tidak dapat pindah ke {stage_name(to_stage)}; "
            f"tahap berikutnya yang mungkin: {options}.",
            en=f"From {stage_name(from_stage, locale='en')} a policy cannot move to "
            f"{stage_name(to_stage, locale='en')}; possible next stages: {options_en}.",
            allowed=[s.value for s in targets],
        )
    reason = clean_text(
        reason, field="reason", label="Alasan", label_en="The reason", max_chars=MAX_REASON_CHARS
    )
    entering = spec_of(to_stage)
    if entering.reason_refusal is not None and not reason:
        refusal, refusal_en = entering.reason_refusal
        raise InvalidInput(refusal, en=refusal_en, field="reason")
    evidence = gather_evidence(session, policy=policy, now=now)
    failed = [
        r for r in evaluate_gates(from_stage=from_stage, to_stage=to_stage, evidence=evidence) if not r.passed
    ]
    if failed:
        raise GatesNotMet(
            from_stage=from_stage.value,
            to_stage=to_stage.value,
            failed=[FailedGate(r.gate, r.reason, r.reason_en) for r in failed],
        )
    cycle = policy.cycle + 1 if entering.opens_cycle else policy.cycle
    seen = expected_version if expected_version is not None else policy.lock_version
    moved = move_stage(
        session,
        policy_id=policy.id,  # type: ignore[arg-type]
        seen=seen,
        to_stage=to_stage,
        cycle=cycle,
        now=now,
    )
    if not moved:
        raise Conflict(
            "Kebijakan baru saja dipindahkan tahapnya oleh orang lain: muat ulang lalu coba lagi.",
            en="Someone else just moved the policy to another stage: reload and try again.",
        )
    session.expire(policy)
    for effect in entering.effects:
        effect(session, policy=policy, now=now)
    event = StageEvent(
        policy_id=policy.id,  # type: ignore[arg-type]
        cycle=cycle,
        from_stage=from_stage,
        to_stage=to_stage,
        actor_id=actor.id,
        actor_name=actor.name,
        reason=reason,
        at=now,
        work_state=WorkState.PENDING,
    )
    session.add(event)
    session.flush()
    # The transition's notices go into the outbox with it: committed together, or not at all.
    mark = notice_mark(session)
    for step in entering.notices:
        step.run(session, slug=slug, event_id=event.id, now=now)  # type: ignore[arg-type]
    # Whoever a notice of the stage's own already tells of this change gets no second one as a follower.
    told = told_since(session, policy_id=policy.id, mark=mark)  # type: ignore[arg-type]
    # Imported here: the digest reads comments, whose concept reads the lifecycle.
    from policies.digest.events import announce, stage_context
    from policies.digest.models import EventKind

    announce(
        session,
        policy=policy,
        kind=EventKind.STAGE,
        key=f"stage:{event.id}",
        now=now,
        context=stage_context(stage=to_stage.value),
        already_told=told,
    )
    return event


def withdraw(
    session: Session, *, actor: Actor, slug: str, reason: str, now: datetime | None = None
) -> StageEvent:
    """Withdraw a policy for good, with the reason on record."""
    return advance(session, actor=actor, slug=slug, to_stage=Stage.WITHDRAWN, reason=reason, now=now)
