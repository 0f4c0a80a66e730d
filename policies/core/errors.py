"""Domain errors: they name what went wrong, never an HTTP status (service/ maps them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from policies.core.i18n import stage_name

# Each kind of refusal's stable code, with its title in Indonesian and in English.
TITLES: dict[str, tuple[str, str]] = {
    "domain-error": ("Permintaan ditolak", "Request refused"),
    "not-found": ("Tidak ditemukan", "Not found"),
    "conflict": ("Konflik dengan keadaan saat ini", "Conflicts with the current state"),
    "invalid-input": ("Masukan tidak valid", "Invalid input"),
    "forbidden": ("Tidak diizinkan", "Not allowed"),
    "unauthenticated": ("Perlu masuk", "Sign-in required"),
    "rate-limited": ("Terlalu banyak permintaan", "Too many requests"),
    "transition-not-allowed": ("Perpindahan tahap tidak diizinkan", "Stage change not allowed"),
    "gates-not-met": ("Syarat tahap belum terpenuhi", "Stage requirements not met"),
}


class DomainError(Exception):
    """Base of every expected refusal; `code` is a stable machine-readable name.

    `detail` is Bahasa Indonesia (the product's first language), `detail_en` its English
    version; `in_language()` picks one, falling back to Indonesian where no English was written.
    """

    code = "domain-error"
    title, title_en = TITLES[code]

    def __init_subclass__(cls, *, code: str | None = None, **kw: Any) -> None:
        # A kind of refusal names its code; its titles come from the one table above.
        super().__init_subclass__(**kw)
        if code is not None:
            cls.code = code
            cls.title, cls.title_en = TITLES[code]

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


class NotFound(DomainError, code="not-found"):
    """The thing asked for does not exist."""


class Conflict(DomainError, code="conflict"):
    """The request clashes with the current state (a concurrent change, a duplicate)."""


class InvalidInput(DomainError, code="invalid-input"):
    """The input is well-formed but breaks a domain rule (field names the culprit)."""

    def __init__(self, detail: str, *, en: str = "", field: str | None = None, **extra: Any) -> None:
        super().__init__(detail, en=en, field=field, **extra)
        self.field = field


class PermissionDenied(DomainError, code="forbidden"):
    """The actor may not do this."""


class NotAuthenticated(DomainError, code="unauthenticated"):
    """No valid credentials were given."""


class RateLimited(DomainError, code="rate-limited"):
    """Too many requests in a short time."""


class TransitionNotAllowed(DomainError, code="transition-not-allowed"):
    """The lifecycle has no edge from the current stage to the requested one."""


@dataclass(frozen=True)
class FailedGate:
    """One unmet gate, in words a drafter can act on."""

    gate: str
    reason: str
    reason_en: str = ""


@dataclass
class GatesNotMet(DomainError, code="gates-not-met"):
    """Every gate that blocks a transition, not only the first."""

    from_stage: str
    to_stage: str
    failed: Sequence[FailedGate] = field(default_factory=list)

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
