"""Comments (masukan), replies and votes; answers and moderation live in `answers`.

The names of `answers` and `register` are re-exported here, where callers have always found them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from policies.accounts.access import (
    CONSULTATION_PART,
    ROLES,
    Actor,
    require_actor,
    require_owner,
    require_stakeholder,
    require_verified,
)
from policies.accounts.models import Account, Role
from policies.consultation import tracking
from policies.consultation.anchors import AnchorRequest, apply_anchor
from policies.consultation.answers import dispose, dispose_campaign, set_hidden
from policies.consultation.campaigns import detect, fingerprint
from policies.consultation.comment_queries import (
    comment_context,
    policy_and_window,
    recent_comments,
    shift_vote_counts,
    vote_of,
)
from policies.consultation.models import Comment, CommentVote, ConsultationWindow, Stance
from policies.consultation.register import comment_of, get_campaign, get_comment, insert_once
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput, PermissionDenied, RateLimited
from policies.core.fields import clean_text
from policies.core.i18n import format_number, stage_name
from policies.core.settings import Settings
from policies.core.text import text_hash
from policies.drafting.queries import clause_heading, version_number
from policies.lifecycle.models import Policy, Stage

__all__ = [
    "CommentRules",
    "create_comment",
    "create_reply",
    "dispose",
    "dispose_campaign",
    "get_campaign",
    "get_comment",
    "set_hidden",
    "vote",
]

MAX_QUOTE_CHARS = 5_000
MAX_CLAUSE_KEY_CHARS = 40
BLANK_BODY = ("Isi masukan tidak boleh kosong.", "The comment must not be empty.")
COMMENTING = ("mengirim masukan", "send comments")
RATE_PERIOD = timedelta(minutes=1)
VOTING = ("memberi dukungan atau penolakan", "support or oppose comments")


@dataclass(frozen=True)
class CommentRules:
    """The register's limits: the longest body, comments per account per minute, campaign similarity."""

    # The defaults are the settings' own.
    max_chars: int = Settings.model_fields["comment_max_length"].default
    per_minute: int = Settings.model_fields["comments_per_minute"].default
    campaign_threshold: float = Settings.model_fields["campaign_threshold"].default

    @classmethod
    def of(cls, settings: Settings) -> CommentRules:
        """Return the rules a deployment's settings choose."""
        return cls(
            max_chars=settings.comment_max_length,
            per_minute=settings.comments_per_minute,
            campaign_threshold=settings.campaign_threshold,
        )


def _require_open(policy: Policy, window: ConsultationWindow | None, *, now: datetime) -> ConsultationWindow:
    """Refuse unless the policy is in consultation and its window is open now."""
    if policy.stage != Stage.CONSULTATION:
        raise Conflict(
            f"Masukan hanya dapat dikirim pada tahap konsultasi publik; kebijakan ini sedang pada "
            f"tahap {stage_name(policy.stage)}.",
            en=f"Comments can only be sent during the public consultation; this policy is in the "
            f"{stage_name(policy.stage, locale='en')} stage.",
        )
    if window is None or window.opens_at > now:
        raise Conflict(
            "Konsultasi publik untuk kebijakan ini belum dibuka.",
            en="The public consultation of this policy has not opened yet.",
        )
    if window.closed_at is not None or window.closes_at <= now:
        raise Conflict(
            "Konsultasi publik untuk kebijakan ini sudah ditutup; masukan tidak dapat dikirim.",
            en="The public consultation of this policy has closed; comments can no longer be sent.",
        )
    return window


def _require_current(comment: Comment, window: ConsultationWindow, *, refused: tuple[str, str]) -> None:
    """Refuse a reply or vote on a comment of an earlier, finished window; `refused` says what is."""
    if comment.window_id != window.id:
        raise Conflict(
            f"Masukan ini berasal dari konsultasi yang sudah selesai; {refused[0]}.",
            en=f"This comment belongs to a consultation that has ended; {refused[1]}.",
        )


def _require_replier(actor: Actor, policy: Policy) -> None:
    """Let stakeholders, the owning unit's drafters and admins reply; refuse everyone else."""
    if actor.role in (Role.STAKEHOLDER, Role.ADMIN):
        return
    if actor.role is Role.DRAFTER:
        require_owner(actor, policy=policy)
        return
    # Say what this role does instead, from the one role table (an evaluator is not a moderator).
    part = ROLES[actor.role]
    raise PermissionDenied(
        "Balasan dikirim oleh pemangku kepentingan atau perancang unit pemilik kebijakan "
        f"({part.in_consultation}).",
        en="Replies come from stakeholders or drafters of the policy's owning unit "
        f"({part.in_consultation_en}).",
    )


def create_comment(
    session: Session,
    *,
    actor: Actor | None,
    slug: str,
    clause_key: str,
    body: str,
    stance: Stance = Stance.NEUTRAL,
    quote: str = "",
    anchor: AnchorRequest | None = None,
    now: datetime | None = None,
    rules: CommentRules = CommentRules(),
) -> Comment:
    """Comment on a clause of the version under consultation while the window is open."""
    actor = require_verified(require_stakeholder(actor, doing=COMMENTING, instead=CONSULTATION_PART))
    now = now or utcnow()
    # Cleaned before it is queried: PostgreSQL cannot even query NUL.
    clause_key = clean_text(
        clause_key,
        field="clause_key",
        label="Kunci pasal",
        label_en="The clause key",
        max_chars=MAX_CLAUSE_KEY_CHARS,
        strip=False,
    )
    # The signature needs no database: computed before the first statement, it is not part of the
    # time a writer holds SQLite's write lock (or PostgreSQL's transaction).
    fp = fingerprint(body, threshold=rules.campaign_threshold)
    context = comment_context(
        session, slug=slug, clause_key=clause_key, author_id=actor.id, since=now - RATE_PERIOD
    )
    window = _require_open(context.policy, context.window, now=now)
    _check_body(body, max_chars=rules.max_chars)
    quote = clean_text(
        quote, field="quote", label="Kutipan", label_en="The quote", max_chars=MAX_QUOTE_CHARS, strip=False
    )
    _refuse_over_rate(recent=context.recent, per_minute=rules.per_minute)
    clause = context.clause
    if clause is None:
        raise InvalidInput(
            f"Pasal '{clause_key}' tidak ada pada versi yang sedang dikonsultasikan.",
            en=f"Clause '{clause_key}' is not in the version under consultation.",
            field="clause_key",
        )
    if quote and quote not in clause.body and quote not in clause.heading:
        raise InvalidInput(
            "Kutipan harus diambil persis dari teks pasal.",
            en="The quote must be copied exactly from the clause's text.",
            field="quote",
        )
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
    apply_anchor(session, comment=comment, anchor=anchor)
    tracking.assign(session, comment=comment)
    session.add(comment)
    session.flush()
    detect(session, comment=comment, threshold=rules.campaign_threshold, fp=fp)
    tracking.send_receipt(session, comment=comment, policy=context.policy, now=now, heading=clause.heading)
    return comment


def _check_body(body: str, *, max_chars: int) -> None:
    # Checked, never rewritten: the register keeps the text exactly as its author sent it.
    if not body.strip():
        raise InvalidInput(BLANK_BODY[0], en=BLANK_BODY[1], field="body")
    if len(body) > max_chars:
        raise InvalidInput(
            f"Masukan terlalu panjang ({format_number(len(body))} karakter): "
            f"maksimal {format_number(max_chars)} karakter.",
            en=f"The comment is too long ({format_number(len(body), locale='en')} characters): "
            f"at most {format_number(max_chars, locale='en')}.",
            field="body",
        )
    clean_text(body, field="body", label="Masukan", label_en="The comment", max_chars=max_chars, strip=False)


def _check_rate(session: Session, *, actor: Actor, now: datetime, per_minute: int) -> None:
    """Refuse a comment beyond the account's allowance in the last minute (counted in the DB)."""
    if actor.id is None:
        return
    recent = recent_comments(session, author_id=actor.id, since=now - RATE_PERIOD)
    _refuse_over_rate(recent=recent, per_minute=per_minute)


def _refuse_over_rate(*, recent: int, per_minute: int) -> None:
    """Refuse when the account already sent its allowance of the last minute."""
    if recent >= per_minute:
        raise RateLimited(
            f"Anda sudah mengirim {recent} masukan dalam satu menit terakhir (batas {per_minute} per menit). "
            "Tunggu sebentar lalu kirim lagi.",
            en=f"You sent {recent} comments in the last minute (the limit is {per_minute} per minute). "
            "Wait a moment, then send again.",
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
    rules: CommentRules = CommentRules(),
) -> Comment:
    """Reply to a comment of the open window (stakeholders, the owning unit's drafters, admins)."""
    actor = require_actor(actor)
    now = now or utcnow()
    policy, window = policy_and_window(session, slug=slug)
    _require_replier(actor, policy)
    require_verified(actor)
    window = _require_open(policy, window, now=now)
    parent = comment_of(session, policy=policy, comment_id=parent_id)
    _require_current(parent, window, refused=("balasan tidak dapat dikirim", "replies can no longer be sent"))
    if parent.parent_id is not None:
        raise InvalidInput(
            "Balas masukan utamanya, bukan balasan lain.",
            en="Reply to the comment itself, not to another reply.",
            field="parent_id",
        )
    _check_body(body, max_chars=rules.max_chars)
    _check_rate(session, actor=actor, now=now, per_minute=rules.per_minute)
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
    tracking.assign(session, comment=reply)
    session.add(reply)
    session.flush()
    _tell_parent_author(session, policy=policy, parent=parent, reply=reply, now=now)
    tracking.send_receipt(session, comment=reply, policy=policy, now=now)
    return reply


def _tell_parent_author(
    session: Session, *, policy: Policy, parent: Comment, reply: Comment, now: datetime
) -> None:
    """Tell the comment's author of a reply by someone else, as they chose to hear about replies."""
    if parent.author_id is None or parent.author_id == reply.author_id:
        return
    author = session.get(Account, parent.author_id)
    if author is None or not author.active:
        return
    from policies.digest.events import announce, comment_context  # the digest reads comments
    from policies.digest.models import EventKind

    announce(
        session,
        policy=policy,
        kind=EventKind.REPLY,
        key=f"reply:{reply.id}",
        now=now,
        accounts=[author],
        context=comment_context(
            kind=EventKind.REPLY,
            clause_heading=clause_heading(session, version_id=parent.version_id, key=parent.clause_key),
            version=version_number(session, version_id=parent.version_id),
            clause_key=parent.clause_key,
            comment_id=parent.id,  # type: ignore[arg-type]
        ),
    )


def vote(
    session: Session,
    *,
    actor: Actor | None,
    slug: str,
    comment_id: int,
    value: int,
    now: datetime | None = None,
) -> Comment:
    """Support (+1), oppose (-1) or withdraw (0) one's vote while the consultation is open."""
    actor = require_verified(require_stakeholder(actor, doing=VOTING, instead=CONSULTATION_PART))
    if value not in (-1, 0, 1):
        raise InvalidInput(
            "Nilai dukungan harus 1 (mendukung), -1 (menolak) atau 0 (batal).",
            en="A vote is 1 (support), -1 (oppose) or 0 (withdraw).",
            field="value",
        )
    if actor.id is None:
        raise InvalidInput(
            "Hanya akun yang dapat memberi dukungan.", en="Only an account can vote.", field="value"
        )
    policy, window = policy_and_window(session, slug=slug)
    comment = comment_of(session, policy=policy, comment_id=comment_id)
    window = _require_open(policy, window, now=now or utcnow())
    _require_current(comment, window, refused=("dukungan tidak dapat diubah", "votes can no longer change"))
    if comment.parent_id is not None:
        raise InvalidInput(
            "Dukungan diberikan pada masukan, bukan pada balasan.",
            en="Votes are given to comments, not to replies.",
            field="comment_id",
        )
    if comment.hidden_at is not None:
        raise Conflict(
            "Masukan ini disembunyikan moderator; dukungan tidak dapat diberikan.",
            en="A moderator hid this comment; it cannot be voted on.",
        )
    row = vote_of(session, comment_id=comment_id, account_id=actor.id)
    old = row.value if row is not None else 0
    if old == value:
        return comment
    if row is None:
        insert_once(
            session,
            CommentVote(comment_id=comment_id, account_id=actor.id, value=value),
            refusal=Conflict(
                "Anda baru saja memberi dukungan pada masukan ini dari permintaan lain: muat ulang "
                "untuk melihat dukungan Anda.",
                en="You just voted on this comment from another request: reload to see your vote.",
            ),
        )
    elif value == 0:
        session.delete(row)
    else:
        row.value = value
        session.add(row)
    support = int(value == 1) - int(old == 1)
    oppose = int(value == -1) - int(old == -1)
    shift_vote_counts(session, comment_id=comment_id, support=support, oppose=oppose)
    session.flush()
    session.refresh(comment)
    return comment
