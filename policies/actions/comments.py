"""Comments (masukan), replies and dispositions (tindak lanjut)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select, update

from policies.access import Actor, require_actor, require_owner, require_role
from policies.campaigns import detect
from policies.db import utcnow
from policies.errors import Conflict, InvalidInput, NotFound, RateLimited
from policies.models import (
    Campaign,
    Clause,
    Comment,
    CommentVote,
    ConsultationWindow,
    Disposition,
    Outcome,
    Policy,
    Role,
    Stance,
)
from policies.queries import get_policy
from policies.text import text_hash

MAX_COMMENT_CHARS = 10_000
DEFAULT_PER_MINUTE = 10
DEFAULT_CAMPAIGN_THRESHOLD = 0.8


def _open_window(session: Session, *, slug: str, now: datetime) -> ConsultationWindow:
    # One query for the policy's current window; the policy is read apart only to say it is missing.
    window = session.exec(
        select(ConsultationWindow)
        .join(Policy, col(Policy.id) == ConsultationWindow.policy_id)
        .where(Policy.slug == slug, ConsultationWindow.cycle == Policy.cycle)
        .order_by(col(ConsultationWindow.id).desc())
        .limit(1)
    ).first()
    if window is None:
        get_policy(session, slug=slug)
    if window is None or window.opens_at > now:
        raise Conflict("Konsultasi publik untuk kebijakan ini belum dibuka.")
    if window.closed_at is not None or window.closes_at <= now:
        raise Conflict(
            "Konsultasi publik untuk kebijakan ini sudah ditutup; masukan tidak dapat dikirim."
        )
    return window


def create_comment(
    session: Session,
    *,
    actor: Actor | None,
    slug: str,
    clause_key: str,
    body: str,
    stance: Stance = Stance.NEUTRAL,
    quote: str = "",
    now: datetime | None = None,
    max_chars: int = MAX_COMMENT_CHARS,
    per_minute: int = DEFAULT_PER_MINUTE,
    campaign_threshold: float = DEFAULT_CAMPAIGN_THRESHOLD,
) -> Comment:
    """Comment on a clause of the version under consultation while the window is open."""
    actor = require_actor(actor)
    now = now or utcnow()
    window = _open_window(session, slug=slug, now=now)
    body = _check_body(body, max_chars=max_chars)
    _check_rate(session, actor=actor, now=now, per_minute=per_minute)
    clause = session.exec(
        select(Clause).where(Clause.version_id == window.version_id, Clause.key == clause_key)
    ).first()
    if clause is None:
        raise InvalidInput(
            f"Pasal '{clause_key}' tidak ada pada versi yang sedang dikonsultasikan.",
            field="clause_key",
        )
    if quote and quote not in clause.body and quote not in clause.heading:
        raise InvalidInput("Kutipan harus diambil persis dari teks pasal.", field="quote")
    comment = Comment(
        policy_id=window.policy_id,
        version_id=window.version_id,
        window_id=window.id,
        clause_key=clause_key,
        quote=quote,
        body=body,
        text_hash=text_hash(body),
        stance=stance,
        author_id=actor.id,
        author_name=actor.name,
        author_group=actor.group,
        created_at=now,
    )
    session.add(comment)
    session.flush()
    detect(session, comment=comment, threshold=campaign_threshold)
    return comment


def _check_body(body: str, *, max_chars: int) -> str:
    body = body.strip()
    if not body:
        raise InvalidInput("Isi masukan tidak boleh kosong.", field="body")
    if len(body) > max_chars:
        raise InvalidInput(
            f"Masukan terlalu panjang ({len(body)} karakter): maksimal {max_chars} karakter.", field="body"
        )
    return body


def _check_rate(session: Session, *, actor: Actor, now: datetime, per_minute: int) -> None:
    """Refuse a comment beyond the account's allowance in the last minute (counted in the DB)."""
    if actor.id is None:
        return
    recent = session.exec(
        select(func.count())
        .select_from(Comment)
        .where(Comment.author_id == actor.id, col(Comment.created_at) > now - timedelta(minutes=1))
    ).one()
    if recent >= per_minute:
        raise RateLimited(
            f"Anda sudah mengirim {recent} masukan dalam satu menit terakhir (batas {per_minute} per menit). "
            "Tunggu sebentar lalu kirim lagi.",
            retry_after=60,
        )


def create_reply(
    session: Session,
    *,
    actor: Actor | None,
    slug: str,
    parent_id: int,
    body: str,
    now: datetime | None = None,
    max_chars: int = MAX_COMMENT_CHARS,
    per_minute: int = DEFAULT_PER_MINUTE,
) -> Comment:
    """Reply to a comment of the open window (anyone signed in, drafters included)."""
    actor = require_actor(actor)
    now = now or utcnow()
    window = _open_window(session, slug=slug, now=now)
    parent = get_comment(session, slug=slug, comment_id=parent_id)
    if parent.window_id != window.id:
        raise Conflict("Masukan ini berasal dari konsultasi yang sudah selesai; balasan tidak dapat dikirim.")
    if parent.parent_id is not None:
        raise InvalidInput("Balas masukan utamanya, bukan balasan lain.", field="parent_id")
    body = _check_body(body, max_chars=max_chars)
    _check_rate(session, actor=actor, now=now, per_minute=per_minute)
    reply = Comment(
        policy_id=parent.policy_id,
        version_id=parent.version_id,
        window_id=parent.window_id,
        clause_key=parent.clause_key,
        parent_id=parent.id,
        body=body,
        text_hash=text_hash(body),
        author_id=actor.id,
        author_name=actor.name,
        author_group=actor.group,
        created_at=now,
    )
    session.add(reply)
    session.flush()
    return reply


def vote(session: Session, *, actor: Actor | None, slug: str, comment_id: int, value: int) -> Comment:
    """Support (+1), oppose (-1) or withdraw (0) one's vote on a comment; one vote per account."""
    actor = require_actor(actor)
    if value not in (-1, 0, 1):
        raise InvalidInput("Nilai dukungan harus 1 (mendukung), -1 (menolak) atau 0 (batal).", field="value")
    if actor.id is None:
        raise InvalidInput("Hanya akun yang dapat memberi dukungan.", field="value")
    comment = get_comment(session, slug=slug, comment_id=comment_id)
    row = session.exec(
        select(CommentVote).where(CommentVote.comment_id == comment_id, CommentVote.account_id == actor.id)
    ).first()
    old = row.value if row is not None else 0
    if old == value:
        return comment
    if row is None:
        session.add(CommentVote(comment_id=comment_id, account_id=actor.id, value=value))
    elif value == 0:
        session.delete(row)
    else:
        row.value = value
        session.add(row)
    support = int(value == 1) - int(old == 1)
    oppose = int(value == -1) - int(old == -1)
    # Counts change in SQL, so concurrent voters on one comment never overwrite each other.
    session.exec(
        update(Comment)
        .where(col(Comment.id) == comment_id)
        .values(support_count=Comment.support_count + support, oppose_count=Comment.oppose_count + oppose)
    )  # type: ignore[call-overload]
    session.flush()
    session.refresh(comment)
    return comment


def get_comment(session: Session, *, slug: str, comment_id: int) -> Comment:
    """Return a comment of a policy or raise NotFound."""
    policy = get_policy(session, slug=slug)
    comment = session.get(Comment, comment_id)
    if comment is None or comment.policy_id != policy.id:
        raise NotFound(f"Masukan {comment_id} tidak ditemukan pada kebijakan ini.")
    return comment


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
    require_owner(actor, policy)
    comment = get_comment(session, slug=slug, comment_id=comment_id)
    if comment.parent_id is not None:
        raise InvalidInput(
            "Tindak lanjut diberikan pada masukan, bukan pada balasan.", field="comment_id"
        )
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "Alasan tindak lanjut wajib diisi: setiap pemberi masukan berhak mendapat penjelasan.",
            field="reason",
        )
    if next_clause_key is not None and not next_clause_key.strip():
        next_clause_key = None
    if next_clause_key is not None and len(next_clause_key) > 40:
        raise InvalidInput(
            "Kunci pasal versi berikutnya paling panjang 40 karakter.", field="next_clause_key"
        )
    row = session.exec(select(Disposition).where(Disposition.comment_id == comment_id)).first()
    if row is None:
        row = Disposition(comment_id=comment_id, outcome=outcome, reason=reason)
    row.outcome = outcome
    row.reason = reason
    row.next_clause_key = next_clause_key
    row.responder_id = actor.id
    row.via_campaign_id = via_campaign_id
    row.responded_at = now or utcnow()
    session.add(row)
    session.flush()
    return row


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
    comment = get_comment(session, slug=slug, comment_id=comment_id)
    if not reason.strip():
        raise InvalidInput("Alasan moderasi wajib diisi.", field="reason")
    comment.hidden_at = (now or utcnow()) if hidden else None
    comment.hidden_reason = reason.strip()
    comment.hidden_by_id = actor.id
    session.add(comment)
    session.flush()
    return comment


def get_campaign(session: Session, *, slug: str, campaign_id: int) -> Campaign:
    """Return a campaign group of a policy or raise NotFound."""
    policy = get_policy(session, slug=slug)
    campaign = session.get(Campaign, campaign_id)
    window = session.get(ConsultationWindow, campaign.window_id) if campaign is not None else None
    if campaign is None or window is None or window.policy_id != policy.id:
        raise NotFound(f"Kelompok kampanye {campaign_id} tidak ditemukan pada kebijakan ini.")
    return campaign


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
    require_owner(actor, policy)
    campaign = get_campaign(session, slug=slug, campaign_id=campaign_id)
    now = now or utcnow()
    members = session.exec(
        select(Comment.id).where(Comment.campaign_id == campaign.id).order_by(col(Comment.id))
    ).all()
    return [
        dispose(
            session,
            actor=actor,
            slug=slug,
            comment_id=member,  # type: ignore[arg-type]
            outcome=outcome,
            reason=reason,
            next_clause_key=next_clause_key,
            via_campaign_id=campaign.id,
            now=now,
        )
        for member in members
    ]
