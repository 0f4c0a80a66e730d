"""Offline and oral inputs (UU 13/2022 Pasal 96): recorded by an officer, then a comment like any other.

A voice heard at a workshop or a socialization session, written on a paper form or sent by letter
carries the same duty as one typed online: an officer of the owning unit (or a moderator) enters
it on the clause it is about, attributed to the person or organisation and the occasion, and from
then on it is answered, counted by the gates and printed in the report like every other comment.
What only such an input has (the occasion, a contact, the scan) lives in `comment_source`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from policies.accounts.access import Actor, require_actor, require_owner, require_role
from policies.accounts.models import Role, StakeholderGroup
from policies.consultation import tracking
from policies.consultation.anchors import AnchorRequest, apply_anchor
from policies.consultation.attribution import attribution_of
from policies.consultation.campaigns import detect, fingerprint
from policies.consultation.comments import CommentRules, _check_body
from policies.consultation.models import Comment, CommentSource, Stance
from policies.consultation.queries import current_window
from policies.consultation.queries.voices import linked_outcomes, origin_of_outcome, origins_of
from policies.consultation.register import comment_of
from policies.consultation.voice_models import CommentOrigin
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput, PermissionDenied
from policies.core.fields import TextField, clean_texts
from policies.core.i18n import JAKARTA, format_date
from policies.core.text import text_hash
from policies.drafting.queries import clauses_of
from policies.lifecycle.models import Policy, Stage
from policies.lifecycle.queries import get_policy
from policies.workshops.actions import outcome_to_comment

# The channels an officer records; online comments and workshop outcomes come their own ways.
RECORDED = (CommentSource.ORAL, CommentSource.PAPER, CommentSource.LETTER)
NIP_DIGITS = 18

FIELDS = (
    TextField(
        "attributed_to",
        "Nama penyampai",
        "The name of who gave it",
        200,
        single_line=True,
        blank=(
            "Sebutkan siapa yang menyampaikan masukan ini (orang atau organisasi).",
            "Say who gave this input (a person or an organisation).",
        ),
    ),
    TextField(
        "occasion",
        "Kesempatan",
        "The occasion",
        300,
        single_line=True,
        blank=(
            "Sebutkan kesempatannya (mis. lokakarya di Kecamatan Serpong, surat tertanggal ...).",
            "Name the occasion (e.g. the workshop in Serpong district, the letter of ...).",
        ),
    ),
    TextField("contact_email", "Email penyampai", "The giver's email", 254, single_line=True),
)


@dataclass(frozen=True)
class OfflineInput:
    """What an officer writes down about an input received offline."""

    clause_key: str
    body: str
    source: CommentSource
    attributed_to: str
    occasion: str
    occasion_on: date
    author_group: str = StakeholderGroup.PUBLIC.value
    stance: Stance = Stance.NEUTRAL
    quote: str = ""
    anchor: AnchorRequest | None = None
    contact_email: str = ""
    contact_nip: str = ""


def require_officer(actor: Actor | None, *, policy: Policy) -> Actor:
    """Let the owning unit's drafters, moderators and admins record offline inputs."""
    actor = require_actor(actor)
    if actor.role is Role.MODERATOR:
        return actor
    if actor.role is Role.DRAFTER:
        return require_owner(actor, policy=policy)
    return require_role(actor, Role.DRAFTER, Role.MODERATOR)


def may_convert_outcomes(actor: Actor, *, policy: Policy) -> bool:
    """Tell whether the actor may enter workshop outcomes as inputs (the owning unit's drafters, admins)."""
    try:
        require_owner(actor, policy=policy)
    except PermissionDenied:
        return False
    return True


def _check_contact(*, email: str, nip: str) -> str:
    if email and ("@" not in email or " " in email):
        raise InvalidInput(
            "Alamat email penyampai tidak valid.",
            en="The giver's email address is not valid.",
            field="contact_email",
        )
    nip = nip.strip()
    if nip and (not nip.isdigit() or len(nip) != NIP_DIGITS):
        raise InvalidInput("NIP terdiri atas 18 angka.", en="A NIP has 18 digits.", field="contact_nip")
    return nip


def record_offline_input(
    session: Session,
    *,
    actor: Actor | None,
    slug: str,
    given: OfflineInput,
    now: datetime | None = None,
    rules: CommentRules = CommentRules(),
) -> Comment:
    """Enter an input heard or received offline as a comment on a clause of the consulted version."""
    policy = get_policy(session, slug=slug)
    actor = require_officer(actor, policy=policy)
    now = now or utcnow()
    if given.source not in RECORDED:
        raise InvalidInput(
            "Pilih salurannya: lisan, formulir kertas atau surat.",
            en="Choose the channel: oral, paper form or letter.",
            field="source",
        )
    texts = clean_texts(
        FIELDS, attributed_to=given.attributed_to, occasion=given.occasion, contact_email=given.contact_email
    )
    nip = _check_contact(email=texts["contact_email"], nip=given.contact_nip)
    if given.author_group not in {g.value for g in StakeholderGroup}:
        raise InvalidInput(
            "Kelompok penyampai tidak dikenal.", en="Unknown stakeholder group.", field="author_group"
        )
    window = current_window(session, policy=policy)
    if policy.stage != Stage.CONSULTATION or window is None:
        raise Conflict(
            "Masukan luring dicatat selama tahap konsultasi publik, pada versi yang dikonsultasikan.",
            en="Offline inputs are recorded during the public consultation, on the version consulted.",
        )
    today = now.astimezone(JAKARTA).date()
    closes_on = (window.closed_at or window.closes_at).astimezone(JAKARTA).date()
    if given.occasion_on > today:
        raise InvalidInput(
            "Tanggal penyampaian tidak boleh di masa depan.",
            en="The date it was given cannot be in the future.",
            field="occasion_on",
        )
    if given.occasion_on > closes_on:
        raise Conflict(
            f"Masukan ini disampaikan setelah konsultasi ditutup ({format_date(closes_on)}).",
            en=f"This input was given after the consultation closed ({format_date(closes_on, locale='en')}).",
        )
    _check_body(given.body, max_chars=rules.max_chars)
    clause = next(
        (c for c in clauses_of(session, version_id=window.version_id) if c.key == given.clause_key), None
    )
    if clause is None:
        raise InvalidInput(
            f"Pasal '{given.clause_key}' tidak ada pada versi yang sedang dikonsultasikan.",
            en=f"Clause '{given.clause_key}' is not in the version under consultation.",
            field="clause_key",
        )
    if given.quote and given.quote not in clause.body and given.quote not in clause.heading:
        raise InvalidInput(
            "Kutipan harus diambil persis dari teks pasal.",
            en="The quote must be copied exactly from the clause's text.",
            field="quote",
        )
    fp = fingerprint(given.body, threshold=rules.campaign_threshold)
    comment = Comment(
        policy_id=window.policy_id,
        version_id=window.version_id,
        window_id=window.id,
        clause_key=given.clause_key,
        quote=given.quote,
        body=given.body,
        text_hash=text_hash(given.body),
        stance=given.stance,
        author_name=texts["attributed_to"],
        author_group=given.author_group,
        source=given.source,
        created_at=now,
    )
    apply_anchor(session, comment=comment, anchor=given.anchor)
    tracking.assign(session, comment=comment)
    session.add(comment)
    session.flush()
    session.add(
        CommentOrigin(
            comment_id=comment.id,  # type: ignore[arg-type]
            occasion=texts["occasion"],
            occasion_on=given.occasion_on,
            contact_email=texts["contact_email"].lower(),
            contact_nip=nip,
            recorded_by_id=actor.id,
            created_at=now,
        )
    )
    session.flush()
    # Copies of a letter sent by many count as a campaign, as copies sent online do.
    detect(session, comment=comment, threshold=rules.campaign_threshold, fp=fp)
    # The same duty as online: whoever left an address gets the number, the pasal and the due date.
    tracking.send_receipt(
        session, comment=comment, policy=policy, now=now, address=texts["contact_email"].lower()
    )
    return comment


@dataclass(frozen=True)
class Converted:
    """A workshop outcome entered into the register: its comment, and whether this call made it."""

    outcome_id: int
    comment_id: int
    created: bool


def workshop_inputs(
    session: Session, *, actor: Actor | None, slug: str, now: datetime | None = None
) -> list[Converted]:
    """Enter every clause-linked workshop outcome of the cycle as an input (again: nothing new)."""
    policy = get_policy(session, slug=slug)
    actor = require_owner(actor, policy=policy)
    now = now or utcnow()
    done: list[Converted] = []
    for outcome, workshop in linked_outcomes(session, policy=policy):
        created = outcome.comment_id is None
        comment = outcome_to_comment(
            session,
            actor=actor,
            slug=slug,
            workshop_id=workshop.id,
            outcome_id=outcome.id,
            now=now,  # type: ignore[arg-type]
        )
        if origin_of_outcome(session, outcome_id=outcome.id) is None and not origins_of(  # type: ignore[arg-type]
            session,
            comment_ids=[comment.id],  # type: ignore[list-item]
        ):
            session.add(
                CommentOrigin(
                    comment_id=comment.id,  # type: ignore[arg-type]
                    occasion=workshop.title,
                    occasion_on=workshop.starts_at.astimezone(JAKARTA).date(),
                    recorded_by_id=actor.id,
                    workshop_outcome_id=outcome.id,
                    created_at=now,
                )
            )
            session.flush()
        done.append(Converted(outcome_id=outcome.id, comment_id=comment.id, created=created))  # type: ignore[arg-type]
    return done


def attribution(comment: Comment, *, origin: CommentOrigin, locale: str = "id") -> str:
    """Say who gave an offline input and on what occasion ("Disampaikan lisan oleh … pada …")."""
    return attribution_of(source=str(comment.source), who=comment.author_name, origin=origin, locale=locale)


def origin_of_comment(
    session: Session, *, slug: str, comment_id: int
) -> tuple[Comment, CommentOrigin | None]:
    """Return a comment of the policy and its offline source, if it has one."""
    comment = comment_of(session, policy=get_policy(session, slug=slug), comment_id=comment_id)
    return comment, origins_of(session, comment_ids=[comment_id]).get(comment_id)
