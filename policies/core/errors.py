"""Domain errors: they name what went wrong, never an HTTP status (service/ maps them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from policies.core.i18n import stage_name


class DomainError(Exception):
    """Base of every expected refusal; `code` is a stable machine-readable name.

    `detail` is Bahasa Indonesia (the product's first language), `detail_en` its English
    version; `in_language()` picks one, falling back to Indonesian where no English was written.
    """

    code = "domain-error"
    title = "Permintaan ditolak"
    title_en = "Request refused"

    def __init__(self, detail: str, *, en: str = "", **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.detail_en = en
        self.extra = extra

    def in_language(self, locale: str) -> tuple[str, str]:
        """Return (title, detail) in the given locale ("id" or "en")."""
        if locale == "en":
            return self.title_en, self.detail_en or self.detail
        return self.title, self.detail


class NotFound(DomainError):
    """The thing asked for does not exist."""

    code = "not-found"
    title = "Tidak ditemukan"
    title_en = "Not found"


class Conflict(DomainError):
    """The request clashes with the current state (a concurrent change, a duplicate)."""

    code = "conflict"
    title = "Konflik dengan keadaan saat ini"
    title_en = "Conflicts with the current state"


class InvalidInput(DomainError):
    """The input is well-formed but breaks a domain rule (field names the culprit)."""

    code = "invalid-input"
    title = "Masukan tidak valid"
    title_en = "Invalid input"

    def __init__(self, detail: str, *, en: str = "", field: str | None = None, **extra: Any) -> None:
        super().__init__(detail, en=en, field=field, **extra)
        self.field = field


class PermissionDenied(DomainError):
    """The actor may not do this."""

    code = "forbidden"
    title = "Tidak diizinkan"
    title_en = "Not allowed"


class NotAuthenticated(DomainError):
    """No valid credentials were given."""

    code = "unauthenticated"
    title = "Perlu masuk"
    title_en = "Sign-in required"


class RateLimited(DomainError):
    """Too many requests in a short time."""

    code = "rate-limited"
    title = "Terlalu banyak permintaan"
    title_en = "Too many requests"


class TransitionNotAllowed(DomainError):
    """The lifecycle has no edge from the current stage to the requested one."""

    code = "transition-not-allowed"
    title = "Perpindahan tahap tidak diizinkan"
    title_en = "Stage change not allowed"


@dataclass(frozen=True)
class FailedGate:
    """One unmet gate, in words a drafter can act on."""

    gate: str
    reason: str
    reason_en: str = ""


@dataclass
class GatesNotMet(DomainError):
    """Every gate that blocks a transition, not only the first."""

    from_stage: str
    to_stage: str
    failed: Sequence[FailedGate] = field(default_factory=list)
    code = "gates-not-met"
    title = "Syarat tahap belum terpenuhi"
    title_en = "Stage requirements not met"

    def __post_init__(self) -> None:
        reasons = "; ".join(f.reason for f in self.failed)
        reasons_en = "; ".join(f.reason_en or f.reason for f in self.failed)
        from_id, to_id = stage_name(self.from_stage), stage_name(self.to_stage)
        from_en, to_en = stage_name(self.from_stage, locale="en"), stage_name(self.to_stage, locale="en")
        DomainError.__init__(
            self,
            f"Tidak dapat pindah dari {from_id} ke {to_id}: {reasons}",
            en=f"Cannot move from {from_en} to {to_en}: {reasons_en}",
        )
