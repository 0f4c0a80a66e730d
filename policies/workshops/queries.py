"""Reads of a policy's workshops, their attendance and outcomes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from policies.core.rows import child_row
from policies.lifecycle.models import Policy, Stage
from policies.lifecycle.queries import get_policy
from policies.outbox.models import Reminder
from policies.workshops.models import Workshop, WorkshopAttendance, WorkshopOutcome


def workshop_of(session: Session, *, policy: Policy, workshop_id: int) -> Workshop:
    """Return a workshop of the policy or raise NotFound."""
    missing = (
        f"Lokakarya {workshop_id} tidak ditemukan pada kebijakan ini.",
        f"Workshop {workshop_id} was not found on this policy.",
    )
    return child_row(
        session, model=Workshop, row_id=workshop_id, parent=("policy_id", policy.id), missing=missing
    )


def outcome_of(session: Session, *, workshop: Workshop, outcome_id: int) -> WorkshopOutcome:
    """Return an outcome of the workshop or raise NotFound."""
    missing = (
        f"Hasil lokakarya {outcome_id} tidak ditemukan pada lokakarya {workshop.id}.",
        f"There is no outcome {outcome_id} in workshop {workshop.id}.",
    )
    return child_row(
        session,
        model=WorkshopOutcome,
        row_id=outcome_id,
        parent=("workshop_id", workshop.id),
        missing=missing,
    )


def get_workshop(session: Session, *, slug: str, workshop_id: int) -> Workshop:
    """Return a workshop of a policy or raise NotFound."""
    return workshop_of(session, policy=get_policy(session, slug=slug), workshop_id=workshop_id)


def list_workshops(session: Session, *, slug: str) -> list[Workshop]:
    """Return a policy's workshops of every cycle, earliest first."""
    stmt = select(Workshop).where(Workshop.policy_id == get_policy(session, slug=slug).id)
    return list(session.exec(stmt.order_by(col(Workshop.starts_at), col(Workshop.id))))


def attendance_of(session: Session, *, workshop_id: int) -> list[WorkshopAttendance]:
    """Return a workshop's daftar hadir in the order it was taken."""
    stmt = select(WorkshopAttendance).where(WorkshopAttendance.workshop_id == workshop_id)
    return list(session.exec(stmt.order_by(col(WorkshopAttendance.id))))


def outcomes_of(session: Session, *, workshop_id: int) -> list[WorkshopOutcome]:
    """Return the points raised in a workshop, in the order they were recorded."""
    stmt = select(WorkshopOutcome).where(WorkshopOutcome.workshop_id == workshop_id)
    return list(session.exec(stmt.order_by(col(WorkshopOutcome.id))))


def outcomes_in_cycle(
    session: Session, *, policy: Policy, cycle: int
) -> list[tuple[WorkshopOutcome, Workshop]]:
    """Return every outcome of a cycle's workshops with its workshop, in the order recorded."""
    stmt = (
        select(WorkshopOutcome, Workshop)
        .join(Workshop, col(Workshop.id) == WorkshopOutcome.workshop_id)
        .where(Workshop.policy_id == policy.id, Workshop.cycle == cycle)
        .order_by(col(WorkshopOutcome.id))
    )
    return list(session.exec(stmt).all())  # type: ignore[arg-type]


def workshops_of_cycle(session: Session, *, policy: Policy) -> list[Workshop]:
    """Return the current cycle's workshops, earliest first."""
    return list(
        session.exec(
            select(Workshop)
            .where(Workshop.policy_id == policy.id, Workshop.cycle == policy.cycle)
            .order_by(col(Workshop.starts_at))
        )
    )


def workshops_starting(session: Session, *, policy: Policy, start: datetime, end: datetime) -> list[Workshop]:
    """Return the current cycle's workshops that start between two moments (both included)."""
    return list(
        session.exec(
            select(Workshop).where(
                Workshop.policy_id == policy.id,
                Workshop.cycle == policy.cycle,
                Workshop.starts_at >= start,
                Workshop.starts_at <= end,
            )
        )
    )


def workshop_stage_still_on() -> sa.ColumnElement[bool]:
    """Hold for a reminder whose policy is still in the workshop stage of the cycle it names."""
    return (
        select(Policy.id)
        .where(
            col(Policy.id) == Reminder.policy_id,
            Policy.stage == Stage.WORKSHOP.value,
            col(Policy.cycle) == col(Reminder.context)["cycle"].as_integer(),
        )
        .exists()
    )
