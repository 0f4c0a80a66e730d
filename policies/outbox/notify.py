"""The reminder outbox: enqueue once (dedupe key), find what is due, record delivery, the inbox."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from policies.accounts.models import Account
from policies.core.db import utcnow
from policies.core.errors import NotFound
from policies.core.i18n import LOCALES
from policies.evaluation.models import SurveyRespondent, SurveyRound
from policies.evaluation.tokens import RESPONDENT_TEMPLATES
from policies.lifecycle.models import Policy
from policies.outbox.message_text import personal_link as personal_link
from policies.outbox.message_text import render_email as render_email
from policies.outbox.models import Channel, DeliveryState, Reminder

# A claimed email is not claimed again for this long, so two deliverers never send it twice.
CLAIM_LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class Recipient:
    """Someone a reminder goes to: an account, or only an address."""

    account_id: int | None
    email: str
    locale: str = "id"

    @classmethod
    def of(cls, account: Account) -> Recipient:
        """Address an account in its own language."""
        return cls(account_id=account.id, email=account.email, locale=account.locale or "id")


def enqueue(
    session: Session,
    *,
    dedupe_key: str,
    template: str,
    channel: Channel,
    recipient: Recipient,
    due_at: datetime,
    policy_id: int | None = None,
    context: dict[str, Any] | None = None,
) -> tuple[Reminder, bool]:
    """Add a reminder unless one with the same key exists; tell whether it is new."""
    existing = session.exec(select(Reminder).where(Reminder.dedupe_key == dedupe_key)).first()
    if existing is not None:
        return existing, False
    reminder = Reminder(
        dedupe_key=dedupe_key[:300],
        template=template,
        channel=channel,
        recipient_account_id=recipient.account_id,
        recipient_email=recipient.email,
        locale=recipient.locale if recipient.locale in LOCALES else "id",
        policy_id=policy_id,
        context=context or {},
        due_at=due_at,
    )
    # A concurrent enqueue of the same key loses on the unique constraint; the savepoint keeps
    # the caller's transaction usable.
    try:
        with session.begin_nested():
            session.add(reminder)
    except IntegrityError:
        found = session.exec(select(Reminder).where(Reminder.dedupe_key == dedupe_key)).first()
        if found is None:
            raise  # not the concurrent duplicate: a real refusal, which must not be hidden
        return found, False
    return reminder, True


def notify(
    session: Session,
    *,
    key: str,
    template: str,
    recipients: Iterable[Recipient],
    due_at: datetime,
    policy: Policy | None = None,
    context: dict[str, Any] | None = None,
    channels: Iterable[Channel] = (Channel.EMAIL,),
) -> int:
    """Enqueue one reminder per recipient and channel (keys `<key>:<channel>:<recipient>`)."""
    created = 0
    for person in recipients:
        who = f"a{person.account_id}" if person.account_id is not None else person.email.lower()
        for channel in channels:
            if channel is Channel.EMAIL and not person.email:
                continue
            if channel is Channel.INBOX and person.account_id is None:
                continue
            _, new = enqueue(
                session,
                dedupe_key=f"{key}:{channel.value}:{who}",
                template=template,
                channel=channel,
                recipient=person,
                due_at=due_at,
                policy_id=policy.id if policy else None,
                context=context,
            )
            created += new
    session.flush()
    return created


def policy_context(policy: Policy, **extra: Any) -> dict[str, Any]:
    """Return what every template says about a policy (JSON-safe: datetimes as ISO text)."""
    ctx: dict[str, Any] = {"title": policy.title, "slug": policy.slug, "cycle": policy.cycle}
    for name, value in extra.items():
        ctx[name] = value.isoformat() if isinstance(value, datetime) else value
    return ctx


def due_reminders(
    session: Session, *, now: datetime, channel: Channel | None = None, limit: int = 100
) -> list[Reminder]:
    """Return pending reminders whose time has come, oldest first."""
    stmt = select(Reminder).where(Reminder.state == DeliveryState.PENDING, Reminder.due_at <= now)
    if channel is not None:
        stmt = stmt.where(Reminder.channel == channel)
    return list(session.exec(stmt.order_by(col(Reminder.due_at), col(Reminder.id)).limit(limit)))


def why_obsolete(session: Session, *, reminder: Reminder, now: datetime) -> str:
    """Say why a reminder is no longer worth sending ("" when it still is)."""
    if reminder.template not in RESPONDENT_TEMPLATES:
        return ""
    round_id, respondent_id = reminder.context.get("round_id"), reminder.context.get("respondent_id")
    survey = session.get(SurveyRound, round_id) if isinstance(round_id, int) else None
    person = session.get(SurveyRespondent, respondent_id) if isinstance(respondent_id, int) else None
    if survey is None or person is None:
        return "putaran survei atau respondennya tidak ada lagi"
    if survey.closed_at is not None or now >= survey.closes_at:
        return "putaran survei sudah ditutup"
    if person.responded_at is not None:
        return "responden sudah menjawab"
    if person.token_salt != reminder.context.get("token_salt"):
        return "tautan responden sudah diterbitkan ulang"
    return ""


def _cancel(session: Session, reminder: Reminder, reason: str) -> None:
    reminder.state = DeliveryState.CANCELLED
    reminder.last_error = f"Dibatalkan saat dikirim: {reason}."
    session.add(reminder)
    session.flush()


def claim(session: Session, *, reminder_id: int, now: datetime, lease: timedelta = CLAIM_LEASE) -> bool:
    """Take a due reminder for one delivery attempt; only one deliverer wins, an obsolete one is cancelled."""
    result = session.execute(
        sa.update(Reminder)
        .where(
            col(Reminder.id) == reminder_id,
            Reminder.state == DeliveryState.PENDING,
            col(Reminder.due_at) <= now,
        )
        .values(due_at=now + lease, attempts=Reminder.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    reminder = _get(session, reminder_id)
    session.refresh(reminder)
    # Checked when sending, not only when queueing: a backlog must not outlive what it was about.
    reason = why_obsolete(session, reminder=reminder, now=now)
    if reason:
        _cancel(session, reminder, reason)
        return False
    return True


def record_sent(session: Session, *, reminder_id: int, now: datetime) -> Reminder:
    """Record a successful delivery."""
    reminder = _get(session, reminder_id)
    reminder.state = DeliveryState.SENT
    reminder.sent_at = now
    reminder.last_error = ""
    session.add(reminder)
    session.flush()
    return reminder


def retry_delay(attempts: int) -> timedelta:
    """Wait 2, 4, 8 … minutes after each failed attempt, at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts, 1)), MAX_BACKOFF)


def record_failure(
    session: Session, *, reminder_id: int, error: str, now: datetime, max_attempts: int
) -> Reminder:
    """Record a failed attempt: retry later with backoff, or give up after the last attempt."""
    reminder = _get(session, reminder_id)
    reminder.last_error = error[:2000]
    if reminder.attempts >= max_attempts:
        reminder.state = DeliveryState.FAILED
    else:
        reminder.due_at = now + retry_delay(reminder.attempts)
    session.add(reminder)
    session.flush()
    return reminder


def deliver_inbox(session: Session, *, now: datetime) -> int:
    """Make due inbox reminders visible in their recipient's inbox (obsolete survey ones are cancelled)."""
    respondents = session.exec(
        select(Reminder).where(
            Reminder.channel == Channel.INBOX,
            Reminder.state == DeliveryState.PENDING,
            col(Reminder.due_at) <= now,
            col(Reminder.template).in_(RESPONDENT_TEMPLATES),
        )
    ).all()
    for reminder in respondents:
        reason = why_obsolete(session, reminder=reminder, now=now)
        if reason:
            _cancel(session, reminder, reason)
    result = session.execute(
        sa.update(Reminder)
        .where(_inbox_due(now))
        # Delivered when it became readable, not when this sweep happened to pass.
        .values(state=DeliveryState.SENT, sent_at=Reminder.due_at, attempts=Reminder.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _inbox_due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        Reminder.channel == Channel.INBOX,
        Reminder.state == DeliveryState.PENDING,
        col(Reminder.due_at) <= now,
    )


def _still_current(now: datetime) -> sa.ColumnElement[bool]:
    """Hold for a reminder not to a respondent, or to one who can still answer (why_obsolete in SQL)."""
    ctx = col(Reminder.context)
    answerable = (
        sa.select(SurveyRespondent.id)
        .join(SurveyRound, col(SurveyRound.id) == SurveyRespondent.round_id)
        .where(
            col(SurveyRespondent.id) == ctx["respondent_id"].as_integer(),
            col(SurveyRound.id) == ctx["round_id"].as_integer(),
            col(SurveyRespondent.token_salt) == ctx["token_salt"].as_string(),
            col(SurveyRespondent.responded_at).is_(None),
            col(SurveyRound.closed_at).is_(None),
            col(SurveyRound.closes_at) > now,
        )
    )
    return sa.or_(col(Reminder.template).not_in(RESPONDENT_TEMPLATES), answerable.exists())


def cancel_pending(session: Session, *, policy_id: int, keep_templates: Iterable[str] = ()) -> int:
    """Cancel every reminder of a policy that has not gone out yet (except the templates kept)."""
    result = session.execute(
        sa.update(Reminder)
        .where(
            Reminder.policy_id == policy_id,
            Reminder.state == DeliveryState.PENDING,
            col(Reminder.template).not_in(list(keep_templates)),
        )
        .values(state=DeliveryState.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def inbox(
    session: Session,
    *,
    account_id: int,
    unread_only: bool = False,
    limit: int = 100,
    now: datetime | None = None,
) -> list[Reminder]:
    """List an account's inbox messages, newest first: delivered ones and pending ones already due.

    A due inbox reminder is readable at once; the sweep that records it as delivered comes later,
    and cancels a survey message whose respondent answered meanwhile: that one is not shown now.
    """
    now = now or utcnow()
    stmt = select(Reminder).where(
        Reminder.recipient_account_id == account_id,
        sa.or_(
            sa.and_(Reminder.channel == Channel.INBOX, Reminder.state == DeliveryState.SENT),
            sa.and_(_inbox_due(now), _still_current(now)),
        ),
    )
    if unread_only:
        stmt = stmt.where(col(Reminder.read_at).is_(None))
    shown_at = sa.func.coalesce(col(Reminder.sent_at), col(Reminder.due_at))
    return list(session.exec(stmt.order_by(shown_at.desc(), col(Reminder.id).desc()).limit(limit)))


def mark_read(
    session: Session, *, account_id: int, reminder_id: int, now: datetime | None = None
) -> Reminder:
    """Mark one of the account's inbox messages read; marking twice keeps the first time."""
    now = now or utcnow()
    reminder = session.get(Reminder, reminder_id)
    visible = reminder is not None and (
        reminder.state == DeliveryState.SENT
        or (
            reminder.state == DeliveryState.PENDING
            and reminder.due_at <= now
            and not why_obsolete(session, reminder=reminder, now=now)
        )
    )
    if (
        reminder is None
        or not visible
        or reminder.recipient_account_id != account_id
        or reminder.channel != Channel.INBOX
    ):
        raise NotFound(
            f"Pesan {reminder_id} tidak ditemukan di kotak masuk Anda.",
            en=f"Message {reminder_id} is not in your inbox.",
        )
    if reminder.state == DeliveryState.PENDING:  # read before the sweep recorded its delivery
        reminder.state, reminder.sent_at = DeliveryState.SENT, reminder.due_at
    if reminder.read_at is None:
        reminder.read_at = now
    session.add(reminder)
    session.flush()
    return reminder


def outbox_counts(session: Session) -> dict[tuple[str, str], int]:
    """Count reminders by channel and state (what an operator checks first)."""
    stmt = select(Reminder.channel, Reminder.state, func.count()).group_by(
        col(Reminder.channel), col(Reminder.state)
    )
    return {(str(c), str(s)): int(n) for c, s, n in session.exec(stmt)}


def _get(session: Session, reminder_id: int) -> Reminder:
    reminder = session.get(Reminder, reminder_id)
    if reminder is None:
        raise NotFound(f"Pengingat {reminder_id} tidak ditemukan.", en=f"Reminder {reminder_id} not found.")
    return reminder
