""" "This was not me": a person disowns a comment sent in their name, proven by a link to their address.

Anyone may report a comment, giving the email or the NIP it carries (its account's, or the contact
an officer wrote down for an offline input). Only when they match is a confirmation link sent, to
the comment's own address through the outbox, so nobody can hide another's comment by typing an
address they do not own; the answer is the same whether or not it matched, so the form tells
nobody who wrote what. Opening the link hides the comment pending review. A moderator then upholds
the report (the comment stays hidden, answered by the recorded reason) or rejects it (the comment
is shown again); the review and its reason stay in the record.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session

from policies.accounts.access import Actor, require_role
from policies.accounts.models import Role
from policies.consultation.campaigns import refresh_representative
from policies.consultation.models import Comment
from policies.consultation.queries.voices import (
    author_account,
    disavowals_of_policy,
    origins_of,
    recent_disavowal,
    reviews_of,
)
from policies.consultation.register import comment_of
from policies.consultation.voice_models import CommentDisavowal, DisavowalState
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput, NotFound
from policies.core.fields import TextField
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_policy
from policies.outbox import hooks
from policies.outbox.models import Channel, Reminder
from policies.outbox.notify import Recipient, enqueue

TEMPLATE = "comment_disavowal"
PAGE = "/bukan-saya"
TOKEN_MAX_AGE = timedelta(days=7)
# A form sent twice within this time is the report already made (one email, not two).
AGAIN_AFTER = timedelta(minutes=10)
_SALT = "siklus-comment-disavowal"

HIDDEN_PENDING = (
    "Dilaporkan oleh pemilik nama/alamatnya sebagai bukan kirimannya; menunggu peninjauan moderator"
)
UPHELD_NOTE = "Bukan dikirim oleh pemilik nama/alamatnya (laporan 'bukan saya' dikabulkan moderator)"
STATEMENT = TextField("statement", "Keterangan", "The statement", 2_000)
REVIEW_REASON = TextField(
    "reason",
    "Alasan peninjauan",
    "The review's reason",
    2_000,
    blank=("Tulis alasan peninjauan.", "Write the review's reason."),
)
SENT = (
    "Bila alamat email atau NIP itu tercatat pada masukan ini, tautan konfirmasi telah dikirim ke "
    "alamat email masukan tersebut. Buka tautan itu untuk menyembunyikan masukan sambil menunggu "
    "peninjauan moderator.",
    "If that email address or NIP is on this comment, a confirmation link was sent to the comment's "
    "email address. Open it to hide the comment while a moderator reviews it.",
)


def _signer(secret: str) -> URLSafeTimedSerializer:
    if not secret:
        raise ValueError("confirmation links need the app secret")
    return URLSafeTimedSerializer(secret, salt=_SALT)


def confirmation_token(*, secret: str, disavowal_id: int, email: str) -> str:
    """Return a signed, timed token for one report and the address it was sent to."""
    return str(_signer(secret).dumps([disavowal_id, email]))


def _addresses(session: Session, *, comment: Comment) -> list[tuple[str, str, str]]:
    """Return (email, nip, where the confirmation goes) for each identity the comment carries."""
    found: list[tuple[str, str, str]] = []
    account = author_account(session, comment=comment)
    if account is not None and account.email:
        found.append((account.email.lower(), account.nip, account.email))
    origin = origins_of(session, comment_ids=[comment.id]).get(comment.id)  # type: ignore[arg-type]
    if origin is not None and origin.contact_email:
        found.append((origin.contact_email.lower(), origin.contact_nip, origin.contact_email))
    return found


def _match(session: Session, *, comment: Comment, email: str, nip: str) -> tuple[str, str] | None:
    email, nip = email.strip().lower(), nip.strip()
    for known_email, known_nip, send_to in _addresses(session, comment=comment):
        if email and email == known_email:
            return send_to, "email"
        if nip and known_nip and nip == known_nip:
            return send_to, "nip"
    return None


def report_not_me(
    session: Session,
    *,
    slug: str,
    comment_id: int,
    email: str = "",
    nip: str = "",
    statement: str = "",
    now: datetime | None = None,
) -> CommentDisavowal | None:
    """Record a "not me" report and send its confirmation link when the email or NIP matches.

    Returns the report (None when nothing matched); callers show the same answer either way.
    """
    if not email.strip() and not nip.strip():
        raise InvalidInput(
            "Isi alamat email atau NIP yang tercatat pada masukan itu.",
            en="Give the email address or the NIP the comment carries.",
            field="email",
        )
    if len(email) > 254 or len(nip) > 30:
        raise InvalidInput(
            "Email atau NIP terlalu panjang.", en="The email or NIP is too long.", field="email"
        )
    statement = STATEMENT.clean(statement)
    policy = get_policy(session, slug=slug)
    comment = comment_of(session, policy=policy, comment_id=comment_id)
    now = now or utcnow()
    matched = _match(session, comment=comment, email=email, nip=nip)
    if matched is None:
        return None
    send_to, how = matched
    earlier = recent_disavowal(session, comment_id=comment_id, email=send_to, since=now - AGAIN_AFTER)
    if earlier is not None:
        return earlier
    row = CommentDisavowal(
        comment_id=comment_id, email=send_to, matched_by=how, statement=statement, created_at=now
    )
    session.add(row)
    session.flush()
    enqueue(
        session,
        dedupe_key=f"comment-disavowal:{row.id}",
        template=TEMPLATE,
        channel=Channel.EMAIL,
        recipient=Recipient(account_id=None, email=send_to),
        due_at=now,
        policy_id=policy.id,
        context={
            "disavowal_id": row.id,
            "email": send_to,
            "comment_id": comment_id,
            "slug": policy.slug,
            "title": policy.title,
            "excerpt": " ".join(comment.body.split())[:200],
        },
    )
    session.flush()
    return row


def _hide(session: Session, *, comment: Comment, reason: str, now: datetime | None) -> None:
    comment.hidden_at = now
    comment.hidden_reason = reason
    comment.hidden_by_id = None
    session.add(comment)
    session.flush()
    if comment.campaign_id is not None:
        # The campaign's public face must stay a text the public may read.
        refresh_representative(session, campaign_id=comment.campaign_id)


def confirm_not_me(
    session: Session, *, token: str, secret: str, now: datetime | None = None
) -> CommentDisavowal:
    """Confirm a report from its email link: the comment is hidden pending review (again: harmless)."""
    try:
        disavowal_id, email = _signer(secret).loads(token, max_age=int(TOKEN_MAX_AGE.total_seconds()))
    except SignatureExpired as exc:
        raise InvalidInput(
            "Tautan konfirmasi ini sudah kedaluwarsa (berlaku 7 hari); laporkan lagi dari halaman masukan.",
            en="This confirmation link has expired (it works for 7 days); report again from the "
            "comment's page.",
            field="token",
        ) from exc
    except (BadSignature, ValueError, TypeError) as exc:
        raise InvalidInput(
            "Tautan konfirmasi ini tidak berlaku; salin seluruh tautan dari email.",
            en="This confirmation link is not valid; copy the whole link from the email.",
            field="token",
        ) from exc
    row = session.get(CommentDisavowal, disavowal_id) if isinstance(disavowal_id, int) else None
    if row is None or row.email != email:
        raise InvalidInput(
            "Tautan konfirmasi ini tidak berlaku; salin seluruh tautan dari email.",
            en="This confirmation link is not valid; copy the whole link from the email.",
            field="token",
        )
    if row.state != DisavowalState.PENDING:  # confirmed before: opening the link again is harmless
        return row
    now = now or utcnow()
    comment = session.get(Comment, row.comment_id)
    assert comment is not None  # a foreign key holds it
    row.state = DisavowalState.CONFIRMED
    row.confirmed_at = now
    if comment.hidden_at is None:
        row.hid_comment = True
        _hide(session, comment=comment, reason=HIDDEN_PENDING, now=now)
    session.add(row)
    session.flush()
    return row


def _report_of(session: Session, *, policy: Policy, disavowal_id: int) -> tuple[CommentDisavowal, Comment]:
    row = session.get(CommentDisavowal, disavowal_id)
    comment = session.get(Comment, row.comment_id) if row is not None else None
    if row is None or comment is None or comment.policy_id != policy.id:
        raise NotFound(
            f"Laporan 'bukan saya' {disavowal_id} tidak ditemukan pada kebijakan ini.",
            en=f"There is no 'not me' report {disavowal_id} on this policy.",
        )
    return row, comment


def review_not_me(
    session: Session,
    *,
    actor: Actor | None,
    slug: str,
    disavowal_id: int,
    upheld: bool,
    reason: str,
    now: datetime | None = None,
) -> CommentDisavowal:
    """Record a moderator's review: upheld keeps the comment hidden, rejected shows it again."""
    actor = require_role(actor, Role.MODERATOR)
    reason = REVIEW_REASON.clean(reason)
    policy = get_policy(session, slug=slug)
    row, comment = _report_of(session, policy=policy, disavowal_id=disavowal_id)
    if row.state == DisavowalState.PENDING:
        raise Conflict(
            "Laporan ini belum dikonfirmasi melalui tautan email; belum ada yang perlu ditinjau.",
            en="This report is not confirmed through its email link yet; there is nothing to review.",
        )
    if row.state in (DisavowalState.UPHELD, DisavowalState.REJECTED):
        raise Conflict(
            "Laporan ini sudah ditinjau; hasil peninjauannya tercatat.",
            en="This report was already reviewed; its review is on record.",
        )
    now = now or utcnow()
    row.state = DisavowalState.UPHELD if upheld else DisavowalState.REJECTED
    row.reviewed_at, row.reviewed_by_id, row.review_reason = now, actor.id, reason
    session.add(row)
    if row.hid_comment and upheld:
        comment.hidden_by_id = actor.id
        _hide(session, comment=comment, reason=f"{UPHELD_NOTE}: {reason}", now=comment.hidden_at or now)
    elif row.hid_comment:
        # Shown again; the review in the record says why it was hidden for a while.
        comment.hidden_at, comment.hidden_reason, comment.hidden_by_id = None, "", actor.id
        session.add(comment)
        session.flush()
        if comment.campaign_id is not None:
            refresh_representative(session, campaign_id=comment.campaign_id)
    session.flush()
    return row


def review_queue(
    session: Session, *, actor: Actor | None, slug: str | None, all_states: bool = False
) -> list[tuple[CommentDisavowal, Comment, Policy]]:
    """Return a policy's (None: every policy's) confirmed reports awaiting review, or every report."""
    require_role(actor, Role.MODERATOR)
    states = list(DisavowalState) if all_states else [DisavowalState.CONFIRMED]
    policy = get_policy(session, slug=slug) if slug is not None else None
    return disavowals_of_policy(session, policy=policy, states=states)


def reviews_on(session: Session, *, slug: str, comment_id: int) -> list[CommentDisavowal]:
    """Return the reviewed reports on a comment of the policy, oldest first (public: the record)."""
    comment = comment_of(session, policy=get_policy(session, slug=slug), comment_id=comment_id)
    return reviews_of(session, comment_ids=[comment.id]).get(comment.id, [])  # type: ignore[arg-type, list-item]


def why_obsolete(session: Session, reminder: Reminder, now: datetime) -> str:
    """Say why a confirmation email is no longer worth sending ("" while it still is)."""
    row = session.get(CommentDisavowal, reminder.context.get("disavowal_id"))
    if row is None:
        return "laporannya tidak ada lagi"
    if row.state != DisavowalState.PENDING:
        return "laporan sudah dikonfirmasi"
    return ""


def _current(now: datetime) -> Any:
    # Email only: no inbox lists these, so the SQL rule need not look inside the context.
    return sa.true()


def _extras(reminder: Reminder, *, base_url: str, secret: str) -> dict[str, Any]:
    ctx = reminder.context
    if not secret or not isinstance(ctx.get("disavowal_id"), int):
        return {"confirm_link": ""}
    token = confirmation_token(
        secret=secret, disavowal_id=ctx["disavowal_id"], email=str(ctx.get("email", ""))
    )
    return {"confirm_link": f"{base_url.rstrip('/')}{PAGE}?token={token}"}


def register() -> None:
    """Register the confirmation email's hooks with the outbox."""
    hooks.register(
        templates=(TEMPLATE,),
        hooks=hooks.TemplateHooks(obsolete=why_obsolete, current=_current, extras=_extras),
    )
