"""Who may do what: checked inside every action, so the API, pages and CLI agree."""

from __future__ import annotations

from dataclasses import dataclass

from policies.errors import NotAuthenticated, PermissionDenied
from policies.models import Policy, Role


@dataclass(frozen=True)
class Actor:
    """The person (or the scheduler) on whose behalf an action runs."""

    id: int | None
    name: str
    role: Role
    unit: str = ""
    group: str = "public"


SYSTEM = Actor(id=None, name="Siklus (otomatis)", role=Role.ADMIN)


def require_actor(actor: Actor | None) -> Actor:
    """Refuse an anonymous caller."""
    if actor is None:
        raise NotAuthenticated("Masuk terlebih dahulu untuk melakukan tindakan ini.")
    return actor


def require_role(actor: Actor | None, *roles: Role) -> Actor:
    """Refuse an actor whose role is not among `roles` (admins may do everything)."""
    actor = require_actor(actor)
    if actor.role is Role.ADMIN or actor.role in roles:
        return actor
    names = ", ".join(r.value for r in roles)
    raise PermissionDenied(f"Tindakan ini hanya untuk peran: {names}.")


def require_owner(actor: Actor | None, policy: Policy) -> Actor:
    """Refuse anyone but an admin or a drafter of the policy's owning unit."""
    actor = require_role(actor, Role.DRAFTER)
    if actor.role is Role.DRAFTER and actor.unit != policy.unit:
        raise PermissionDenied(
            f"Hanya perancang dari {policy.unit} yang boleh mengubah kebijakan ini "
            f"(unit Anda: {actor.unit or 'belum diisi'})."
        )
    return actor
