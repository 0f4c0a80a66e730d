"""Answering and moderating the register: dispositions (tindak lanjut), campaign answers, hiding."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from policies.accounts.access import Actor, require_owner, require_role
from policies.accounts.models import Role
from policies.consultation.campaigns import refresh_representative
from policies.consultation.comment_queries import disposition_of
from policies.consultation.models import Comment, Disposition, Outcome
from policies.consultation.queries import campaign_member_ids
from policies.consultation.register import campaign_of, comment_of, insert_once
from policies.consultation.reminders import tell_author_answered
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput
from policies.core.fields import TextField, clean_text
from policies.drafting.models import DraftVersion
from policies.drafting.queries import has_clause, next_version
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_policy

MAX_CLAUSE_KEY = 40
MAX_REASON_CHARS = 20_000
MAX_MODERATION_REASON_CHARS = 1_000
DISPOSITION_REASON = TextField(
    "reason",
    "Alasan tindak lanjut",
    "The disposition's reason",
    MAX_REASON_CHARS,
    blank=(
        "Alasan tindak lanjut wajib diisi: setiap pemberi masukan berhak mendapat penjelasan.",
        "A disposition needs a reason: everyone who commented has the right to an explanation.",
    ),
)
MODERATION_REASON = TextField(
    "reason",
    "Alasan moderasi",
    "The moderation's reason",
    MAX_MODERATION_REASON_CHARS,
    blank=("Alasan moderasi wajib diisi.", "A moderation needs a reason."),
)


def _check_next_clause(session: Session, *, comment: Comment, key: str) -> None:
    """Refuse a next-version clause key that the next version, once written, does not have."""
    current = session.get(DraftVersion, comment.version_id)
    assert current is not None  # a foreign key guarantees it
    following = next_version(session, version=current)
    if following is None:
        return  # not written yet: the key names the clause it is meant to become
    if not has_clause(session, version_id=following.id, key=key):  # type: ignore[arg-type]
        raise InvalidInput(
            f"Pasal '{key}' tidak ada pada versi {following.number}, versi berikutnya dari masukan ini.",
            en=f"Clause '{key}' is not in version {following.number}, the version after this comment's.",
            field="next_clause_key",
        )


def _dispose(
    session: Session,
    *,
    actor: Actor,
    policy: Policy,
    comment_id: int,
    outcome: Outcome,
    reason: str,
    next_clause_key: str | None,
    via_campaign_id: int | None,
    now: datetime,
) -> Disposition:
    comment = comment_of(session, policy=policy, comment_id=comment_id)
    if comment.parent_id is not None:
        raise InvalidInput(
            "Tindak lanjut diberikan pada masukan, bukan pada balasan.",
            en="A disposition answers a comment, not a reply.",
            field="comment_id",
        )
    reason = DISPOSITION_REASON.clean(reason)
    if next_clause_key is not None and not next_clause_key.strip():
        next_clause_key = None
    if next_clause_key is not None and len(next_clause_key) > MAX_CLAUSE_KEY:
        raise InvalidInput(
            f"Kunci pasal versi berikutnya paling panjang {MAX_CLAUSE_KEY} karakter.",
            en=f"The next version's clause key is at most {MAX_CLAUSE_KEY} characters.",
            field="next_clause_key",
        )
    if next_clause_key is not None:
        next_clause_key = clean_text(
            next_clause_key,
            field="next_clause_key",
            label="Kunci pasal versi berikutnya",
            label_en="The next version's clause key",
            max_chars=MAX_CLAUSE_KEY,
            strip=False,
        )
        _check_next_clause(session, comment=comment, key=next_clause_key)
    row = disposition_of(session, comment_id=comment_id)
    fresh = row is None
    if row is None:
        row = Disposition(comment_id=comment_id, outcome=outcome, reason=reason)
    row.outcome = outcome
    row.reason = reason
    row.next_clause_key = next_clause_key
    row.responder_id = actor.id
    row.via_campaign_id = via_campaign_id
    row.responded_at = now
    if not fresh:
        session.add(row)
        session.flush()
        return row
    # One disposition per comment: a drafter answering at the same moment keeps the key.
    insert_once(
        session,
        row,
        refusal=Conflict(
            f"Masukan {comment_id} baru saja diberi tindak lanjut oleh permintaan lain: muat ulang "
            "dan baca jawabannya sebelum mengubahnya.",
            en=f"Comment {comment_id} was just answered by another request: reload and read that "
            "answer before changing it.",
        ),
    )
    tell_author_answered(session, comment=comment, policy=policy, now=now)
    return row


def dispose(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    comment_id: int,
    outcome: Outcome,
    reason: str,
    next_clause_key: str | None = None,
    via_campaign_id: int | None = None,
    now: datetime | None = None,
) -> Disposition:
    """Give (or change) a comment's disposition, with the reason owed to its author."""
    policy = get_policy(session, slug=slug)
    require_owner(actor, policy=policy)
    return _dispose(
        session,
        actor=actor,
        policy=policy,
        comment_id=comment_id,
        outcome=outcome,
        reason=reason,
        next_clause_key=next_clause_key,
        via_campaign_id=via_campaign_id,
        now=now or utcnow(),
    )


def dispose_campaign(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    campaign_id: int,
    outcome: Outcome,
    reason: str,
    next_clause_key: str | None = None,
    now: datetime | None = None,
) -> list[Disposition]:
    """Answer a campaign group once: each member gets its own disposition row with the same answer."""
    policy = get_policy(session, slug=slug)
    require_owner(actor, policy=policy)
    campaign = campaign_of(session, policy=policy, campaign_id=campaign_id)
    now = now or utcnow()
    members = campaign_member_ids(session, campaign_id=campaign.id)  # type: ignore[arg-type]
    return [
        _dispose(
            session,
            actor=actor,
            policy=policy,
            comment_id=member,
            outcome=outcome,
            reason=reason,
            next_clause_key=next_clause_key,
            via_campaign_id=campaign.id,
            now=now,
        )
        for member in members
    ]


def set_hidden(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    comment_id: int,
    hidden: bool,
    reason: str,
    now: datetime | None = None,
) -> Comment:
    """Hide (or show again) a comment; the text stays stored and the reason is recorded."""
    require_role(actor, Role.MODERATOR)
    policy = get_policy(session, slug=slug)
    comment = comment_of(session, policy=policy, comment_id=comment_id)
    reason = MODERATION_REASON.clean(reason)
    comment.hidden_at = (now or utcnow()) if hidden else None
    comment.hidden_reason = reason
    comment.hidden_by_id = actor.id
    session.add(comment)
    session.flush()
    if comment.campaign_id is not None:
        # The campaign's public face must stay a text the public may read.
        refresh_representative(session, campaign_id=comment.campaign_id)
    return comment
