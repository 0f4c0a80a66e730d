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
from policies.evaluation.models import SurveyLinkIssue, SurveyRespondent, SurveyRound
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
# The recorded reasons of a first issue (a reissue's reason is the evaluator's own words).
CSV_REASON = "Populasi diunggah (CSV) / population uploaded (CSV)"
ACCOUNTS_REASON = "Akun ditambahkan ke populasi / accounts added to the population"


class IssuedToken(BaseModel):
    """A respondent's plain token as derived when issued: never stored, never handed to staff (only
    the respondent's own invitation carries it)."""

    respondent_id: int
    nip: str
    name: str
    unit: str
    email: str
    account_id: int | None = None
    token: str


@dataclass
class PopulationImport:
    """What an upload added and what it left alone."""

    issued: list[IssuedToken] = field(default_factory=list)
    skipped_existing: list[str] = field(default_factory=list)

    @property
    def unreachable(self) -> list[str]:
        """Return the NIPs added without an email or an account: no invitation can reach them."""
        return [t.nip for t in self.issued if not t.email and t.account_id is None]


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


def _record(
    session: Session, person: SurveyRespondent, *, actor: Actor, reason: str, reissue: bool, now: datetime
) -> SurveyLinkIssue:
    """Record who issued a respondent's link, when and why (the link itself is never kept)."""
    row = SurveyLinkIssue(
        round_id=person.round_id,
        respondent_id=person.id,  # type: ignore[arg-type]
        reissue=reissue,
        issued_by_id=actor.id,
        issued_by_name=actor.name,
        reason=reason,
        issued_at=now,
    )
    session.add(row)
    return row


def _add(
    session: Session,
    survey: SurveyRound,
    *,
    actor: Actor,
    reason: str,
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
    _record(session, row, actor=actor, reason=reason, reissue=False, now=now)
    return IssuedToken(
        respondent_id=row.id,  # type: ignore[arg-type]
        nip=nip,
        name=name,
        unit=unit,
        email=email,
        account_id=account_id,
        token=token,
    )


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
    session: Session,
    survey: SurveyRound,
    *,
    actor: Actor,
    reason: str,
    people: Iterable[dict[str, Any]],
    secret: str,
    now: datetime,
) -> PopulationImport:
    """Add each person whose NIP the round does not have yet, then invite them (if the round is open)."""
    result = PopulationImport()
    existing = queries.respondent_nips(session, round_id=survey.id)  # type: ignore[arg-type]
    for person in people:
        if person["nip"] in existing:
            result.skipped_existing.append(person["nip"])
            continue
        result.issued.append(
            _add(session, survey, actor=actor, reason=reason, secret=secret, now=now, **person)
        )
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
    return _add_new(session, survey, actor=actor, reason=CSV_REASON, people=people, secret=secret, now=now)


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
    return _add_new(
        session, survey, actor=actor, reason=ACCOUNTS_REASON, people=people, secret=secret, now=now
    )


def reissue_token(
    session: Session,
    *,
    actor: Actor,
    respondent_id: int,
    secret: str,
    reason: str,
    now: datetime | None = None,
) -> SurveyLinkIssue:
    """Replace a respondent's lost link: recorded, the old one stops working, the new one goes to them only.

    Whether the respondent has answered is neither asked nor told: the reissue goes ahead either way
    (an answer already given stays, and the respondent cannot answer twice), so a reissue cannot be
    used to learn who has answered.
    """
    now = now or utcnow()
    reason = clean_text(reason, field="reason", label="Alasan", label_en="The reason", max_chars=500)
    if not reason:
        raise InvalidInput(
            "Tulis alasan penerbitan ulang; responden akan membacanya.",
            en="Give the reason for reissuing; the respondent will read it.",
            field="reason",
        )
    person = session.get(SurveyRespondent, respondent_id)
    if person is None:
        raise NotFound(
            f"Responden {respondent_id} tidak ditemukan.", en=f"Respondent {respondent_id} was not found."
        )
    survey = _open_round_for_writes(session, actor=actor, round_id=person.round_id)
    if not person.email and person.account_id is None:
        raise Conflict(
            "Responden ini tidak punya email atau akun, jadi tautan baru tidak dapat sampai kepadanya: "
            "tautan hanya dikirim kepada responden sendiri, lewat email atau kotak masuk akunnya.",
            en="This respondent has neither an email nor an account, so a new link cannot reach them: "
            "links go to respondents only, by email or to their account's inbox.",
        )
    outreach.cancel_for_respondent(session, survey=survey, respondent_id=respondent_id)
    _issue(person, secret=secret)
    issue = _record(session, person, actor=actor, reason=reason, reissue=True, now=now)
    # The notice carries the new link, so it is the invitation; reminders count from it.
    person.invited_at = now if outreach.is_open(survey, now=now) else None
    session.add(person)
    session.flush()
    outreach.tell_reissued(session, survey=survey, person=person, issue=issue, now=now)
    return issue


def list_respondents(
    session: Session, *, actor: Actor, round_id: int, after_id: int = 0, limit: int = 50
) -> list[SurveyRespondent]:
    """Return a page of a round's respondents by id (for those who run the evaluation; never who answered)."""
    survey = get_round(session, round_id=round_id)
    require_evaluator(actor, policy=policy_of(session, survey=survey))
    return queries.respondents_after(session, round_id=round_id, after_id=after_id, limit=limit)


def link_issues(session: Session, *, actor: Actor, respondent_id: int) -> list[SurveyLinkIssue]:
    """Return who issued a respondent's link, when and why (for those who run the evaluation)."""
    person = session.get(SurveyRespondent, respondent_id)
    if person is None:
        raise NotFound(
            f"Responden {respondent_id} tidak ditemukan.", en=f"Respondent {respondent_id} was not found."
        )
    survey = get_round(session, round_id=person.round_id)
    require_evaluator(actor, policy=policy_of(session, survey=survey))
    return queries.link_issues_of(session, respondent_id=respondent_id)
