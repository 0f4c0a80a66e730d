"""Who may do what: checked inside every action, so the API, pages and CLI agree."""

from __future__ import annotations

from dataclasses import dataclass

from policies.accounts.models import Role
from policies.core.errors import NotAuthenticated, PermissionDenied
from policies.lifecycle.models import Policy


@dataclass(frozen=True)
class Actor:
    """The person (or the scheduler) on whose behalf an action runs."""

    id: int | None
    name: str
    role: Role
    unit: str = ""
    group: str = "public"


SYSTEM = Actor(id=None, name="Siklus (otomatis)", role=Role.ADMIN)
ROLE_NAMES = {
    Role.ADMIN: ("admin", "admin"),
    Role.DRAFTER: ("perancang", "drafter"),
    Role.MODERATOR: ("moderator", "moderator"),
    Role.STAKEHOLDER: ("pemangku kepentingan", "stakeholder"),
}


def require_actor(actor: Actor | None) -> Actor:
    """Refuse an anonymous caller."""
    if actor is None:
        raise NotAuthenticated(
            "Masuk terlebih dahulu untuk melakukan tindakan ini.",
            en="Sign in first to do this.",
        )
    return actor


def require_role(actor: Actor | None, *roles: Role) -> Actor:
    """Refuse an actor whose role is not among `roles` (admins may do everything)."""
    actor = require_actor(actor)
    if actor.role is Role.ADMIN or actor.role in roles:
        return actor
    names = ", ".join(ROLE_NAMES[r][0] for r in roles)
    names_en = ", ".join(ROLE_NAMES[r][1] for r in roles)
    raise PermissionDenied(
        f"Tindakan ini hanya untuk peran: {names}.", en=f"Only these roles may do this: {names_en}."
    )


def require_owner(actor: Actor | None, *, policy: Policy) -> Actor:
    """Refuse anyone but an admin or a drafter of the policy's owning unit."""
    actor = require_role(actor, Role.DRAFTER)
    if actor.role is Role.DRAFTER and actor.unit != policy.unit:
        raise PermissionDenied(
            f"Hanya perancang dari {policy.unit} yang boleh mengubah kebijakan ini "
            f"(unit Anda: {actor.unit or 'belum diisi'}).",
            en=f"Only drafters of {policy.unit} may change this policy "
            f"(your unit: {actor.unit or 'not set'}).",
        )
    return actor


# What each staff role does in a consultation instead of commenting or voting.
CONSULTATION_PART = {
    Role.DRAFTER: (
        "perancang menjawab masukan melalui tindak lanjut dan dapat membalasnya",
        "a drafter answers comments through dispositions and may reply to them",
    ),
    Role.MODERATOR: (
        "moderator menyembunyikan atau menampilkan masukan",
        "a moderator hides or shows comments",
    ),
    Role.ADMIN: (
        "admin mengelola akun dan kebijakan, tidak bersuara dalam konsultasi",
        "an admin manages accounts and policies and does not take part in the consultation",
    ),
}


def require_stakeholder(
    actor: Actor | None,
    *,
    doing: tuple[str, str],
    instead: dict[Role, tuple[str, str]] | None = None,
) -> Actor:
    """Refuse anyone but a stakeholder account, admins included; `doing` names the act (id, en)."""
    actor = require_actor(actor)
    if actor.role is not Role.STAKEHOLDER:
        role_id, role_en = ROLE_NAMES[Role(actor.role)]
        part_id, part_en = (instead or {}).get(
            Role(actor.role), (f"akun ini berperan {role_id}", f"this is a {role_en} account")
        )
        raise PermissionDenied(
            f"Hanya pemangku kepentingan yang dapat {doing[0]}; {part_id}.",
            en=f"Only stakeholders can {doing[1]}; {part_en}.",
        )
    return actor
