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
    # Whether the account's email is verified: only then does it speak in a consultation.
    verified: bool = True


# What an account whose email is not verified is told when it tries to comment, reply or vote.
UNVERIFIED = (
    "Verifikasi alamat email Anda terlebih dahulu: buka tautan dalam email verifikasi dari Siklus. "
    "Belum menerimanya? Kirim ulang dari halaman /verify-email.",
    "Verify your email address first: open the link in the verification email from Siklus. "
    "Did not get it? Send it again from the page /verify-email.",
)
SYSTEM = Actor(id=None, name="Siklus (otomatis)", role=Role.ADMIN)


@dataclass(frozen=True)
class RoleText:
    """How refusals name a role, and what the role does in a consultation instead of commenting."""

    name: str
    name_en: str
    in_consultation: str
    in_consultation_en: str


# The one role table: every Role has its row (a test holds it so), since a refusal naming a role
# without one would be a 500 instead of a refusal.
ROLES: dict[Role, RoleText] = {
    Role.ADMIN: RoleText(
        "admin",
        "admin",
        "admin mengelola akun dan kebijakan, tidak bersuara dalam konsultasi",
        "an admin manages accounts and policies and does not take part in the consultation",
    ),
    Role.DRAFTER: RoleText(
        "perancang",
        "drafter",
        "perancang menjawab masukan melalui tindak lanjut dan dapat membalasnya",
        "a drafter answers comments through dispositions and may reply to them",
    ),
    Role.MODERATOR: RoleText(
        "moderator",
        "moderator",
        "moderator menyembunyikan atau menampilkan masukan",
        "a moderator hides or shows comments",
    ),
    Role.EVALUATOR: RoleText(
        "evaluator",
        "evaluator",
        "evaluator menjalankan survei evaluasi, tidak bersuara dalam konsultasi",
        "an evaluator runs the evaluation surveys and does not take part in the consultation",
    ),
    Role.STAKEHOLDER: RoleText(
        "pemangku kepentingan",
        "stakeholder",
        "pemangku kepentingan memberi masukan dan suara",
        "a stakeholder comments and votes",
    ),
}


def require_actor(actor: Actor | None) -> Actor:
    """Refuse an anonymous caller."""
    if actor is None:
        raise NotAuthenticated(
            "Masuk terlebih dahulu untuk melakukan tindakan ini.",
            en="Sign in first to do this.",
        )
    return actor


def has_role(actor: Actor | None, *roles: Role) -> bool:
    """Tell whether the actor holds one of `roles` (admins hold every role)."""
    return actor is not None and (actor.role is Role.ADMIN or actor.role in roles)


def can_answer(actor: Actor | None) -> bool:
    """Tell whether the actor may answer comments: drafters (of the owning unit) and admins."""
    return has_role(actor, Role.DRAFTER)


def can_moderate(actor: Actor | None) -> bool:
    """Tell whether the actor may hide a comment or show it again: moderators and admins."""
    return has_role(actor, Role.MODERATOR)


def require_verified(actor: Actor) -> Actor:
    """Refuse an account whose email is not verified yet (self-registered, link not opened)."""
    if not actor.verified:
        raise PermissionDenied(UNVERIFIED[0], en=UNVERIFIED[1])
    return actor


def require_role(actor: Actor | None, *roles: Role) -> Actor:
    """Refuse an actor whose role is not among `roles` (admins may do everything)."""
    actor = require_actor(actor)
    if has_role(actor, *roles):
        return actor
    names = ", ".join(ROLES[r].name for r in roles)
    names_en = ", ".join(ROLES[r].name_en for r in roles)
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


# What each role does in a consultation instead of commenting or voting, read from the role table.
CONSULTATION_PART = {role: (text.in_consultation, text.in_consultation_en) for role, text in ROLES.items()}


def is_stakeholder(actor: Actor | None) -> bool:
    """Tell whether the actor speaks as a stakeholder (comments, votes, acknowledges): admins do not."""
    return actor is not None and actor.role is Role.STAKEHOLDER


def require_stakeholder(
    actor: Actor | None,
    *,
    doing: tuple[str, str],
    instead: dict[Role, tuple[str, str]] | None = None,
) -> Actor:
    """Refuse anyone but a stakeholder account, admins included; `doing` names the act (id, en)."""
    actor = require_actor(actor)
    if not is_stakeholder(actor):
        role = ROLES[Role(actor.role)]
        part_id, part_en = (instead or {}).get(
            Role(actor.role), (f"akun ini berperan {role.name}", f"this is a {role.name_en} account")
        )
        raise PermissionDenied(
            f"Hanya pemangku kepentingan yang dapat {doing[0]}; {part_id}.",
            en=f"Only stakeholders can {doing[1]}; {part_en}.",
        )
    return actor
