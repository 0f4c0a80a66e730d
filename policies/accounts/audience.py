"""Who hears about a stage: the people each notification goes to, by role, unit and group."""

from __future__ import annotations

from sqlmodel import Session, col, select

from policies.accounts.models import Account, Role
from policies.lifecycle.models import Policy
from policies.outbox.models import Reminder
from policies.outbox.notify import Recipient


def _accounts(session: Session, *conditions: object) -> list[Recipient]:
    stmt = select(Account).where(col(Account.active).is_(True), *conditions).order_by(col(Account.id))
    return [Recipient.of(a) for a in session.exec(stmt)]


def drafters(session: Session, *, policy: Policy) -> list[Recipient]:
    """The drafters of the policy's owning unit."""
    return _accounts(session, Account.role == Role.DRAFTER, Account.unit == policy.unit)


def unit_heads(session: Session, *, policy: Policy) -> list[Recipient]:
    """Whoever answers for the unit: its admins, or every admin when the unit has none."""
    own = _accounts(session, Account.role == Role.ADMIN, Account.unit == policy.unit)
    return own or _accounts(session, Account.role == Role.ADMIN)


def workshop_participants(session: Session, *, policy: Policy) -> list[Recipient]:
    """Civil servants and unions: the ASN a personnel policy is discussed with first."""
    return _accounts(
        session,
        Account.role == Role.STAKEHOLDER,
        col(Account.group).in_(["asn", "union"]),
    )


def stakeholders(session: Session, *, policy: Policy) -> list[Recipient]:
    """Everyone who may comment on a public consultation."""
    return _accounts(session, Account.role == Role.STAKEHOLDER)


def affected_asn(session: Session, *, policy: Policy) -> list[Recipient]:
    """The civil servants (any unit of the region) an adopted personnel policy applies to."""
    return _accounts(session, Account.group == "asn")


def everyone_notified(session: Session, *, policy: Policy) -> list[Recipient]:
    """Accounts that were told about this policy before, and its drafters."""
    ids = set(
        session.exec(
            select(Reminder.recipient_account_id).where(
                Reminder.policy_id == policy.id, col(Reminder.recipient_account_id).is_not(None)
            )
        )
    )
    found = _accounts(session, col(Account.id).in_(ids)) if ids else []
    seen = {r.account_id for r in found}
    return found + [d for d in drafters(session, policy=policy) if d.account_id not in seen]
