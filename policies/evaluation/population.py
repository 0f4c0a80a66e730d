"""A round's population: ASN from a CSV or from accounts, each with a one-time token."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from policies.accounts.access import Actor
from policies.accounts.queries import active_accounts
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput, NotFound
from policies.core.fields import clean_text
from policies.evaluation import outreach, queries
from policies.evaluation.common import clean_csv, get_round, policy_of, require_evaluator
from policies.evaluation.models import SurveyRespondent, SurveyRound
from policies.evaluation.tokens import derive_token, hash_token, new_salt

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


class IssuedToken(BaseModel):
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
    require_evaluator(actor, policy=policy_of(session, survey=survey))
    if survey.closed_at is not None:
        raise Conflict(
            "Putaran survei sudah ditutup; populasinya tidak dapat diubah lagi.",
            en="The survey round has closed; its population can no longer change.",
        )
    return survey


def _issue(person: SurveyRespondent, *, secret: str) -> str:
    """Give a respondent a fresh salt and return the token it derives (only its hash is kept)."""
    person.token_salt = new_salt()
    token = derive_token(
        secret=secret,
        round_id=person.round_id,
        respondent_id=person.id,  # type: ignore[arg-type]
        salt=person.token_salt,
    )
    person.token_hash = hash_token(token)
    return token


def _add(
    session: Session,
    survey: SurveyRound,
    *,
    secret: str,
    nip: str,
    name: str,
    unit: str,
    email: str,
    now: datetime,
    account_id: int | None = None,
) -> IssuedToken:
    placeholder = new_salt()
    row = SurveyRespondent(
        round_id=survey.id,  # type: ignore[arg-type]
        # The token needs the row's id; until the flush gives one, a unique unusable hash holds the place.
        token_hash=hash_token(f"pending:{placeholder}"),
        nip=nip,
        name=name,
        unit=unit,
        email=email,
        account_id=account_id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    token = _issue(row, secret=secret)
    session.add(row)
    return IssuedToken(respondent_id=row.id, nip=nip, name=name, unit=unit, email=email, token=token)  # type: ignore[arg-type]


Problem = tuple[str, str]  # (Indonesian, English)


def _parse(
    sample: str, dialect: type[csv.Dialect] | csv.Dialect
) -> tuple[list[dict[str, str]], list[Problem]]:
    reader = csv.DictReader(io.StringIO(sample), dialect=dialect)
    columns = {HEADERS.get((h or "").strip().lower()) for h in reader.fieldnames or []}
    if not {"nip", "name"} <= columns:
        raise InvalidInput(
            "CSV harus berkolom nip dan nama (opsional: unit, email).",
            en="The CSV needs the columns nip and nama/name (optional: unit, email).",
            field="file",
        )
    rows: list[dict[str, str]] = []
    errors: list[Problem] = []
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        rec = {
            HEADERS[k.strip().lower()]: (v or "").strip()
            for k, v in raw.items()
            if k and k.strip().lower() in HEADERS
        }
        nip = rec.get("nip", "").replace(" ", "")
        if not NIP.match(nip):
            errors.append(
                (f"baris {line}: NIP '{nip}' harus 18 angka", f"line {line}: NIP '{nip}' must be 18 digits")
            )
        elif nip in seen:
            errors.append((f"baris {line}: NIP {nip} ganda", f"line {line}: NIP {nip} appears twice"))
        if not rec.get("name"):
            errors.append((f"baris {line}: nama kosong", f"line {line}: the name is empty"))
        for column, longest in LIMITS.items():
            if len(rec.get(column, "")) > longest:
                errors.append(
                    (
                        f"baris {line}: {column} lebih dari {longest} karakter",
                        f"line {line}: {column} is longer than {longest} characters",
                    )
                )
        if rec.get("email") and not EMAIL.match(rec["email"]):
            errors.append(
                (
                    f"baris {line}: email '{rec['email']}' tidak valid",
                    f"line {line}: email '{rec['email']}' is not valid",
                )
            )
        seen.add(nip)
        rows.append({**rec, "nip": nip})
        if len(rows) > MAX_ROWS:
            raise InvalidInput(
                f"CSV paling banyak {MAX_ROWS} baris.",
                en=f"The CSV may have at most {MAX_ROWS} rows.",
                field="file",
            )
    return rows, errors


def _shown(errors: list[Problem], index: int, more: str) -> str:
    text = "; ".join(e[index] for e in errors[:10])
    return text + (f"; {more.format(len(errors) - 10)}" if len(errors) > 10 else "")


def _add_new(
    session: Session, survey: SurveyRound, *, people: Iterable[dict[str, Any]], secret: str, now: datetime
) -> PopulationImport:
    """Add each person whose NIP the round does not have yet, then invite them (if the round is open)."""
    result = PopulationImport()
    existing = queries.respondent_nips(session, round_id=survey.id)  # type: ignore[arg-type]
    for person in people:
        if person["nip"] in existing:
            result.skipped_existing.append(person["nip"])
            continue
        result.issued.append(_add(session, survey, secret=secret, now=now, **person))
    outreach.invite_respondents(session, survey=survey, now=now)
    return result


def import_population_csv(
    session: Session,
    *,
    actor: Actor,
    round_id: int,
    csv_text: str,
    secret: str,
    now: datetime | None = None,
) -> PopulationImport:
    """Add ASN from CSV (nip, nama/name, unit, email); every row is checked before any is saved."""
    now = now or utcnow()
    survey = _open_round_for_writes(session, actor=actor, round_id=round_id)
    sample = clean_csv(csv_text).lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(sample[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    try:
        rows, errors = _parse(sample, dialect)
    except csv.Error as exc:
        raise InvalidInput(
            f"Berkas CSV tidak dapat dibaca: {exc}.", en=f"The CSV file cannot be read: {exc}.", field="file"
        ) from exc
    if errors:
        raise InvalidInput(
            f"CSV populasi tidak dapat diterima: {_shown(errors, 0, 'dan {} lainnya')}. "
            "Perbaiki lalu unggah ulang.",
            en=f"The population CSV was not accepted: {_shown(errors, 1, 'and {} more')}. "
            "Correct it and upload it again.",
            field="file",
        )
    if not rows:
        raise InvalidInput("CSV populasi kosong.", en="The population CSV is empty.", field="file")
    people = (
        {"nip": r["nip"], "name": r["name"], "unit": r.get("unit", ""), "email": r.get("email", "")}
        for r in rows
    )
    return _add_new(session, survey, people=people, secret=secret, now=now)


def add_accounts(
    session: Session,
    *,
    actor: Actor,
    round_id: int,
    secret: str,
    unit: str | None = None,
    now: datetime | None = None,
) -> PopulationImport:
    """Add active accounts (optionally of one unit) as respondents, each with a token."""
    now = now or utcnow()
    survey = _open_round_for_writes(session, actor=actor, round_id=round_id)
    # Compared in SQL: a NUL in the filter would fail the query on PostgreSQL instead of refusing.
    unit = clean_text(unit or "", field="unit", label="Unit kerja", label_en="The work unit", max_chars=200)
    people = (
        {
            "nip": account.nip or f"akun-{account.id}",
            "name": account.name,
            "unit": account.unit,
            "email": account.email,
            "account_id": account.id,
        }
        for account in active_accounts(session, unit=unit or None)
    )
    return _add_new(session, survey, people=people, secret=secret, now=now)


def reissue_token(
    session: Session, *, actor: Actor, respondent_id: int, secret: str, now: datetime | None = None
) -> IssuedToken:
    """Replace a respondent's lost link: the old one stops working, a new invitation goes out."""
    now = now or utcnow()
    person = session.get(SurveyRespondent, respondent_id)
    if person is None:
        raise NotFound(
            f"Responden {respondent_id} tidak ditemukan.", en=f"Respondent {respondent_id} was not found."
        )
    survey = _open_round_for_writes(session, actor=actor, round_id=person.round_id)
    if person.responded_at is not None:
        raise Conflict(
            "Responden ini sudah menjawab; tokennya tidak diterbitkan ulang.",
            en="This respondent has already answered; the token is not reissued.",
        )
    outreach.cancel_for_respondent(session, survey=survey, respondent_id=respondent_id)
    token = _issue(person, secret=secret)
    person.invited_at = None
    session.add(person)
    session.flush()
    outreach.invite_respondents(session, survey=survey, now=now)
    return IssuedToken(
        respondent_id=person.id,  # type: ignore[arg-type]
        nip=person.nip,
        name=person.name,
        unit=person.unit,
        email=person.email,
        token=token,
    )


def list_respondents(
    session: Session, *, actor: Actor, round_id: int, after_id: int = 0, limit: int = 50
) -> list[SurveyRespondent]:
    """Return a page of a round's respondents by id (for the evaluator only)."""
    survey = get_round(session, round_id=round_id)
    require_evaluator(actor, policy=policy_of(session, survey=survey))
    return queries.respondents_after(session, round_id=round_id, after_id=after_id, limit=limit)
