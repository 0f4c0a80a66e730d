"""Consultation windows: open on a published version, close, publish the report."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from policies.access import Actor, require_owner
from policies.db import utcnow
from policies.errors import Conflict, InvalidInput
from policies.lifecycle import KindRules
from policies.models import ConsultationWindow, Stage
from policies.queries import current_window, get_kind, get_policy, get_version, undisposed_comments

# A window is prepared while the draft is discussed or revised, then the stage change opens it.
SCHEDULABLE_STAGES = frozenset({Stage.WORKSHOP, Stage.REVISION, Stage.CONSULTATION})


def open_window(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    version_number: int,
    opens_at: datetime,
    closes_at: datetime,
) -> ConsultationWindow:
    """Schedule the public consultation of a published version, at least the kind's minimum."""
    policy = get_policy(session, slug=slug)
    require_owner(actor, policy)
    if policy.stage not in SCHEDULABLE_STAGES:
        raise Conflict(
            f"Jendela konsultasi tidak dapat dibuka pada tahap {policy.stage}: hanya pada tahap "
            "lokakarya atau revisi."
        )
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise InvalidInput("Tanggal buka dan tutup harus menyertakan zona waktu.", field="opens_at")
    version = get_version(session, policy_id=policy.id, number=version_number)  # type: ignore[arg-type]
    if version.published_at is None:
        raise InvalidInput(
            f"Versi {version_number} belum diterbitkan: terbitkan (bekukan) dahulu.",
            field="version_number",
        )
    rules = KindRules.from_mapping(get_kind(session, kind_id=policy.kind_id).rules)
    days = (closes_at - opens_at).total_seconds() / 86400
    if days + 1e-9 < rules.min_consultation_days:
        raise InvalidInput(
            f"Jendela konsultasi minimal {rules.min_consultation_days} hari untuk jenis kebijakan "
            f"ini; yang diminta {days:.1f} hari.",
            field="closes_at",
        )
    existing = current_window(session, policy=policy)
    if existing is not None and existing.closed_at is None and existing.closes_at > utcnow():
        raise Conflict("Sudah ada jendela konsultasi yang belum berakhir pada siklus ini.")
    window = ConsultationWindow(
        policy_id=policy.id,  # type: ignore[arg-type]
        cycle=policy.cycle,
        version_id=version.id,  # type: ignore[arg-type]
        opens_at=opens_at,
        closes_at=closes_at,
        created_by_id=actor.id,
    )
    session.add(window)
    session.flush()
    return window


def close_window(
    session: Session, *, actor: Actor, slug: str, now: datetime | None = None
) -> ConsultationWindow:
    """Close the current window now (or confirm it closed); closing twice changes nothing."""
    policy = get_policy(session, slug=slug)
    require_owner(actor, policy)
    window = current_window(session, policy=policy)
    if window is None:
        raise Conflict("Kebijakan ini belum memiliki jendela konsultasi.")
    if window.closed_at is None:
        now = now or utcnow()
        window.closed_at = min(now, window.closes_at)
        session.add(window)
        session.flush()
    return window


def publish_report(
    session: Session, *, actor: Actor, slug: str, now: datetime | None = None
) -> ConsultationWindow:
    """Publish the consultation report once the window closed and every comment is answered."""
    policy = get_policy(session, slug=slug)
    require_owner(actor, policy)
    window = current_window(session, policy=policy)
    now = now or utcnow()
    if window is None:
        raise Conflict("Kebijakan ini belum memiliki jendela konsultasi.")
    if window.closed_at is None and window.closes_at > now:
        raise Conflict("Laporan hanya dapat diterbitkan setelah konsultasi ditutup.")
    missing = undisposed_comments(session, window_id=window.id)  # type: ignore[arg-type]
    if missing:
        raise Conflict(
            f"{missing} masukan belum diberi tindak lanjut: laporan memuat jawaban atas setiap "
            "masukan, jadi jawab semuanya dahulu.",
            missing=missing,
        )
    if window.closed_at is None:
        window.closed_at = window.closes_at
    if window.report_published_at is None:
        window.report_published_at = now
    session.add(window)
    session.flush()
    return window
