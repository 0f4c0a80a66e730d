"""Workshops (lokakarya): schedule, attendance, minutes, outcomes into the comment register."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from policies.accounts.access import Actor, require_owner
from policies.accounts.models import Account
from policies.consultation.models import Comment, CommentSource, Stance
from policies.consultation.queries import current_window
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput, NotFound
from policies.core.fields import clean_text
from policies.core.text import text_hash
from policies.drafting.queries import clauses_of, latest_version
from policies.lifecycle.queries import get_policy
from policies.workshops.models import Workshop, WorkshopAttendance, WorkshopOutcome

# The columns' sizes (policies/workshops/models.py) and the API schemas' limits.
TITLE_MIN, TITLE_MAX = 3, 300
LOCATION_MAX, ONLINE_URL_MAX, AGENDA_MAX = 300, 500, 20_000
NAME_MAX, UNIT_MAX = 200, 200
MINUTES_MAX, OUTCOME_MAX, RAISED_BY_MAX, CLAUSE_KEY_MAX = 200_000, 20_000, 200, 40


def _workshop(session: Session, *, workshop_id: int, policy_id: int) -> Workshop:
    workshop = session.get(Workshop, workshop_id)
    if workshop is None or workshop.policy_id != policy_id:
        raise NotFound(
            f"Lokakarya {workshop_id} tidak ditemukan pada kebijakan ini.",
            en=f"Workshop {workshop_id} was not found on this policy.",
        )
    return workshop


def schedule_workshop(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    title: str,
    starts_at: datetime,
    location: str = "",
    online_url: str = "",
    agenda: str = "",
) -> Workshop:
    """Schedule a workshop on the policy's current draft."""
    policy = get_policy(session, slug=slug)
    require_owner(actor, policy=policy)
    title = clean_text(
        title,
        field="title",
        label="Judul lokakarya",
        label_en="The workshop's title",
        min_chars=TITLE_MIN,
        max_chars=TITLE_MAX,
    )
    location = clean_text(
        location, field="location", label="Tempat", label_en="The place", max_chars=LOCATION_MAX
    )
    online_url = clean_text(
        online_url,
        field="online_url",
        label="Tautan daring",
        label_en="The online link",
        max_chars=ONLINE_URL_MAX,
    )
    agenda = clean_text(
        agenda, field="agenda", label="Agenda", label_en="The agenda", max_chars=AGENDA_MAX, strip=False
    )
    if starts_at.tzinfo is None:
        raise InvalidInput(
            "Waktu lokakarya harus menyertakan zona waktu.",
            en="The workshop's time must include a time zone.",
            field="starts_at",
        )
    if not location and not online_url:
        raise InvalidInput(
            "Isi tempat atau tautan daring lokakarya.",
            en="Give the workshop's place or its online link.",
            field="location",
        )
    workshop = Workshop(
        policy_id=policy.id,  # type: ignore[arg-type]
        cycle=policy.cycle,
        title=title,
        starts_at=starts_at,
        location=location,
        online_url=online_url,
        agenda=agenda,
        created_by_id=actor.id,
    )
    session.add(workshop)
    session.flush()
    return workshop


def record_attendance(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    workshop_id: int,
    name: str,
    nip: str = "",
    unit: str = "",
    account_id: int | None = None,
) -> WorkshopAttendance:
    """Add a person to the daftar hadir (with or without an account)."""
    policy = get_policy(session, slug=slug)
    require_owner(actor, policy=policy)
    workshop = _workshop(session, workshop_id=workshop_id, policy_id=policy.id)  # type: ignore[arg-type]
    if account_id is not None:
        # An account fills in what was left out, so attendance can be taken by account alone.
        account = session.get(Account, account_id)
        if account is None:
            raise NotFound(
                f"Akun {account_id} tidak ditemukan.",
                en=f"Account {account_id} was not found.",
                field="account_id",
            )
        name, nip, unit = name or account.name, nip or account.nip, unit or account.unit
    if not name.strip():
        raise InvalidInput(
            "Nama peserta wajib diisi (atau sebutkan account_id).",
            en="The participant's name is required (or give an account_id).",
            field="name",
        )
    name = clean_text(
        name, field="name", label="Nama peserta", label_en="The participant's name", max_chars=NAME_MAX
    )
    unit = clean_text(unit, field="unit", label="Unit kerja", label_en="The work unit", max_chars=UNIT_MAX)
    nip = nip.strip()
    if nip and (not nip.isdigit() or len(nip) != 18):
        raise InvalidInput("NIP terdiri atas 18 angka.", en="A NIP has 18 digits.", field="nip")
    row = WorkshopAttendance(
        workshop_id=workshop.id,  # type: ignore[arg-type]
        account_id=account_id,
        name=name,
        nip=nip,
        unit=unit,
    )
    session.add(row)
    session.flush()
    return row


def record_minutes(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    workshop_id: int,
    minutes: str,
    now: datetime | None = None,
) -> Workshop:
    """Record the notula of a workshop that was held."""
    policy = get_policy(session, slug=slug)
    require_owner(actor, policy=policy)
    workshop = _workshop(session, workshop_id=workshop_id, policy_id=policy.id)  # type: ignore[arg-type]
    if not minutes.strip():
        raise InvalidInput("Notula tidak boleh kosong.", en="The minutes may not be empty.", field="minutes")
    minutes = clean_text(
        minutes,
        field="minutes",
        label="Notula",
        label_en="The minutes",
        min_chars=1,
        max_chars=MINUTES_MAX,
        strip=False,
    )
    workshop.minutes = minutes
    workshop.minutes_recorded_at = now or utcnow()
    session.add(workshop)
    session.flush()
    return workshop


def add_outcome(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    workshop_id: int,
    text: str,
    clause_key: str | None = None,
    raised_by: str = "",
) -> WorkshopOutcome:
    """Record a point raised in the workshop, linked to a clause of the current draft."""
    policy = get_policy(session, slug=slug)
    require_owner(actor, policy=policy)
    workshop = _workshop(session, workshop_id=workshop_id, policy_id=policy.id)  # type: ignore[arg-type]
    if not text.strip():
        raise InvalidInput(
            "Isi hasil lokakarya tidak boleh kosong.",
            en="The workshop outcome's text may not be empty.",
            field="text",
        )
    text = clean_text(
        text, field="text", label="Hasil lokakarya", label_en="The workshop outcome", max_chars=OUTCOME_MAX
    )
    raised_by = clean_text(
        raised_by,
        field="raised_by",
        label="Nama penyampai",
        label_en="The name of who raised it",
        max_chars=RAISED_BY_MAX,
    )
    if clause_key is not None:
        clause_key = clean_text(
            clause_key,
            field="clause_key",
            label="Kunci pasal",
            label_en="The clause key",
            max_chars=CLAUSE_KEY_MAX,
        )
        version = latest_version(session, policy_id=policy.id)  # type: ignore[arg-type]
        keys = {c.key for c in clauses_of(session, version_id=version.id)} if version else set()  # type: ignore[union-attr, arg-type]
        if clause_key not in keys:
            raise InvalidInput(
                f"Pasal '{clause_key}' tidak ada pada draf terbaru.",
                en=f"Clause '{clause_key}' is not in the latest draft.",
                field="clause_key",
            )
    outcome = WorkshopOutcome(
        workshop_id=workshop.id,  # type: ignore[arg-type]
        clause_key=clause_key,
        text=text,
        raised_by=raised_by,
    )
    session.add(outcome)
    session.flush()
    return outcome


def outcome_to_comment(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    workshop_id: int,
    outcome_id: int,
    now: datetime | None = None,
) -> Comment:
    """Enter a workshop outcome into the comment register, so it gets a disposition too.

    It joins the current cycle's consultation window (scheduled or open), on that window's
    version, so the gate, the report and the statistics count it like any other comment.
    """
    policy = get_policy(session, slug=slug)
    require_owner(actor, policy=policy)
    workshop = _workshop(session, workshop_id=workshop_id, policy_id=policy.id)  # type: ignore[arg-type]
    outcome = session.get(WorkshopOutcome, outcome_id)
    if outcome is None or outcome.workshop_id != workshop.id:
        raise NotFound(
            f"Hasil lokakarya {outcome_id} tidak ditemukan pada lokakarya {workshop_id}.",
            en=f"There is no outcome {outcome_id} in workshop {workshop_id}.",
        )
    if outcome.comment_id is not None:
        existing = session.get(Comment, outcome.comment_id)
        if existing is not None:
            return existing
    if outcome.clause_key is None:
        raise InvalidInput(
            "Hasil lokakarya harus dikaitkan dengan pasal sebelum menjadi masukan.",
            en="A workshop outcome must be tied to a clause before it becomes a comment.",
            field="clause_key",
        )
    now = now or utcnow()
    window = current_window(session, policy=policy)
    if window is None or window.closed_at is not None or window.closes_at <= now:
        raise Conflict(
            "Buka (jadwalkan) jendela konsultasi terlebih dahulu; hasil lokakarya tetap tercatat "
            "dan dapat dijadikan masukan setelahnya.",
            en="Open (schedule) the consultation window first; the outcome stays recorded and can "
            "be converted then.",
        )
    comment = Comment(
        policy_id=policy.id,  # type: ignore[arg-type]
        version_id=window.version_id,
        window_id=window.id,
        clause_key=outcome.clause_key,
        body=outcome.text,
        text_hash=text_hash(outcome.text),
        stance=Stance.NEUTRAL,
        author_name=outcome.raised_by or f"Peserta {workshop.title}",
        author_group="asn",
        source=CommentSource.WORKSHOP,
        created_at=now,
    )
    session.add(comment)
    session.flush()
    outcome.comment_id = comment.id
    session.add(outcome)
    session.flush()
    return comment


def get_workshop(session: Session, *, slug: str, workshop_id: int) -> Workshop:
    """Return a workshop of a policy or raise NotFound."""
    policy = get_policy(session, slug=slug)
    return _workshop(session, workshop_id=workshop_id, policy_id=policy.id)  # type: ignore[arg-type]


def list_workshops(session: Session, *, slug: str) -> list[Workshop]:
    """Return a policy's workshops of every cycle, earliest first."""
    policy = get_policy(session, slug=slug)
    stmt = select(Workshop).where(Workshop.policy_id == policy.id)
    return list(session.exec(stmt.order_by(Workshop.starts_at, Workshop.id)))  # type: ignore[arg-type]


def attendance_of(session: Session, *, workshop_id: int) -> list[WorkshopAttendance]:
    """Return a workshop's daftar hadir in the order it was taken."""
    stmt = select(WorkshopAttendance).where(WorkshopAttendance.workshop_id == workshop_id)
    return list(session.exec(stmt.order_by(WorkshopAttendance.id)))  # type: ignore[arg-type]


def outcomes_of(session: Session, *, workshop_id: int) -> list[WorkshopOutcome]:
    """Return the points raised in a workshop, in the order they were recorded."""
    stmt = select(WorkshopOutcome).where(WorkshopOutcome.workshop_id == workshop_id)
    return list(session.exec(stmt.order_by(WorkshopOutcome.id)))  # type: ignore[arg-type]
