"""Workshops (lokakarya): schedule, attendance, minutes, outcomes into the comment register."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.accounts.models import Account
from policies.consultation.models import Comment, CommentSource, Stance
from policies.consultation.queries import current_window
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput, NotFound
from policies.core.fields import TextField, clean_texts
from policies.core.text import text_hash
from policies.drafting.queries import clause_keys_of_latest
from policies.lifecycle.models import Policy
from policies.lifecycle.owned import owned_policy
from policies.workshops.models import Workshop, WorkshopAttendance, WorkshopOutcome
from policies.workshops.queries import outcome_of, workshop_of

# The columns' sizes (policies/workshops/models.py) and the API schemas' limits.
TITLE_MIN, TITLE_MAX = 3, 300
LOCATION_MAX, ONLINE_URL_MAX, AGENDA_MAX = 300, 500, 20_000
NAME_MAX, UNIT_MAX = 200, 200
MINUTES_MAX, OUTCOME_MAX, RAISED_BY_MAX, CLAUSE_KEY_MAX = 200_000, 20_000, 200, 40

SCHEDULE_FIELDS = (
    TextField(
        "title", "Judul lokakarya", "The workshop's title", TITLE_MAX, min_chars=TITLE_MIN, single_line=True
    ),
    TextField("location", "Tempat", "The place", LOCATION_MAX),
    TextField("online_url", "Tautan daring", "The online link", ONLINE_URL_MAX),
    TextField("agenda", "Agenda", "The agenda", AGENDA_MAX, strip=False),
)
ATTENDANCE_FIELDS = (
    TextField(
        "name",
        "Nama peserta",
        "The participant's name",
        NAME_MAX,
        single_line=True,
        blank=(
            "Nama peserta wajib diisi (atau sebutkan account_id).",
            "The participant's name is required (or give an account_id).",
        ),
    ),
    TextField("unit", "Unit kerja", "The work unit", UNIT_MAX),
)
MINUTES_FIELD = TextField(
    "minutes",
    "Notula",
    "The minutes",
    MINUTES_MAX,
    min_chars=1,
    strip=False,
    blank=("Notula tidak boleh kosong.", "The minutes may not be empty."),
)
OUTCOME_FIELDS = (
    TextField(
        "text",
        "Hasil lokakarya",
        "The workshop outcome",
        OUTCOME_MAX,
        blank=("Isi hasil lokakarya tidak boleh kosong.", "The workshop outcome's text may not be empty."),
    ),
    TextField("raised_by", "Nama penyampai", "The name of who raised it", RAISED_BY_MAX),
)
CLAUSE_KEY_FIELD = TextField("clause_key", "Kunci pasal", "The clause key", CLAUSE_KEY_MAX)


def _owned_workshop(
    session: Session, *, actor: Actor, slug: str, workshop_id: int
) -> tuple[Policy, Workshop]:
    policy = owned_policy(session, actor=actor, slug=slug)
    return policy, workshop_of(session, policy=policy, workshop_id=workshop_id)


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
    policy = owned_policy(session, actor=actor, slug=slug)
    texts = clean_texts(SCHEDULE_FIELDS, title=title, location=location, online_url=online_url, agenda=agenda)
    if starts_at.tzinfo is None:
        raise InvalidInput(
            "Waktu lokakarya harus menyertakan zona waktu.",
            en="The workshop's time must include a time zone.",
            field="starts_at",
        )
    if not texts["location"] and not texts["online_url"]:
        raise InvalidInput(
            "Isi tempat atau tautan daring lokakarya.",
            en="Give the workshop's place or its online link.",
            field="location",
        )
    workshop = Workshop(
        policy_id=policy.id, cycle=policy.cycle, starts_at=starts_at, created_by_id=actor.id, **texts
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
    _, workshop = _owned_workshop(session, actor=actor, slug=slug, workshop_id=workshop_id)
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
    texts = clean_texts(ATTENDANCE_FIELDS, name=name, unit=unit)
    nip = nip.strip()
    if nip and (not nip.isdigit() or len(nip) != 18):
        raise InvalidInput("NIP terdiri atas 18 angka.", en="A NIP has 18 digits.", field="nip")
    row = WorkshopAttendance(workshop_id=workshop.id, account_id=account_id, nip=nip, **texts)
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
    """Record the notula of a workshop that was held (one that has not started yet has none)."""
    _, workshop = _owned_workshop(session, actor=actor, slug=slug, workshop_id=workshop_id)
    now = now or utcnow()
    # Minutes of a meeting still to come would satisfy the workshop gate before anyone met.
    if workshop.starts_at > now:
        raise InvalidInput(
            f"Lokakarya '{workshop.title}' belum dimulai: notula dicatat setelah lokakarya berlangsung.",
            en=f"Workshop '{workshop.title}' has not started yet: record minutes once it was held.",
            field="workshop_id",
        )
    workshop.minutes = MINUTES_FIELD.clean(minutes)
    workshop.minutes_recorded_at = now
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
    policy, workshop = _owned_workshop(session, actor=actor, slug=slug, workshop_id=workshop_id)
    texts = clean_texts(OUTCOME_FIELDS, text=text, raised_by=raised_by)
    if clause_key is not None:
        clause_key = CLAUSE_KEY_FIELD.clean(clause_key)
        if clause_key not in clause_keys_of_latest(session, policy_id=policy.id):  # type: ignore[arg-type]
            raise InvalidInput(
                f"Pasal '{clause_key}' tidak ada pada draf terbaru.",
                en=f"Clause '{clause_key}' is not in the latest draft.",
                field="clause_key",
            )
    outcome = WorkshopOutcome(workshop_id=workshop.id, clause_key=clause_key, **texts)
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
    policy, workshop = _owned_workshop(session, actor=actor, slug=slug, workshop_id=workshop_id)
    outcome = outcome_of(session, workshop=workshop, outcome_id=outcome_id)
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
