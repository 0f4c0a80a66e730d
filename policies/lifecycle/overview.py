"""Reads behind the home page and the drafters' board: what is open, adopted, evaluated, blocked, due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation.models import ConsultationWindow
from policies.consultation.queries import current_window
from policies.evaluation.models import SurveyRound
from policies.lifecycle.actions import NextStep, next_steps
from policies.lifecycle.models import Policy, PolicyKind, Stage
from policies.rollout.models import Acknowledgement, Adoption
from policies.rollout.queries import latest_adoption
from policies.workshops.models import Workshop

DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class OpenConsultation:
    """A policy open for comment and how long it stays open."""

    policy: Policy
    window: ConsultationWindow
    days_left: int


def open_consultations(session: Session, *, now: datetime) -> list[OpenConsultation]:
    """Return the policies whose consultation window is open now, closing soonest first."""
    rows = session.exec(
        select(Policy, ConsultationWindow)
        .join(ConsultationWindow, col(ConsultationWindow.policy_id) == Policy.id)
        .where(
            Policy.stage == Stage.CONSULTATION.value,
            ConsultationWindow.cycle == Policy.cycle,
            col(ConsultationWindow.closed_at).is_(None),
            ConsultationWindow.opens_at <= now,
            ConsultationWindow.closes_at > now,
        )
        .order_by(col(ConsultationWindow.closes_at))
    ).all()
    # Days left rounds up: a window closing tonight still has "1 day" to go.
    return [
        OpenConsultation(p, w, max(0, -int(-(w.closes_at - now).total_seconds() // 86400))) for p, w in rows
    ]


def recently_adopted(session: Session, *, limit: int = 5) -> list[tuple[Policy, Adoption]]:
    """Return the latest adoptions with their policies, newest first."""
    rows = session.exec(
        select(Policy, Adoption)
        .join(Adoption, col(Adoption.policy_id) == Policy.id)
        .where(Policy.stage != Stage.WITHDRAWN.value)
        .order_by(col(Adoption.adopted_on).desc(), col(Adoption.id).desc())
        .limit(limit)
    ).all()
    return [(p, a) for p, a in rows]


def under_evaluation(session: Session) -> list[Policy]:
    """Return the policies in the evaluation stage, by title."""
    stmt = select(Policy).where(Policy.stage == Stage.EVALUATION.value).order_by(col(Policy.title))
    return list(session.exec(stmt))


def has_acknowledged(session: Session, *, policy_id: int, account_id: int) -> bool:
    """Tell whether an account has acknowledged the policy's latest adopted version."""
    adoption = latest_adoption(session, policy_id=policy_id)
    if adoption is None:
        return False
    stmt = select(Acknowledgement.id).where(
        Acknowledgement.version_id == adoption.version_id, Acknowledgement.account_id == account_id
    )
    return session.exec(stmt).first() is not None


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
    window = current_window(session, policy=policy)
    if window is not None and window.closed_at is None and now <= window.closes_at <= horizon:
        items.append(DueItem(window.closes_at, "Konsultasi publik ditutup", "Consultation closes"))
    for w in session.exec(
        select(Workshop).where(
            Workshop.policy_id == policy.id,
            Workshop.cycle == policy.cycle,
            Workshop.starts_at >= now,
            Workshop.starts_at <= horizon,
        )
    ):
        items.append(DueItem(w.starts_at, f"Lokakarya: {w.title}", f"Workshop: {w.title}"))
    for r in session.exec(
        select(SurveyRound).where(
            SurveyRound.policy_id == policy.id,
            col(SurveyRound.closed_at).is_(None),
            SurveyRound.closes_at >= now,
            SurveyRound.closes_at <= horizon,
        )
    ):
        items.append(
            DueItem(r.closes_at, f"Survei putaran {r.number} ditutup", f"Survey round {r.number} closes")
        )
    return sorted(items, key=lambda i: i.when)


def board_unit(viewer: Actor) -> str | None:
    """Say whose policies a viewer's board shows: a drafter's own unit's, every unit's (None) for the rest."""
    return viewer.unit if viewer.role is Role.DRAFTER else None


def board(session: Session, *, viewer: Actor, now: datetime) -> dict[Stage, list[BoardCard]]:
    """Group the policies the viewer's board shows by stage, each with its gates and due dates."""
    unit = board_unit(viewer)
    stmt = select(Policy).order_by(col(Policy.title))
    if unit:
        stmt = stmt.where(Policy.unit == unit)
    horizon = now + timedelta(days=DUE_SOON_DAYS)
    columns: dict[Stage, list[BoardCard]] = {stage: [] for stage in Stage}
    for policy in session.exec(stmt):
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
    stmt = select(Policy, PolicyKind).join(PolicyKind, col(PolicyKind.id) == Policy.kind_id)
    if stage is not None:
        stmt = stmt.where(Policy.stage == stage.value)
    order = list(Stage)
    rows = sorted(
        session.exec(stmt.order_by(col(Policy.title))).all(), key=lambda r: order.index(Stage(r[0].stage))
    )
    return [PolicyRow(p, k.name, k.name_en) for p, k in rows]


def stage_counts(session: Session) -> dict[Stage, int]:
    """Count the policies in each stage (every stage present, zero when empty)."""
    counts = dict.fromkeys(Stage, 0)
    for stage, n in session.exec(select(Policy.stage, func.count()).group_by(Policy.stage)):
        counts[Stage(stage)] = int(n)
    return counts
