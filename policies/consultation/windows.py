"""Consultation windows: open on a published version, extend, close, publish the report."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.consultation.models import ConsultationWindow
from policies.consultation.queries import current_window, open_windows, undisposed_in_cycle
from policies.consultation.reminders import follow_deadline, retire_deadline_reminders
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput
from policies.core.fields import TextField
from policies.core.i18n import format_datetime, format_number
from policies.drafting.queries import get_version
from policies.lifecycle import KindRules
from policies.lifecycle.models import Policy, Stage
from policies.lifecycle.owned import StageRule, owned_policy
from policies.lifecycle.queries import get_kind

# A window is prepared while the draft is discussed or revised, then the stage change opens it.
SCHEDULABLE_STAGES = StageRule(
    frozenset({Stage.WORKSHOP, Stage.REVISION, Stage.CONSULTATION}),
    "Jendela konsultasi tidak dapat dibuka pada tahap {name} ({stage}): hanya pada tahap lokakarya, "
    "konsultasi publik atau revisi.",
    "A consultation window cannot be opened in the {name} stage ({stage}): only in the workshop, "
    "public consultation or revision stage.",
)
# Why a consultation closed before its planned end: on the record beside the actual closing time.
CLOSE_REASON = TextField(
    "reason",
    "Alasan penutupan lebih awal",
    "The reason for closing early",
    1000,
    blank=(
        "Tuliskan alasan menutup konsultasi lebih awal: alasan ini tercatat dan ditampilkan.",
        "Give the reason for closing the consultation early: it is recorded and shown.",
    ),
)
NO_WINDOW = (
    "Kebijakan ini belum memiliki jendela konsultasi.",
    "This policy has no consultation window yet.",
)


def is_open(window: ConsultationWindow | None, *, now: datetime) -> bool:
    """Tell whether comments may be sent in this window now: opened, not closed, not past its end."""
    return window is not None and window.closed_at is None and window.opens_at <= now < window.closes_at


def open_for_version(window: ConsultationWindow | None, *, version_id: int | None, now: datetime) -> bool:
    """Tell whether comments on this version are accepted now: the window consults it and is open."""
    return window is not None and window.version_id == version_id and is_open(window, now=now)


def _current_window(session: Session, *, actor: Actor, slug: str) -> tuple[Policy, ConsultationWindow]:
    policy = owned_policy(session, actor=actor, slug=slug)
    window = current_window(session, policy=policy)
    if window is None:
        raise Conflict(NO_WINDOW[0], en=NO_WINDOW[1])
    return policy, window


def open_window(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    version_number: int,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    days: int | None = None,
    now: datetime | None = None,
) -> ConsultationWindow:
    """Schedule the public consultation of a published version, at least the kind's minimum.

    It opens at `opens_at` (default now) and closes at `closes_at`, or `days` later (default: the
    kind's minimum).
    """
    policy = owned_policy(session, actor=actor, slug=slug, stage_rule=SCHEDULABLE_STAGES)
    if closes_at is not None and days is not None:
        raise InvalidInput(
            "Isi closes_at atau days, bukan keduanya.", en="Give closes_at or days, not both.", field="days"
        )
    if any(t is not None and t.tzinfo is None for t in (opens_at, closes_at)):
        raise InvalidInput(
            "Tanggal buka dan tutup harus menyertakan zona waktu.",
            en="The opening and closing times must carry a time zone.",
            field="opens_at",
        )
    now = now or utcnow()
    opens_at = opens_at or now
    version = get_version(session, policy_id=policy.id, number=version_number)  # type: ignore[arg-type]
    if version.published_at is None:
        raise InvalidInput(
            f"Versi {version_number} belum diterbitkan: terbitkan (bekukan) dahulu.",
            en=f"Version {version_number} is not published: publish (freeze) it first.",
            field="version_number",
        )
    rules = KindRules.from_mapping(get_kind(session, kind_id=policy.kind_id).rules)
    if closes_at is None:
        closes_at = opens_at + timedelta(days=days or rules.min_consultation_days)
    length = (closes_at - opens_at).total_seconds() / 86400
    least = rules.min_consultation_days
    if length + 1e-9 < least:
        raise InvalidInput(
            f"Jendela konsultasi minimal {format_number(least)} hari untuk jenis kebijakan ini; "
            f"yang diminta {format_number(length, digits=1)} hari.",
            en=f"A consultation window lasts at least {format_number(least, locale='en')} days for this "
            f"policy kind; {format_number(length, locale='en', digits=1)} days were asked for.",
            field="closes_at",
        )
    existing = current_window(session, policy=policy)
    if existing is not None and existing.closed_at is None and existing.closes_at > now:
        raise Conflict(
            "Sudah ada jendela konsultasi yang belum berakhir pada siklus ini.",
            en="A consultation window of this cycle has not ended yet.",
        )
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


def extend_window(
    session: Session, *, actor: Actor, slug: str, closes_at: datetime, now: datetime | None = None
) -> ConsultationWindow:
    """Move the current window's end later while it has not ended; its pending reminders follow."""
    _, window = _current_window(session, actor=actor, slug=slug)
    now = now or utcnow()
    if closes_at.tzinfo is None:
        raise InvalidInput(
            "Tanggal penutupan harus menyertakan zona waktu.",
            en="The closing time must carry a time zone.",
            field="closes_at",
        )
    if window.closed_at is not None or window.closes_at <= now:
        raise Conflict(
            "Jendela konsultasi ini sudah berakhir dan tidak dapat diperpanjang: buka jendela baru.",
            en="This consultation window has ended and cannot be extended: open a new one.",
        )
    if closes_at <= window.closes_at:
        raise InvalidInput(
            f"Tanggal penutupan baru harus setelah {format_datetime(window.closes_at)}, penutupan "
            "yang sekarang.",
            en=f"The new closing time must be after the current one, "
            f"{format_datetime(window.closes_at, locale='en')}.",
            field="closes_at",
        )
    was, window.closes_at = window.closes_at, closes_at
    session.add(window)
    session.flush()
    # In the same transaction: "closes soon" goes out before the new end, saying the new date.
    follow_deadline(session, window=window, was=was)
    return window


def close_window(
    session: Session, *, actor: Actor, slug: str, reason: str = "", now: datetime | None = None
) -> ConsultationWindow:
    """Close the current window now (or confirm it closed), with the reason when it closes early;
    closing twice changes nothing."""
    _, window = _current_window(session, actor=actor, slug=slug)
    if window.closed_at is None:
        now = now or utcnow()
        if reason.strip() and now < window.closes_at:
            window.close_reason = CLOSE_REASON.clean(reason)
        window.closed_at = min(now, window.closes_at)
        session.add(window)
        session.flush()
        # In the same transaction: "closes soon" must not go out about a consultation already closed.
        retire_deadline_reminders(session, window=window)
    return window


def close_open_windows(session: Session, *, policy: Policy, now: datetime) -> list[ConsultationWindow]:
    """Close every window of the policy not closed yet (a withdrawal ends its consultation)."""
    windows = open_windows(session, policy=policy)
    for window in windows:
        # A scheduled window never opens; one that ran its course keeps its own end.
        window.closed_at = max(min(now, window.closes_at), window.opens_at)
        session.add(window)
    session.flush()
    for window in windows:
        retire_deadline_reminders(session, window=window)
    return windows


def publish_report(
    session: Session, *, actor: Actor, slug: str, now: datetime | None = None
) -> ConsultationWindow:
    """Publish the consultation report once the window closed and every comment is answered."""
    policy, window = _current_window(session, actor=actor, slug=slug)
    now = now or utcnow()
    if window.closed_at is None and window.closes_at > now:
        raise Conflict(
            "Laporan hanya dapat diterbitkan setelah konsultasi ditutup.",
            en="The report can only be published after the consultation has closed.",
        )
    # Every window of the cycle: an earlier window's unanswered comments block the report too.
    missing = undisposed_in_cycle(session, policy=policy)
    if missing:
        raise Conflict(
            f"{format_number(missing)} masukan yang tampil, di semua jendela konsultasi siklus ini, "
            "belum diberi tindak lanjut: laporan memuat jawaban atas setiap masukan, jadi jawab semuanya "
            "dahulu.",
            en=f"{format_number(missing, locale='en')} visible comment(s), across every consultation "
            "window of this cycle, still lack a disposition: the report answers every comment, so "
            "answer them all first.",
            missing=missing,
        )
    if window.closed_at is None:
        window.closed_at = window.closes_at
    if window.report_published_at is None:
        window.report_published_at = now
    session.add(window)
    session.flush()
    return window
