"""What the outbox asks about survey messages: is the respondent still able to answer, and their link.

A message to a respondent carries their id and salt, never the token: with the app secret the
deliverer rebuilds the personal link when it sends. It is worth sending only while the round is
open and the link has not been reissued. Whether the respondent has answered is never asked: a
reminder cancelled, skipped or missing for one person would tell whoever reads the outbox that they
answered, and roughly when. So every invited respondent gets the same reminders, which say that
someone who has answered can ignore them (and check their receipt).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from policies.evaluation.models import SurveyRespondent, SurveyRound
from policies.evaluation.queries import link_still_current, still_answerable
from policies.evaluation.tokens import derive_token, survey_link
from policies.outbox import hooks
from policies.outbox.models import Reminder

INVITATION = "survey_invitation"
REMINDER = "survey_reminder"
REISSUED = "survey_link_reissued"
RESPONDENT_TEMPLATES = (INVITATION, REMINDER, REISSUED)
# With the app secret these rebuild a respondent's personal link; only the deliverer reads them.
PRIVATE_CONTEXT = frozenset({"token_salt", "respondent_id"})


def respondent_key_prefix(round_id: int) -> str:
    """Return the outbox key prefix of everything sent to a round's respondents."""
    return f"survey:{round_id}:respondent:"


def why_obsolete(session: Session, reminder: Reminder, now: datetime) -> str:
    """Say why a message to a respondent is no longer worth sending ("" when it still is)."""
    round_id, respondent_id = reminder.context.get("round_id"), reminder.context.get("respondent_id")
    survey = session.get(SurveyRound, round_id) if isinstance(round_id, int) else None
    person = session.get(SurveyRespondent, respondent_id) if isinstance(respondent_id, int) else None
    if survey is None or person is None:
        return "putaran survei atau respondennya tidak ada lagi"
    if survey.closed_at is not None or now >= survey.closes_at:
        return "putaran survei sudah ditutup"
    if person.token_salt != reminder.context.get("token_salt"):
        return "tautan responden sudah diterbitkan ulang"
    return ""


def why_link_obsolete(session: Session, reminder: Reminder, now: datetime) -> str:
    """Say why a reissue notice is no longer worth sending: the round closed or the link changed again."""
    round_id, respondent_id = reminder.context.get("round_id"), reminder.context.get("respondent_id")
    survey = session.get(SurveyRound, round_id) if isinstance(round_id, int) else None
    person = session.get(SurveyRespondent, respondent_id) if isinstance(respondent_id, int) else None
    if survey is None or person is None:
        return "putaran survei atau respondennya tidak ada lagi"
    if survey.closed_at is not None or now >= survey.closes_at:
        return "putaran survei sudah ditutup"
    if person.token_salt != reminder.context.get("token_salt"):
        return "tautan responden sudah diterbitkan ulang"
    return ""


def personal_link(reminder: Reminder, *, base_url: str, secret: str) -> str:
    """Rebuild a respondent's survey link from the message's ids and salt ("" without the secret)."""
    ctx = reminder.context
    if not secret or not ctx.get("token_salt"):
        return ""
    token = derive_token(
        secret=secret,
        round_id=int(ctx["round_id"]),
        respondent_id=int(ctx["respondent_id"]),
        salt=str(ctx["token_salt"]),
    )
    return survey_link(base_url=base_url, token=token)


def _extras(reminder: Reminder, *, base_url: str, secret: str) -> dict[str, Any]:
    return {"survey_link": personal_link(reminder, base_url=base_url, secret=secret)}


def register() -> None:
    """Register the respondent messages' hooks with the outbox."""
    hooks.register(
        templates=(INVITATION, REMINDER),
        hooks=hooks.TemplateHooks(
            obsolete=why_obsolete,
            current=still_answerable,
            extras=_extras,
            private=PRIVATE_CONTEXT,
            # Nothing about them depends on answering any more; the operator still sees no recipient,
            # so the outbox stays no richer a source than the population list.
            anonymous=True,
        ),
    )
    hooks.register(
        templates=(REISSUED,),
        hooks=hooks.TemplateHooks(
            obsolete=why_link_obsolete, current=link_still_current, extras=_extras, private=PRIVATE_CONTEXT
        ),
    )
