"""Domain errors: they name what went wrong, never an HTTP status (service/ maps them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


class DomainError(Exception):
    """Base of every expected refusal; `code` is a stable machine-readable name."""

    code = "domain-error"
    title = "Permintaan ditolak"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(DomainError):
    """The thing asked for does not exist."""

    code = "not-found"
    title = "Tidak ditemukan"


class Conflict(DomainError):
    """The request clashes with the current state (a concurrent change, a duplicate)."""

    code = "conflict"
    title = "Konflik dengan keadaan saat ini"


class InvalidInput(DomainError):
    """The input is well-formed but breaks a domain rule (field names the culprit)."""

    code = "invalid-input"
    title = "Masukan tidak valid"

    def __init__(self, detail: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail, field=field, **extra)
        self.field = field


class PermissionDenied(DomainError):
    """The actor may not do this."""

    code = "forbidden"
    title = "Tidak diizinkan"


class NotAuthenticated(DomainError):
    """No valid credentials were given."""

    code = "unauthenticated"
    title = "Perlu masuk"


class RateLimited(DomainError):
    """Too many requests in a short time."""

    code = "rate-limited"
    title = "Terlalu banyak permintaan"


class TransitionNotAllowed(DomainError):
    """The lifecycle has no edge from the current stage to the requested one."""

    code = "transition-not-allowed"
    title = "Perpindahan tahap tidak diizinkan"


@dataclass(frozen=True)
class FailedGate:
    """One unmet gate, in words a drafter can act on."""

    gate: str
    reason: str


@dataclass
class GatesNotMet(DomainError):
    """Every gate that blocks a transition, not only the first."""

    from_stage: str
    to_stage: str
    failed: Sequence[FailedGate] = field(default_factory=list)
    code = "gates-not-met"
    title = "Syarat tahap belum terpenuhi"

    def __post_init__(self) -> None:
        reasons = "; ".join(f.reason for f in self.failed)
        DomainError.__init__(
            self,
            f"Tidak dapat pindah dari {self.from_stage} ke {self.to_stage}: {reasons}",
        )
