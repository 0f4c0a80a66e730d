"""The public record of every cycle: which consultation a read means, and each cycle's consultation.

A published report, the comments and their answers are a public record (UU 13/2022 Pasal 96):
a new cycle must never hide the last one's. So every read takes a cycle or one window, and reads
the current cycle when given neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from policies.consultation.models import ConsultationWindow
from policies.consultation.queries import cycle_windows, every_window, window_of_policy
from policies.core.errors import NotFound
from policies.lifecycle.models import Policy


@dataclass(frozen=True)
class Chosen:
    """The windows a read covers: a cycle's (oldest first), or one window; `named` when the
    read asked for them, so the links it draws keep asking for the same ones."""

    cycle: int
    windows: list[ConsultationWindow]
    named: bool = False

    @property
    def window_ids(self) -> list[int]:
        """Return the chosen windows' ids, oldest first."""
        return [w.id for w in self.windows if w.id is not None]


def _no_cycle(policy: Policy, cycle: int) -> NotFound:
    return NotFound(
        f"Kebijakan ini belum sampai pada siklus {cycle}; siklusnya sekarang {policy.cycle}.",
        en=f"This policy has not reached cycle {cycle}; it is in cycle {policy.cycle}.",
    )


def chosen_windows(
    session: Session, *, policy: Policy, cycle: int | None = None, window_id: int | None = None
) -> Chosen:
    """Return the windows a read asks for: one window, a cycle's, or (neither) the current cycle's."""
    if window_id is not None:
        window = window_of_policy(session, policy=policy, window_id=window_id)
        if window is None or (cycle is not None and window.cycle != cycle):
            where = f" pada siklus {cycle}" if cycle is not None else ""
            where_en = f" in cycle {cycle}" if cycle is not None else ""
            raise NotFound(
                f"Jendela konsultasi {window_id} tidak ditemukan pada kebijakan ini{where}.",
                en=f"There is no consultation window {window_id} on this policy{where_en}.",
            )
        return Chosen(cycle=window.cycle, windows=[window], named=True)
    if cycle is not None and not 1 <= cycle <= policy.cycle:
        raise _no_cycle(policy, cycle)
    chosen = cycle or policy.cycle
    return Chosen(
        cycle=chosen, windows=cycle_windows(session, policy=policy, cycle=chosen), named=cycle is not None
    )


def consulted(
    session: Session, *, policy: Policy, cycle: int | None = None, window_id: int | None = None
) -> Chosen:
    """Return the windows a read asks for, refusing a cycle that had no public consultation."""
    chosen = chosen_windows(session, policy=policy, cycle=cycle, window_id=window_id)
    if not chosen.windows:
        if not chosen.named:
            raise NotFound(
                "Kebijakan ini belum memiliki konsultasi publik pada siklus ini.",
                en="This policy has no public consultation in this cycle.",
            )
        raise NotFound(
            f"Kebijakan ini tidak memiliki konsultasi publik pada siklus {chosen.cycle}.",
            en=f"This policy had no public consultation in cycle {chosen.cycle}.",
        )
    return chosen


@dataclass(frozen=True)
class CycleConsultation:
    """One cycle's public consultation: its windows (oldest first) and when its report came out."""

    cycle: int
    windows: list[ConsultationWindow]

    @property
    def report_published_at(self) -> datetime | None:
        """Return when the cycle's report was published (it is published on the latest window)."""
        return self.windows[-1].report_published_at

    @property
    def version_id(self) -> int:
        """Return the version the cycle's latest window consulted."""
        return self.windows[-1].version_id


def consultations(session: Session, *, policy: Policy) -> list[CycleConsultation]:
    """Return every cycle's public consultation, oldest cycle first (cycles without one left out)."""
    by_cycle: dict[int, list[ConsultationWindow]] = {}
    for window in every_window(session, policy=policy):
        by_cycle.setdefault(window.cycle, []).append(window)
    return [CycleConsultation(cycle=c, windows=ws) for c, ws in sorted(by_cycle.items())]
