"""Tracking numbers at work: drawn for each comment, a receipt to its author, a public status page.

The status page needs no account: anyone holding the number sees the comment (unless a moderator
hid it), where its answer stands against the clock, the answer itself, and, once a later version
exists, what that version did to the text commented on. Nothing on it names the author beyond
what the public register already shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from policies.accounts.models import Account
from policies.consultation import clocks
from policies.consultation.attribution import attribution_of
from policies.consultation.models import AnchorStatus, Comment, ConsultationWindow, Disposition, Outcome
from policies.consultation.queries import clocks as queries
from policies.consultation.queries.anchors import anchors_of_comment
from policies.consultation.queries.voices import origins_of
from policies.consultation.reminders import RECEIPT
from policies.consultation.trace import LinkedElement, traces_of
from policies.consultation.tracking_numbers import EXAMPLE, new_tracking_number, normalize
from policies.core.errors import NotFound
from policies.drafting.queries import clause_heading, version_number
from policies.lifecycle.models import Policy, PolicyKind
from policies.outbox.models import Channel
from policies.outbox.notify import Recipient, notify

# Ten draws that all meet a number in use mean the generator is broken, not unlucky.
MAX_DRAWS = 10


def assign(session: Session, *, comment: Comment) -> Comment:
    """Give a new comment a tracking number no other comment has."""
    for _ in range(MAX_DRAWS):
        if not queries.tracking_number_taken(session, number=comment.tracking_number):
            return comment
        comment.tracking_number = new_tracking_number()
    raise RuntimeError("no free tracking number after ten draws")


def _unknown(typed: str) -> NotFound:
    shown = typed.strip()[:40]
    if normalize(typed) is None:
        return NotFound(
            f"'{shown}' bukan nomor pelacakan: nomor berbentuk seperti {EXAMPLE} (SKL lalu delapan huruf "
            "dan angka, tanpa 0, 1, I, L, O, U atau V). Periksa tanda terima Anda.",
            en=f"'{shown}' is not a tracking number: numbers look like {EXAMPLE} (SKL then eight letters "
            "and digits, without 0, 1, I, L, O, U or V). Check your receipt.",
            tracking_number=shown,
        )
    return NotFound(
        f"Tidak ada masukan dengan nomor pelacakan {normalize(typed)}. Periksa kembali nomor pada tanda "
        "terima Anda.",
        en=f"No comment has the tracking number {normalize(typed)}. Check the number on your receipt.",
        tracking_number=shown,
    )


@dataclass(frozen=True)
class TextFate:
    """What a later version did to the passage a comment is anchored to."""

    version_number: int
    status: AnchorStatus
    label: str
    change_label: str


@dataclass
class TrackingStatus:
    """Everything the public status page of a tracking number shows."""

    tracking_number: str
    policy_slug: str
    policy_title: str
    version_number: int
    clause_key: str
    clause_heading: str
    element_label: str
    is_reply: bool
    hidden: bool
    body: str
    stance: str
    created_at: datetime
    due_on: date | None
    state: clocks.ClockState | None
    outcome: Outcome | None = None
    reason: str = ""
    responded_at: datetime | None = None
    changes: list[LinkedElement] = field(default_factory=list)
    unchanged_reason: str = ""
    fates: list[TextFate] = field(default_factory=list)
    # An input an officer recorded says who gave it and where ("Disampaikan lisan oleh … pada …").
    attribution: str = ""
    attribution_en: str = ""


def tracking_status(session: Session, *, number: str, now: datetime) -> TrackingStatus:
    """Return the public status of the comment a tracking number names, or refuse helpfully."""
    canonical = normalize(number)
    found = queries.comment_by_tracking_number(session, number=canonical) if canonical else None
    if found is None:
        raise _unknown(number)
    comment, disposition, window, policy, kind = found
    hidden = comment.hidden_at is not None
    due = state = None
    if window is not None and comment.parent_id is None and not hidden:
        due = clocks.due_on(session, window=window, rules=kind.rules)
        answered = clocks.local_day(disposition.responded_at) if disposition is not None else None
        state = clocks.state_of(due=due, answered_on=answered, today=clocks.local_day(now))
    status = TrackingStatus(
        tracking_number=comment.tracking_number,
        policy_slug=policy.slug,
        policy_title=policy.title,
        version_number=version_number(session, version_id=comment.version_id),
        clause_key=comment.clause_key,
        clause_heading=clause_heading(session, version_id=comment.version_id, key=comment.clause_key),
        element_label=comment.element_label,
        is_reply=comment.parent_id is not None,
        hidden=hidden,
        # A hidden comment's text stays with the moderators; its author still learns it was hidden.
        body="" if hidden else comment.body,
        stance=comment.stance,
        created_at=comment.created_at,
        due_on=due,
        state=state,
    )
    if disposition is not None and not hidden:
        _answer(session, status=status, comment=comment, disposition=disposition)
    origin = None if hidden else origins_of(session, comment_ids=[comment.id]).get(comment.id)  # type: ignore[list-item]
    if origin is not None:
        status.attribution, status.attribution_en = (
            attribution_of(source=str(comment.source), who=comment.author_name, origin=origin, locale=lang)
            for lang in ("id", "en")
        )
    if not hidden:
        status.fates = [
            TextFate(number, anchor.status, anchor.label, anchor.change_label)
            for anchor, number in anchors_of_comment(session, comment_id=comment.id)  # type: ignore[arg-type]
        ]
    return status


def _answer(session: Session, *, status: TrackingStatus, comment: Comment, disposition: Disposition) -> None:
    status.outcome = Outcome(disposition.outcome)
    status.reason = disposition.reason
    status.responded_at = disposition.responded_at
    status.unchanged_reason = disposition.unchanged_reason
    (trace,) = traces_of(session, pairs=[(comment, disposition)])
    status.changes = trace.changes


def send_receipt(
    session: Session,
    *,
    comment: Comment,
    policy: Policy,
    now: datetime,
    address: str = "",
    heading: str | None = None,
) -> None:
    """Queue the receipt of a new comment or reply: to its author's inbox and email, or else by email
    to the address given (an offline input's contact); `heading` is the clause's, if the caller read it."""
    author = session.get(Account, comment.author_id) if comment.author_id is not None else None
    if author is not None:
        recipient = Recipient.of(author)
    elif address:
        # Recorded by an officer for someone without an account: the email reaches them all the same.
        recipient = Recipient(account_id=None, email=address)
    else:
        return  # nobody to write to: the officer hands the number over
    due_on = _due_on(session, comment=comment)
    due = clocks.noon_of(due_on) if due_on is not None else None
    # One statement to look the keys up and one to insert both: this runs inside every comment POST.
    notify(
        session,
        key=f"comment-receipt:{comment.id}",
        template=RECEIPT,
        recipients=[recipient],
        due_at=now,
        policy=policy,
        context={
            "title": policy.title,
            "slug": policy.slug,
            "tracking_number": comment.tracking_number,
            "clause_heading": heading
            if heading is not None
            else clause_heading(session, version_id=comment.version_id, key=comment.clause_key),
            "element_label": comment.element_label,
            "is_reply": comment.parent_id is not None,
            "due_on": due.isoformat() if due is not None else None,
            "sent_at": comment.created_at.isoformat(),
        },
        channels=(Channel.INBOX, Channel.EMAIL),
    )


@dataclass(frozen=True)
class Receipt:
    """What the page shows its author right after a comment or reply is sent."""

    tracking_number: str
    due_on: date | None


def _due_on(session: Session, *, comment: Comment) -> date | None:
    """Return the day a comment's answer is due (a reply is owed none)."""
    window = session.get(ConsultationWindow, comment.window_id) if comment.window_id is not None else None
    policy = session.get(Policy, comment.policy_id)
    kind = session.get(PolicyKind, policy.kind_id) if policy is not None else None
    if comment.parent_id is None and window is not None and kind is not None:
        return clocks.due_on(session, window=window, rules=kind.rules)
    return None


def receipt_for(session: Session, *, comment_id: int, author_id: int | None) -> Receipt | None:
    """Return the receipt of one's own comment (None for someone else's, or none at all)."""
    comment = session.get(Comment, comment_id)
    if comment is None or author_id is None or comment.author_id != author_id:
        return None
    return Receipt(tracking_number=comment.tracking_number, due_on=_due_on(session, comment=comment))
