"""What the outbox asks about a request to confirm reading an adopted text: is it still owed.

The request's key names the adopted version (`ack-request:<version id>:…`). It is not worth
showing once its recipient confirmed reading that version, nor once the policy is withdrawn.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from policies.lifecycle.queries import policy_not_withdrawn
from policies.lifecycle.reminders import why_withdrawn
from policies.outbox import hooks
from policies.outbox.models import Reminder
from policies.rollout.queries import acknowledged_account_ids, acknowledgement_still_owed

ACK_REQUEST = "acknowledgement_request"
KEY_PREFIX = "ack-request"
# The request to read again after a change (policies/rollout/resocialization.py writes these).
REACK_REQUEST = "reacknowledgement_request"
REACK_PREFIX = "reack-request"


def why_obsolete(session: Session, reminder: Reminder, now: datetime) -> str:
    """Say why a reading request is no longer worth showing ("" while it is)."""
    withdrawn = why_withdrawn(session, reminder, now)
    if withdrawn:
        return withdrawn
    version_id = hooks.key_id(reminder, prefix=KEY_PREFIX)
    if version_id is not None and reminder.recipient_account_id in acknowledged_account_ids(
        session, version_id=version_id
    ):
        return "penerima sudah mengonfirmasi telah membaca"
    return ""


def _owed(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(policy_not_withdrawn(), acknowledgement_still_owed(prefix=KEY_PREFIX))


def _why_reack_obsolete(session: Session, reminder: Reminder, now: datetime) -> str:
    withdrawn = why_withdrawn(session, reminder, now)
    if withdrawn:
        return withdrawn
    version_id = hooks.key_id(reminder, prefix=REACK_PREFIX)
    if version_id is not None and reminder.recipient_account_id in acknowledged_account_ids(
        session, version_id=version_id
    ):
        return "penerima sudah mengonfirmasi telah membaca perubahan"
    return ""


def _reack_owed(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(policy_not_withdrawn(), acknowledgement_still_owed(prefix=REACK_PREFIX))


def register() -> None:
    """Register the reading requests' hooks with the outbox (the first reading, and again after changes)."""
    hooks.register(templates=(ACK_REQUEST,), hooks=hooks.TemplateHooks(obsolete=why_obsolete, current=_owed))
    hooks.register(
        templates=(REACK_REQUEST,),
        hooks=hooks.TemplateHooks(obsolete=_why_reack_obsolete, current=_reack_owed),
    )
