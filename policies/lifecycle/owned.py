"""The first step of a drafter's action on a policy: find it, check the actor owns it, check its stage."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from policies.accounts.access import Actor, require_owner
from policies.core.errors import Conflict
from policies.core.i18n import stage_name
from policies.lifecycle.models import Policy, Stage
from policies.lifecycle.queries import get_policy


@dataclass(frozen=True)
class StageRule:
    """The stages an action may run in, and its refusal in any other ({stage} and {name} filled in)."""

    stages: frozenset[Stage]
    refusal: str
    refusal_en: str

    def check(self, policy: Policy) -> None:
        """Refuse the action unless the policy stands in one of the rule's stages."""
        if policy.stage in self.stages:
            return
        raise Conflict(
            self.refusal.format(stage=policy.stage, name=stage_name(policy.stage)),
            en=self.refusal_en.format(stage=policy.stage, name=stage_name(policy.stage, locale="en")),
        )


def owned_policy(session: Session, *, actor: Actor, slug: str, stage_rule: StageRule | None = None) -> Policy:
    """Return the policy an owner may change now, or refuse: unknown, not the owner's, wrong stage."""
    policy = get_policy(session, slug=slug)
    require_owner(actor, policy=policy)
    if stage_rule is not None:
        stage_rule.check(policy)
    return policy
