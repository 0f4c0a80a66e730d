"""Reads behind the home page and the drafters' board: what is open, adopted, evaluated, blocked, due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation import queries as consultation_queries
from policies.consultation.models import ConsultationWindow
from policies.evaluation.queries import rounds_closing
from policies.lifecycle import queries
from policies.lifecycle.actions import NextStep, next_steps
from policies.lifecycle.models import Policy, Stage
from policies.rollout import queries as rollout_queries
from policies.rollout.models import Adoption
from policies.workshops.queries import workshops_starting

DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class OpenConsultation:
    """A policy open for comment and how long it stays open."""

    policy: Policy
    window: ConsultationWindow
    days_left: int


def open_consultations(session: Session, *, now: datetime) -> list[OpenConsultation]:
    """Return the policies whose consultation window is open now, closing soonest first."""
    rows = consultation_queries.windows_open_now(session, now=now)
    # Days left rounds up: a window closing tonight still has "1 day" to go.
    return [
        OpenConsultation(p, w, max(0, -int(-(w.closes_at - now).total_seconds() // 86400))) for p, w in rows
    ]


def recently_adopted(session: Session, *, limit: int = 5) -> list[tuple[Policy, Adoption]]:
    """Return the latest adoptions with their policies, newest first."""
    return rollout_queries.recent_adoptions(session, limit=limit)


def in_consultation(session: Session) -> list[Policy]:
    """Return the policies in the public-consultation stage, by title (where offline inputs are recorded)."""
    return queries.policies_by_title(session, stage=Stage.CONSULTATION)


def under_evaluation(session: Session) -> list[Policy]:
    """Return the policies in the evaluation stage, by title."""
    return queries.policies_by_title(session, stage=Stage.EVALUATION)


def has_acknowledged(session: Session, *, policy_id: int, account_id: int) -> bool:
    """Tell whether an account has acknowledged the policy's latest adopted version."""
    adoption = rollout_queries.latest_adoption(session, policy_id=policy_id)
    if adoption is None:
        return False
    return rollout_queries.has_acknowledged(session, version_id=adoption.version_id, account_id=account_id)


@dataclass(frozen=True)
class DueItem:
    """Something with a date coming up: a window closing, a workshop, a survey round closing."""

    when: datetime
    what: str
    what_en: str


@dataclass(frozen=True)
class BoardCard:
    """A policy on the board: where it stands, what blocks its next step, what is due soon."""

    policy: Policy
    steps: list[NextStep]
    due: list[DueItem]


def _due(session: Session, *, policy: Policy, now: datetime, horizon: datetime) -> list[DueItem]:
    items: list[DueItem] = []
    window = consultation_queries.current_window(session, policy=policy)
    if window is not None and window.closed_at is None and now <= window.closes_at <= horizon:
        items.append(DueItem(window.closes_at, "Konsultasi publik ditutup", "Consultation closes"))
    for w in workshops_starting(session, policy=policy, start=now, end=horizon):
        items.append(DueItem(w.starts_at, f"Lokakarya: {w.title}", f"Workshop: {w.title}"))
    for r in rounds_closing(session, policy_id=policy.id, start=now, end=horizon):  # type: ignore[arg-type]
        items.append(
            DueItem(r.closes_at, f"Survei putaran {r.number} ditutup", f"Survey round {r.number} closes")
        )
    return sorted(items, key=lambda i: i.when)


def board_unit(viewer: Actor) -> str | None:
    """Say whose policies a viewer's board shows: a drafter's own unit's, every unit's (None) for the rest."""
    return viewer.unit if viewer.role is Role.DRAFTER else None


def board(session: Session, *, viewer: Actor, now: datetime) -> dict[Stage, list[BoardCard]]:
    """Group the policies the viewer's board shows by stage, each with its gates and due dates."""
    horizon = now + timedelta(days=DUE_SOON_DAYS)
    columns: dict[Stage, list[BoardCard]] = {stage: [] for stage in Stage}
    for policy in queries.policies_by_title(session, unit=board_unit(viewer)):
        steps = next_steps(session, policy=policy, now=now)
        columns[Stage(policy.stage)].append(
            BoardCard(policy, steps, _due(session, policy=policy, now=now, horizon=horizon))
        )
    return columns


@dataclass(frozen=True)
class PolicyRow:
    """A policy in the home page's full list, with its kind's names."""

    policy: Policy
    kind_name: str
    kind_name_en: str


def every_policy(session: Session, *, stage: Stage | None = None) -> list[PolicyRow]:
    """Return every policy (or those in one stage) in lifecycle order, then by title."""
    order = list(Stage)
    rows = sorted(
        queries.policies_with_kinds(session, stage=stage), key=lambda r: order.index(Stage(r[0].stage))
    )
    return [PolicyRow(p, k.name, k.name_en) for p, k in rows]


def stage_counts(session: Session) -> dict[Stage, int]:
    """Count the policies in each stage (every stage present, zero when empty)."""
    counts = dict.fromkeys(Stage, 0)
    for stage, n in queries.count_by_stage(session):
        counts[Stage(stage)] = n
    return counts
