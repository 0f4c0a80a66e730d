"""A round's population: ASN from a CSV or from accounts, each with a one-time token."""

from __future__ import annotations

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
from policies.evaluation.common import get_round, policy_of, require_evaluator
from policies.evaluation.models import SurveyLinkIssue, SurveyRespondent, SurveyRound
from policies.evaluation.population_csv import RejectedRow, read_population_csv, refuse_rejected
from policies.evaluation.tokens import derive_token, hash_token, new_salt

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
    skip_rejected: bool = False,
) -> PopulationImport:
    """Add ASN from CSV (nip, nama/name, unit, email); every row is checked before any is saved.

    A rejected row refuses the whole file, unless `skip_rejected` (the page's import after its
    preview showed the evaluator every rejected row): then only the accepted rows are added.
    """
    now = now or utcnow()
    survey = _open_round_for_writes(session, actor=actor, round_id=round_id)
    read = read_population_csv(csv_text)
    if not skip_rejected:
        refuse_rejected(read)
    if not read.accepted:
        raise InvalidInput(
            "Tidak ada baris CSV yang dapat diimpor.", en="No row of the CSV can be imported.", field="file"
        )
    return _add_new(
        session, survey, actor=actor, reason=CSV_REASON, people=read.accepted, secret=secret, now=now
    )


@dataclass(frozen=True)
class PopulationPreview:
    """What importing a CSV would do, saving nothing: new people, NIPs already there, rejected rows."""

    new: list[dict[str, str]]
    existing: list[str]
    rejected: list[RejectedRow]


def preview_population_csv(
    session: Session, *, actor: Actor, round_id: int, csv_text: str
) -> PopulationPreview:
    """Read a population CSV for a round and tell what its import would add and reject (no write)."""
    _open_round_for_writes(session, actor=actor, round_id=round_id)
    read = read_population_csv(csv_text)
    have = queries.respondent_nips(session, round_id=round_id)
    return PopulationPreview(
        new=[p for p in read.accepted if p["nip"] not in have],
        existing=[p["nip"] for p in read.accepted if p["nip"] in have],
        rejected=read.rejected,
    )


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
