"""Adoption and roll-out: penetapan, sosialisasi, acknowledgements, mentoring."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from policies.accounts.access import Actor, is_stakeholder, require_stakeholder
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput, NotFound
from policies.core.fields import TextField, clean_texts
from policies.core.rows import child_row
from policies.drafting.models import DraftVersion
from policies.drafting.queries import get_version
from policies.lifecycle.models import Stage
from policies.lifecycle.owned import StageRule, owned_policy
from policies.lifecycle.queries import get_policy
from policies.rollout.models import (
    Acknowledgement,
    Adoption,
    MentoringPair,
    SocializationAttendance,
    SocializationSession,
)
from policies.rollout.queries import acknowledgement_of, attendance_count, current_adoption, latest_adoption

ADOPTION_STAGES = StageRule(
    frozenset({Stage.CONSULTATION, Stage.REVISION}),
    "Penetapan dicatat pada akhir tahap konsultasi atau revisi, bukan pada tahap {stage}.",
    "Adoption is recorded at the end of the consultation or revision stage, not in the {stage} stage.",
)
SESSION_STAGES = StageRule(
    frozenset({Stage.SOCIALIZATION}),
    "Sesi sosialisasi dicatat pada tahap sosialisasi, bukan {stage}.",
    "Socialization sessions are recorded in the socialization stage, not in {stage}.",
)
ADOPTION_FIELDS = (
    TextField("instrument_type", "Jenis produk hukum", "The instrument type", 120, min_chars=1),
    TextField("number", "Nomor", "The number", 80, min_chars=1),
    TextField("signed_by", "Penanda tangan", "The signatory", 200, min_chars=1),
)
SESSION_TITLE = TextField("title", "Judul sesi", "The session's title", 300, single_line=True)
SESSION_FIELDS = (
    TextField("location", "Tempat", "The place", 300),
    TextField("notes", "Catatan", "The notes", 20_000),
)
ATTENDEE_FIELDS = (
    TextField(
        "name",
        "Nama peserta",
        "The participant's name",
        200,
        single_line=True,
        blank=("Nama peserta wajib diisi.", "The participant's name is required."),
    ),
    TextField("unit", "Unit kerja", "The work unit", 200),
)
AUDIENCE_UNIT = TextField("audience_units", "Unit sasaran", "A target unit", 200)
MENTORING_FIELDS = (
    TextField("mentor_name", "Nama mentor", "The mentor's name", 200, single_line=True),
    TextField("mentee_name", "Nama peserta", "The mentee's name", 200, single_line=True),
    TextField("mentor_nip", "NIP mentor", "The mentor's NIP", 30),
    TextField("mentee_nip", "NIP peserta", "The mentee's NIP", 30),
    TextField("unit", "Unit kerja", "The work unit", 200),
)


def record_adoption(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    version_number: int,
    instrument_type: str,
    number: str,
    adopted_on: date,
    signed_by: str,
) -> Adoption:
    """Record the legal instrument that adopted a published version in this cycle."""
    policy = owned_policy(session, actor=actor, slug=slug, stage_rule=ADOPTION_STAGES)
    version = get_version(session, policy_id=policy.id, number=version_number)  # type: ignore[arg-type]
    if version.published_at is None:
        raise InvalidInput(
            "Hanya versi yang telah diterbitkan yang dapat ditetapkan.",
            en="Only a published version can be adopted.",
            field="version_number",
        )
    texts = clean_texts(ADOPTION_FIELDS, instrument_type=instrument_type, number=number, signed_by=signed_by)
    recorded = Conflict(
        "Penetapan untuk siklus ini sudah dicatat.", en="The adoption of this cycle is already recorded."
    )
    if current_adoption(session, policy=policy) is not None:
        raise recorded
    adoption = Adoption(
        policy_id=policy.id,
        cycle=policy.cycle,
        version_id=version.id,
        adopted_on=adopted_on,
        recorded_by_id=actor.id,
        **texts,
    )
    try:
        # One adoption per cycle: a twin request recording it at the same moment keeps the key.
        with session.begin_nested():
            session.add(adoption)
    except IntegrityError:
        raise recorded from None
    return adoption


def add_session(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    title: str,
    held_on: date,
    attendance_count: int = 0,
    audience_units: list[str] | None = None,
    location: str = "",
    notes: str = "",
) -> SocializationSession:
    """Schedule or record a socialization session, with how many attended (none named yet: 0)."""
    policy = owned_policy(session, actor=actor, slug=slug, stage_rule=SESSION_STAGES)
    if attendance_count < 0:
        raise InvalidInput(
            "Jumlah peserta tidak boleh negatif.",
            en="The attendance cannot be negative.",
            field="attendance_count",
        )
    title = SESSION_TITLE.clean(title)
    units = [AUDIENCE_UNIT.clean(u) for u in audience_units or []]
    texts = clean_texts(SESSION_FIELDS, location=location, notes=notes)
    row = SocializationSession(
        policy_id=policy.id,
        cycle=policy.cycle,
        title=title,
        held_on=held_on,
        attendance_count=attendance_count,
        audience_units=units,
        **texts,
    )
    session.add(row)
    session.flush()
    return row


def record_session_attendance(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    session_id: int,
    name: str,
    nip: str = "",
    unit: str = "",
    today: date | None = None,
) -> SocializationAttendance:
    """Add a person to a held session's daftar hadir; the session's headcount never falls below it."""
    policy = owned_policy(session, actor=actor, slug=slug, stage_rule=SESSION_STAGES)
    held = child_row(
        session,
        model=SocializationSession,
        row_id=session_id,
        parent=("policy_id", policy.id),
        missing=(
            f"Sesi sosialisasi {session_id} tidak ditemukan pada kebijakan ini.",
            f"Socialization session {session_id} was not found in this policy.",
        ),
    )
    if held.held_on > (today or utcnow().astimezone(ZoneInfo("Asia/Jakarta")).date()):
        # People attend a session once it is held: a future one reaching the audience is not reach yet.
        raise InvalidInput(
            "Sesi ini belum berlangsung: daftar hadir dicatat pada atau sesudah hari sesi.",
            en="This session has not taken place yet: attendance is recorded on or after its day.",
            field="name",
        )
    texts = clean_texts(ATTENDEE_FIELDS, name=name, unit=unit)
    nip = nip.strip()
    if nip and (not nip.isdigit() or len(nip) != 18):
        raise InvalidInput("NIP terdiri atas 18 angka.", en="A NIP has 18 digits.", field="nip")
    row = SocializationAttendance(session_id=held.id, nip=nip, **texts)  # type: ignore[arg-type]
    session.add(row)
    session.flush()
    # The headcount the reach gate sums counts at least everyone named in the daftar hadir.
    held.attendance_count = max(held.attendance_count, attendance_count(session, session_id=held.id))  # type: ignore[arg-type]
    session.add(held)
    session.flush()
    return row


def may_acknowledge(actor: Actor | None) -> bool:
    """Tell whether the actor may confirm having read an adopted policy: stakeholders only."""
    return is_stakeholder(actor)


def acknowledge(
    session: Session, *, actor: Actor | None, slug: str, now: datetime | None = None
) -> Acknowledgement:
    """Record that the actor has read the adopted version; doing it twice returns the first."""
    # require_stakeholder refuses exactly those may_acknowledge leaves out, with the reason.
    actor = require_stakeholder(actor, doing=("mengonfirmasi telah membaca", "acknowledge having read"))
    if actor.id is None:
        raise InvalidInput(
            "Konfirmasi baca memerlukan akun.", en="An acknowledgement needs an account.", field="account"
        )
    policy = get_policy(session, slug=slug)
    adoption = latest_adoption(session, policy_id=policy.id)  # type: ignore[arg-type]
    if adoption is None:
        raise NotFound(
            "Kebijakan ini belum ditetapkan, jadi belum ada yang dapat dikonfirmasi.",
            en="This policy is not adopted yet, so there is nothing to acknowledge.",
        )
    existing = acknowledgement_of(session, version_id=adoption.version_id, account_id=actor.id)
    if existing is not None:
        return existing
    version = get_version_by_id(session, version_id=adoption.version_id)
    # The exact words read: a later amendment of the same number would not be what was acknowledged.
    row = Acknowledgement(
        policy_id=policy.id,
        version_id=adoption.version_id,
        account_id=actor.id,
        content_hash=hashlib.sha256(version.body.encode()).hexdigest(),
    )
    if now is not None:
        row.acknowledged_at = now
    try:
        # A savepoint: a concurrent twin's row wins and is returned instead of failing.
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        existing = acknowledgement_of(session, version_id=adoption.version_id, account_id=actor.id)
        if existing is None:
            raise
        return existing
    return row


def get_version_by_id(session: Session, *, version_id: int) -> DraftVersion:
    """Return a version by id (an adoption's foreign key guarantees it exists)."""
    version = session.get(DraftVersion, version_id)
    assert version is not None
    return version


def add_mentoring_pair(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    mentor_name: str,
    mentee_name: str,
    started_on: date,
    mentor_nip: str = "",
    mentee_nip: str = "",
    unit: str = "",
) -> MentoringPair:
    """Pair a senior ASN mentor with a colleague for the policy's roll-out."""
    policy = owned_policy(session, actor=actor, slug=slug)
    if not mentor_name.strip() or not mentee_name.strip():
        raise InvalidInput(
            "Nama mentor dan peserta mentoring wajib diisi.",
            en="The mentor's and the mentee's names are required.",
            field="mentor_name",
        )
    texts = clean_texts(
        MENTORING_FIELDS,
        mentor_name=mentor_name,
        mentee_name=mentee_name,
        mentor_nip=mentor_nip,
        mentee_nip=mentee_nip,
        unit=unit,
    )
    pair = MentoringPair(policy_id=policy.id, cycle=policy.cycle, started_on=started_on, **texts)
    session.add(pair)
    session.flush()
    return pair
