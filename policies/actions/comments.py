"""Comments (masukan), replies and dispositions (tindak lanjut)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from policies.access import Actor, require_actor, require_owner, require_role
from policies.db import utcnow
from policies.errors import Conflict, InvalidInput, NotFound
from policies.models import (
    Clause,
    Comment,
    ConsultationWindow,
    Disposition,
    Outcome,
    Role,
    Stance,
)
from policies.queries import current_window, get_policy
from policies.text import text_hash

MAX_COMMENT_CHARS = 10_000


def _open_window(session: Session, *, slug: str, now: datetime) -> ConsultationWindow:
    policy = get_policy(session, slug=slug)
    window = current_window(session, policy=policy)
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
) -> Comment:
    """Comment on a clause of the version under consultation while the window is open."""
    actor = require_actor(actor)
    now = now or utcnow()
    window = _open_window(session, slug=slug, now=now)
    body = body.strip()
    if not body:
        raise InvalidInput("Isi masukan tidak boleh kosong.", field="body")
    if len(body) > max_chars:
        raise InvalidInput(f"Masukan terlalu panjang: maksimal {max_chars} karakter.", field="body")
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
