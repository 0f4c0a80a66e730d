"""Who hears about a stage: the people each notification goes to, by role, unit and group."""

from __future__ import annotations

from sqlmodel import Session

from policies.accounts.models import Account, Role
from policies.accounts.queries import active_accounts
from policies.lifecycle.models import Policy
from policies.outbox.notify import Recipient
from policies.outbox.queries import notified_account_ids


def _recipients(accounts: list[Account]) -> list[Recipient]:
    return [Recipient.of(a) for a in accounts]


def drafters(session: Session, *, policy: Policy) -> list[Recipient]:
    """The drafters of the policy's owning unit."""
    return _recipients(active_accounts(session, role=Role.DRAFTER, unit=policy.unit))


def unit_heads(session: Session, *, policy: Policy) -> list[Recipient]:
    """Whoever answers for the unit: its admins, or every admin when the unit has none."""
    own = _recipients(active_accounts(session, role=Role.ADMIN, unit=policy.unit))
    return own or _recipients(active_accounts(session, role=Role.ADMIN))


def workshop_participants(session: Session, *, policy: Policy) -> list[Recipient]:
    """Civil servants and unions: the ASN a personnel policy is discussed with first."""
    return _recipients(active_accounts(session, role=Role.STAKEHOLDER, groups=["asn", "union"]))


def stakeholders(session: Session, *, policy: Policy) -> list[Recipient]:
    """Everyone who may comment on a public consultation."""
    return _recipients(active_accounts(session, role=Role.STAKEHOLDER))


def affected_asn(session: Session, *, policy: Policy) -> list[Recipient]:
    """The civil servants (any unit of the region) an adopted personnel policy applies to."""
    return _recipients(active_accounts(session, group="asn"))


def everyone_notified(session: Session, *, policy: Policy) -> list[Recipient]:
    """Accounts that were told about this policy before, and its drafters."""
    ids = notified_account_ids(session, policy_id=policy.id)  # type: ignore[arg-type]
    found = _recipients(active_accounts(session, ids=ids)) if ids else []
    seen = {r.account_id for r in found}
    return found + [d for d in drafters(session, policy=policy) if d.account_id not in seen]
