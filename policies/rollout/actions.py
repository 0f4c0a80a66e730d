"""Adoption and roll-out: penetapan, sosialisasi, acknowledgements, mentoring."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from policies.accounts.access import Actor, require_owner, require_stakeholder
from policies.core.errors import Conflict, InvalidInput, NotFound
from policies.core.fields import clean_text
from policies.drafting.queries import get_version
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from policies.rollout.models import Acknowledgement, Adoption, MentoringPair, SocializationSession
from policies.rollout.queries import current_adoption, latest_adoption


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
    policy = get_policy(session, slug=slug)
    require_owner(actor, policy=policy)
    if policy.stage not in (Stage.CONSULTATION, Stage.REVISION):
        raise Conflict(
            f"Penetapan dicatat pada akhir tahap konsultasi atau revisi, bukan pada tahap {policy.stage}.",
            en="Adoption is recorded at the end of the consultation or revision stage, "
            f"not in the {policy.stage} stage.",
        )
    version = get_version(session, policy_id=policy.id, number=version_number)  # type: ignore[arg-type]
    if version.published_at is None:
        raise InvalidInput(
            "Hanya versi yang telah diterbitkan yang dapat ditetapkan.",
            en="Only a published version can be adopted.",
            field="version_number",
        )
    instrument_type = clean_text(
        instrument_type,
        field="instrument_type",
        label="Jenis produk hukum",
        label_en="The instrument type",
        min_chars=1,
        max_chars=120,
    )
    number = clean_text(
        number, field="number", label="Nomor", label_en="The number", min_chars=1, max_chars=80
    )
    signed_by = clean_text(
        signed_by,
        field="signed_by",
        label="Penanda tangan",
        label_en="The signatory",
        min_chars=1,
        max_chars=200,
    )
    recorded = Conflict(
        "Penetapan untuk siklus ini sudah dicatat.", en="The adoption of this cycle is already recorded."
    )
    if current_adoption(session, policy=policy) is not None:
        raise recorded
    adoption = Adoption(
        policy_id=policy.id,  # type: ignore[arg-type]
        cycle=policy.cycle,
        version_id=version.id,  # type: ignore[arg-type]
        instrument_type=instrument_type,
        number=number,
        adopted_on=adopted_on,
        signed_by=signed_by,
        recorded_by_id=actor.id,
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
    attendance_count: int,
    audience_units: list[str] | None = None,
    location: str = "",
    notes: str = "",
) -> SocializationSession:
    """Record a socialization session and how many attended."""
    policy = get_policy(session, slug=slug)
    require_owner(actor, policy=policy)
    if policy.stage != Stage.SOCIALIZATION:
        raise Conflict(
            f"Sesi sosialisasi dicatat pada tahap sosialisasi, bukan {policy.stage}.",
            en=f"Socialization sessions are recorded in the socialization stage, not in {policy.stage}.",
        )
    if attendance_count < 0:
        raise InvalidInput(
            "Jumlah peserta tidak boleh negatif.",
            en="The attendance cannot be negative.",
            field="attendance_count",
        )
    title = clean_text(
        title, field="title", label="Judul sesi", label_en="The session's title", max_chars=300
    )
    units = [
        clean_text(u, field="audience_units", label="Unit sasaran", label_en="A target unit", max_chars=200)
        for u in audience_units or []
    ]
    location = clean_text(location, field="location", label="Tempat", label_en="The place", max_chars=300)
    notes = clean_text(notes, field="notes", label="Catatan", label_en="The notes", max_chars=20_000)
    row = SocializationSession(
        policy_id=policy.id,  # type: ignore[arg-type]
        cycle=policy.cycle,
        title=title,
        held_on=held_on,
        attendance_count=attendance_count,
        audience_units=units,
        location=location,
        notes=notes,
    )
    session.add(row)
    session.flush()
    return row


def acknowledge(
    session: Session, *, actor: Actor | None, slug: str, now: datetime | None = None
) -> Acknowledgement:
    """Record that the actor has read the adopted version; doing it twice returns the first."""
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
    existing = session.exec(
        select(Acknowledgement).where(
            Acknowledgement.version_id == adoption.version_id,
            Acknowledgement.account_id == actor.id,
        )
    ).first()
    if existing is not None:
        return existing
    row = Acknowledgement(
        policy_id=policy.id,  # type: ignore[arg-type]
        version_id=adoption.version_id,
        account_id=actor.id,
    )
    if now is not None:
        row.acknowledged_at = now
    try:
        # A savepoint: a concurrent twin's row wins and is returned instead of failing.
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        existing = session.exec(
            select(Acknowledgement).where(
                Acknowledgement.version_id == adoption.version_id,
                Acknowledgement.account_id == actor.id,
            )
        ).first()
        if existing is None:
            raise
        return existing
    return row


def list_sessions(session: Session, *, slug: str) -> list[SocializationSession]:
    """Return a policy's socialization sessions of every cycle, in date order."""
    policy = get_policy(session, slug=slug)
    stmt = select(SocializationSession).where(SocializationSession.policy_id == policy.id)
    return list(session.exec(stmt.order_by(SocializationSession.held_on, SocializationSession.id)))  # type: ignore[arg-type]


def list_mentoring_pairs(session: Session, *, slug: str) -> list[MentoringPair]:
    """Return a policy's mentoring pairs of every cycle, in the order they started."""
    policy = get_policy(session, slug=slug)
    stmt = select(MentoringPair).where(MentoringPair.policy_id == policy.id)
    return list(session.exec(stmt.order_by(MentoringPair.started_on, MentoringPair.id)))  # type: ignore[arg-type]


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
    policy = get_policy(session, slug=slug)
    require_owner(actor, policy=policy)
    if not mentor_name.strip() or not mentee_name.strip():
        raise InvalidInput(
            "Nama mentor dan peserta mentoring wajib diisi.",
            en="The mentor's and the mentee's names are required.",
            field="mentor_name",
        )
    mentor_name = clean_text(
        mentor_name, field="mentor_name", label="Nama mentor", label_en="The mentor's name", max_chars=200
    )
    mentee_name = clean_text(
        mentee_name, field="mentee_name", label="Nama peserta", label_en="The mentee's name", max_chars=200
    )
    mentor_nip = clean_text(
        mentor_nip, field="mentor_nip", label="NIP mentor", label_en="The mentor's NIP", max_chars=30
    )
    mentee_nip = clean_text(
        mentee_nip, field="mentee_nip", label="NIP peserta", label_en="The mentee's NIP", max_chars=30
    )
    unit = clean_text(unit, field="unit", label="Unit kerja", label_en="The work unit", max_chars=200)
    pair = MentoringPair(
        policy_id=policy.id,  # type: ignore[arg-type]
        cycle=policy.cycle,
        mentor_name=mentor_name,
        mentor_nip=mentor_nip,
        mentee_name=mentee_name,
        mentee_nip=mentee_nip,
        unit=unit,
        started_on=started_on,
    )
    session.add(pair)
    session.flush()
    return pair
