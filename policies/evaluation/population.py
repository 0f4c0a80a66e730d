"""A round's population: ASN from a CSV or from accounts, each with a one-time token."""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from policies.access import Actor
from policies.db import utcnow
from policies.errors import Conflict, InvalidInput, NotFound
from policies.evaluation.common import get_round, hash_token, policy_of, require_evaluator
from policies.models import Account, SurveyRespondent, SurveyRound

NIP = re.compile(r"^\d{18}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
HEADERS = {
    "nip": "nip",
    "nama": "name",
    "name": "name",
    "unit": "unit",
    "unit_kerja": "unit",
    "email": "email",
}
MAX_ROWS = 200_000
LIMITS = {"name": 200, "unit": 200, "email": 254}


@dataclass(frozen=True)
class IssuedToken:
    """A respondent's plain token, shown once for the invitation link and never stored."""

    respondent_id: int
    nip: str
    name: str
    unit: str
    email: str
    token: str


@dataclass
class PopulationImport:
    """What an upload added and what it left alone."""

    issued: list[IssuedToken] = field(default_factory=list)
    skipped_existing: list[str] = field(default_factory=list)


def _open_round_for_writes(session: Session, *, actor: Actor, round_id: int) -> SurveyRound:
    survey = get_round(session, round_id=round_id)
    require_evaluator(actor, policy_of(session, survey))
    if survey.closed_at is not None:
        raise Conflict("Putaran survei sudah ditutup; populasinya tidak dapat diubah lagi.")
    return survey


def _add(
    session: Session,
    survey: SurveyRound,
    *,
    nip: str,
    name: str,
    unit: str,
    email: str,
    now: datetime,
    account_id: int | None = None,
) -> IssuedToken:
    token = secrets.token_urlsafe(24)
    row = SurveyRespondent(
        round_id=survey.id,  # type: ignore[arg-type]
        token_hash=hash_token(token),
        nip=nip,
        name=name,
        unit=unit,
        email=email,
        account_id=account_id,
        # The invitation goes out now; the first reminder is counted from here.
        created_at=now,
    )
    session.add(row)
    session.flush()
    return IssuedToken(row.id, nip, name, unit, email, token)  # type: ignore[arg-type]


def _existing_nips(session: Session, round_id: int) -> set[str]:
    return set(session.exec(select(SurveyRespondent.nip).where(SurveyRespondent.round_id == round_id)))


def _parse(sample: str, dialect: type[csv.Dialect] | csv.Dialect) -> tuple[list[dict[str, str]], list[str]]:
    reader = csv.DictReader(io.StringIO(sample), dialect=dialect)
    columns = {HEADERS.get((h or "").strip().lower()) for h in reader.fieldnames or []}
    if not {"nip", "name"} <= columns:
        raise InvalidInput("CSV harus berkolom nip dan nama (opsional: unit, email).", field="file")
    rows: list[dict[str, str]] = []
    errors: list[str] = []
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        rec = {
            HEADERS[k.strip().lower()]: (v or "").strip()
            for k, v in raw.items()
            if k and k.strip().lower() in HEADERS
        }
        nip = rec.get("nip", "").replace(" ", "")
        if not NIP.match(nip):
            errors.append(f"baris {line}: NIP '{nip}' harus 18 angka")
        elif nip in seen:
            errors.append(f"baris {line}: NIP {nip} ganda")
        if not rec.get("name"):
            errors.append(f"baris {line}: nama kosong")
        for column, longest in LIMITS.items():
            if len(rec.get(column, "")) > longest:
                errors.append(f"baris {line}: {column} lebih dari {longest} karakter")
        if rec.get("email") and not EMAIL.match(rec["email"]):
            errors.append(f"baris {line}: email '{rec['email']}' tidak valid")
        seen.add(nip)
        rows.append({**rec, "nip": nip})
        if len(rows) > MAX_ROWS:
            raise InvalidInput(f"CSV paling banyak {MAX_ROWS} baris.", field="file")
    return rows, errors


def import_population_csv(
    session: Session, *, actor: Actor, round_id: int, csv_text: str, now: datetime | None = None
) -> PopulationImport:
    """Add ASN from CSV (nip, nama/name, unit, email); every row is checked before any is saved."""
    survey = _open_round_for_writes(session, actor=actor, round_id=round_id)
    sample = csv_text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(sample[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    try:
        rows, errors = _parse(sample, dialect)
    except csv.Error as exc:
        raise InvalidInput(f"Berkas CSV tidak dapat dibaca: {exc}.", field="file") from exc
    if errors:
        shown = "; ".join(errors[:10]) + (f"; dan {len(errors) - 10} lainnya" if len(errors) > 10 else "")
        raise InvalidInput(
            f"CSV populasi tidak dapat diterima: {shown}. Perbaiki lalu unggah ulang.", field="file"
        )
    if not rows:
        raise InvalidInput("CSV populasi kosong.", field="file")
    result = PopulationImport()
    existing = _existing_nips(session, survey.id)  # type: ignore[arg-type]
    for rec in rows:
        if rec["nip"] in existing:
            result.skipped_existing.append(rec["nip"])
            continue
        result.issued.append(
            _add(
                session,
                survey,
                nip=rec["nip"],
                name=rec["name"],
                unit=rec.get("unit", ""),
                email=rec.get("email", ""),
                now=now or utcnow(),
            )
        )
    return result


def add_accounts(
    session: Session, *, actor: Actor, round_id: int, unit: str | None = None, now: datetime | None = None
) -> PopulationImport:
    """Add active accounts (optionally of one unit) as respondents, each with a token."""
    survey = _open_round_for_writes(session, actor=actor, round_id=round_id)
    stmt = select(Account).where(col(Account.active).is_(True))
    if unit:
        stmt = stmt.where(Account.unit == unit)
    result = PopulationImport()
    existing = _existing_nips(session, survey.id)  # type: ignore[arg-type]
    for account in session.exec(stmt.order_by(col(Account.id))):
        nip = account.nip or f"akun-{account.id}"
        if nip in existing:
            result.skipped_existing.append(nip)
            continue
        result.issued.append(
            _add(
                session,
                survey,
                nip=nip,
                name=account.name,
                unit=account.unit,
                email=account.email,
                now=now or utcnow(),
                account_id=account.id,
            )
        )
    return result


def reissue_token(session: Session, *, actor: Actor, respondent_id: int) -> IssuedToken:
    """Replace a respondent's lost token; the old link stops working."""
    person = session.get(SurveyRespondent, respondent_id)
    if person is None:
        raise NotFound(f"Responden {respondent_id} tidak ditemukan.")
    _open_round_for_writes(session, actor=actor, round_id=person.round_id)
    if person.responded_at is not None:
        raise Conflict("Responden ini sudah menjawab; tokennya tidak diterbitkan ulang.")
    token = secrets.token_urlsafe(24)
    person.token_hash = hash_token(token)
    session.add(person)
    session.flush()
    return IssuedToken(person.id, person.nip, person.name, person.unit, person.email, token)  # type: ignore[arg-type]


def list_respondents(
    session: Session, *, actor: Actor, round_id: int, after_id: int = 0, limit: int = 50
) -> list[SurveyRespondent]:
    """Return a page of a round's respondents by id (for the evaluator only)."""
    survey = get_round(session, round_id=round_id)
    require_evaluator(actor, policy_of(session, survey))
    stmt = (
        select(SurveyRespondent)
        .where(SurveyRespondent.round_id == round_id, SurveyRespondent.id > after_id)  # type: ignore[operator]
        .order_by(col(SurveyRespondent.id))
        .limit(limit)
    )
    return list(session.exec(stmt))
