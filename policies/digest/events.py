"""Recording what happened to a policy for the people interested in it, each as they chose to hear.

Who hears: the accounts that follow the policy or commented on it (or, for an answer or a reply,
the comment's author). How: each account's cadence for the kind of event. Immediately keeps
today's behaviour (a notice through the outbox, now); daily and weekly record a `DigestEvent`, which
the digest sweep groups into one message; off records nothing. An event's key makes it exist once
per account, so a step that runs twice records nothing new.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlmodel import Session

from policies.accounts.models import Account
from policies.core.i18n import stage_name
from policies.digest import queries
from policies.digest.models import Cadence, EventKind
from policies.lifecycle.models import Policy
from policies.outbox.models import Channel
from policies.outbox.notify import Recipient, notify

POLICY_EVENT = "policy_event"


def record(
    session: Session,
    *,
    policy: Policy,
    kind: EventKind,
    key: str,
    accounts: Sequence[Account],
    now: datetime,
    context: dict[str, str],
) -> list[Account]:
    """Record the event for each account that wants it in a digest; return those who want it now."""
    cadences = queries.cadences_for(
        session, account_ids=[a.id for a in accounts if a.id is not None], kind=kind
    )
    immediate: list[Account] = []
    rows = []
    for account in accounts:
        cadence = cadences.get(account.id, Cadence.IMMEDIATE)  # type: ignore[arg-type]
        if cadence is Cadence.IMMEDIATE:
            immediate.append(account)
        elif cadence is not Cadence.OFF:
            rows.append(
                {
                    "dedupe_key": f"{key}:a{account.id}"[:300],
                    "account_id": account.id,
                    "policy_id": policy.id,
                    "kind": kind.value,
                    "cadence": cadence.value,
                    "occurred_at": now,
                    "context": {"title": policy.title, "slug": policy.slug, "kind": kind.value, **context},
                    "digest_key": "",
                }
            )
    session.flush()  # what the caller added goes first (the rows are written past the ORM)
    queries.insert_events(session, rows=rows)
    return immediate


def announce(
    session: Session,
    *,
    policy: Policy,
    kind: EventKind,
    key: str,
    now: datetime,
    context: dict[str, str],
    accounts: Sequence[Account] | None = None,
    already_told: Collection[int] = (),
) -> int:
    """Tell the interested accounts (or those given) of an event as each chose; count the notices sent now.

    `already_told`: the accounts a notice of their role already tells of this very event now (the
    stage's own notices): one notice is enough, so they get no second one.
    """
    if accounts is None:
        accounts = queries.interested_accounts(session, policy_id=policy.id or 0)
    people = list(accounts)
    immediate = record(session, policy=policy, kind=kind, key=key, accounts=people, now=now, context=context)
    return notify(
        session,
        key=f"event:{key}",
        template=POLICY_EVENT,
        recipients=[Recipient.of(a) for a in immediate if a.id not in already_told],
        due_at=now,
        policy=policy,
        context={"title": policy.title, "slug": policy.slug, "kind": kind.value, **context},
        channels=(Channel.EMAIL, Channel.INBOX),
    )


def news_audience(session: Session, *, policy: Policy, recipients: Sequence[Recipient]) -> list[Recipient]:
    """Keep, of a stage's news notice's audience, those who want stage news now.

    A follower or commenter who chose a digest or nothing for a new stage hears of it that way (or
    not at all), not also by the role's immediate notice. Duty notices (an acknowledgement to give,
    a workshop to attend) do not come through here: a preference never drops them.
    """
    quiet = queries.not_now(session, policy_id=policy.id or 0, kind=EventKind.STAGE)
    return [r for r in recipients if r.account_id is None or r.account_id not in quiet]


def stage_context(*, stage: str) -> dict[str, str]:
    """Say, in both languages, that a policy entered a stage."""
    return {
        "text": f"Memasuki tahap {stage_name(stage)}.",
        "text_en": f"Entered the {stage_name(stage, locale='en')} stage.",
        "path": "",
    }


def version_context(*, number: int) -> dict[str, str]:
    """Say, in both languages, that a version was published."""
    return {
        "text": f"Versi {number} diterbitkan.",
        "text_en": f"Version {number} was published.",
        "path": f"/versions/{number}",
    }


def survey_context(*, round_number: int, closes_on: str) -> dict[str, str]:
    """Say, in both languages, that a survey round opened and until when."""
    return {
        "text": f"Survei putaran {round_number} dibuka sampai {closes_on}.",
        "text_en": f"Survey round {round_number} is open until {closes_on}.",
        "path": "",
    }


def comment_context(
    *, kind: EventKind, clause_heading: str, version: int, clause_key: str, comment_id: int
) -> dict[str, str]:
    """Say, in both languages, that my comment was answered or replied to, with where to read it."""
    if kind is EventKind.ANSWER:
        text, text_en = (
            f"Masukan Anda pada {clause_heading} dijawab.",
            f"Your comment on {clause_heading} was answered.",
        )
    else:
        text, text_en = (
            f"Ada balasan atas masukan Anda pada {clause_heading}.",
            f"Your comment on {clause_heading} has a reply.",
        )
    return {
        "text": text,
        "text_en": text_en,
        "path": f"/versions/{version}/clauses/{clause_key}#comment-{comment_id}",
    }
