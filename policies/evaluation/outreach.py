"""Reaching respondents: an invitation with the personal link, then reminders until they answer.

LimeSurvey-like: at most `reminder_max` reminders per respondent, at least `reminder_interval_days`
apart counted from the invitation, none once the round has closed. Messages carry the respondent's
id and salt, never the token: the deliverer derives the link with the app secret when it sends.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from policies.accounts.models import Account
from policies.evaluation import queries
from policies.evaluation.common import policy_of
from policies.evaluation.models import SurveyLinkIssue, SurveyRespondent, SurveyRound
from policies.evaluation.reminders import (
    INVITATION,
    REISSUED,
    REMINDER,
    RESPONDENT_TEMPLATES,
    respondent_key_prefix,
)
from policies.evaluation.tokens import salt_mark
from policies.lifecycle.models import Policy
from policies.outbox.models import Channel
from policies.outbox.notify import Recipient, cancel_keyed, enqueue, notify, policy_context

CHANNELS = (Channel.EMAIL, Channel.INBOX)


def is_open(survey: SurveyRound, *, now: datetime) -> bool:
    """Tell whether a round takes answers at this moment."""
    return survey.closed_at is None and survey.opens_at <= now < survey.closes_at


def _recipient(session: Session, person: SurveyRespondent) -> Recipient:
    locale = "id"
    if person.account_id is not None:
        account = session.get(Account, person.account_id)
        locale = account.locale if account is not None and account.locale else "id"
    return Recipient(account_id=person.account_id, email=person.email, locale=locale)


def _send(
    session: Session,
    *,
    policy: Policy,
    survey: SurveyRound,
    person: SurveyRespondent,
    what: str,
    template: str,
    now: datetime,
    **extra: Any,
) -> int:
    """Queue one message to a respondent, by email and in their inbox; its key names `what` it is."""
    return notify(
        session,
        key=f"{respondent_key_prefix(survey.id)}{person.id}:{what}",  # type: ignore[arg-type]
        template=template,
        recipients=[_recipient(session, person)],
        due_at=now,
        policy=policy,
        context={
            "slug": policy.slug,
            "title": policy.title,
            "cycle": survey.cycle,
            "round_id": survey.id,
            "round_number": survey.number,
            "closes_at": survey.closes_at.isoformat(),
            "name": person.name,
            # With the app secret these rebuild the personal link at delivery; alone they are useless.
            "respondent_id": person.id,
            "token_salt": person.token_salt,
            **extra,
            "reminder_max": survey.reminder_max,
        },
        channels=CHANNELS,
    )


def invite_respondents(session: Session, *, survey: SurveyRound, now: datetime) -> int:
    """Queue an invitation for every respondent of an open round not yet invited; return how many."""
    if not is_open(survey, now=now):
        return 0
    policy = policy_of(session, survey=survey)
    waiting = queries.uninvited_respondents(session, round_id=survey.id)  # type: ignore[arg-type]
    count = 0
    for person in waiting:
        count += _send(
            session,
            policy=policy,
            survey=survey,
            person=person,
            # A reissued link gets a new invitation; the key names the salt by a fingerprint only.
            what=f"invitation:{salt_mark(person.token_salt)}",
            template=INVITATION,
            now=now,
        )
        # Reminders count from here, also for someone the evaluator has to hand the link to.
        person.invited_at = now
        session.add(person)
    session.flush()
    return count


def tell_reissued(
    session: Session, *, survey: SurveyRound, person: SurveyRespondent, issue: SurveyLinkIssue, now: datetime
) -> int:
    """Tell a respondent their link was reissued (by whom, when, why), with the new link, now."""
    return _send(
        session,
        policy=policy_of(session, survey=survey),
        survey=survey,
        person=person,
        what=f"reissued:{salt_mark(person.token_salt)}",
        template=REISSUED,
        now=now,
        issued_by=issue.issued_by_name,
        issued_at=issue.issued_at.isoformat(),
        reason=issue.reason,
    )


def remind_respondents(session: Session, *, survey: SurveyRound, now: datetime) -> int:
    """Queue the reminders owed now to invited respondents who have not answered."""
    if not is_open(survey, now=now) or survey.reminder_max <= 0:
        return 0
    policy = policy_of(session, survey=survey)
    gap = timedelta(days=survey.reminder_interval_days)
    pending = queries.respondents_to_remind(
        session,
        round_id=survey.id,  # type: ignore[arg-type]
        reminder_max=survey.reminder_max,
    )
    count = 0
    for person in pending:
        last = person.last_reminded_at or person.invited_at
        assert last is not None  # filtered above
        if now - last < gap or not (person.email or person.account_id):
            continue
        number = person.reminders_sent + 1
        count += _send(
            session,
            policy=policy,
            survey=survey,
            person=person,
            what=f"reminder:{number}",
            template=REMINDER,
            now=now,
            reminder_number=number,
        )
        person.reminders_sent, person.last_reminded_at = number, now
        session.add(person)
    session.flush()
    return count


def cancel_for_round(session: Session, *, survey: SurveyRound) -> int:
    """Cancel every invitation and reminder of a round that has not gone out (the round closed)."""
    prefix = respondent_key_prefix(survey.id)  # type: ignore[arg-type]
    return cancel_keyed(session, key_prefix=prefix, templates=RESPONDENT_TEMPLATES)


def cancel_for_respondent(session: Session, *, survey: SurveyRound, respondent_id: int) -> int:
    """Cancel what is still pending for one respondent (their link is being replaced)."""
    prefix = f"{respondent_key_prefix(survey.id)}{respondent_id}:"  # type: ignore[arg-type]
    return cancel_keyed(session, key_prefix=prefix, templates=RESPONDENT_TEMPLATES)


def notify_staff(
    session: Session,
    *,
    policy: Policy,
    key: str,
    template: str,
    now: datetime,
    evaluators: bool = True,
    **context: Any,
) -> int:
    """Email the policy's drafters (and every evaluator, unless told not to) once per key; return how many."""
    count = 0
    for account in queries.staff_to_notify(session, policy=policy, evaluators=evaluators):
        _, new = enqueue(
            session,
            dedupe_key=f"{key}:{account.id}",
            template=template,
            channel=Channel.EMAIL,
            recipient=Recipient.of(account),
            due_at=now,
            policy_id=policy.id,
            context=policy_context(policy, **context),
        )
        count += new
    session.flush()
    return count
