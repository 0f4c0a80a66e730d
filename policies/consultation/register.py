"""Finding a policy's comments and campaign groups, the lookups every register action starts with,
and the guarded insert of its one-per-key rows (a vote, a disposition)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from policies.consultation.models import Campaign, Comment, ConsultationWindow
from policies.core.errors import Conflict, NotFound
from policies.core.rows import child_row
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_policy


def comment_of(session: Session, *, policy: Policy, comment_id: int) -> Comment:
    """Return a comment of this policy or raise NotFound."""
    missing = (
        f"Masukan {comment_id} tidak ditemukan pada kebijakan ini.",
        f"There is no comment {comment_id} on this policy.",
    )
    return child_row(
        session, model=Comment, row_id=comment_id, parent=("policy_id", policy.id), missing=missing
    )


def get_comment(session: Session, *, slug: str, comment_id: int) -> Comment:
    """Return a comment of a policy or raise NotFound."""
    return comment_of(session, policy=get_policy(session, slug=slug), comment_id=comment_id)


def campaign_of(session: Session, *, policy: Policy, campaign_id: int) -> Campaign:
    """Return a campaign group of this policy or raise NotFound."""
    campaign = session.get(Campaign, campaign_id)
    window = session.get(ConsultationWindow, campaign.window_id) if campaign is not None else None
    if campaign is None or window is None or window.policy_id != policy.id:
        raise NotFound(
            f"Kelompok kampanye {campaign_id} tidak ditemukan pada kebijakan ini.",
            en=f"There is no campaign group {campaign_id} on this policy.",
        )
    return campaign


def insert_once(session: Session, row: SQLModel, *, refusal: Conflict) -> None:
    """Insert a row guarded by a unique key; a concurrent twin that won the key gets `refusal`."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise refusal from None


def get_campaign(session: Session, *, slug: str, campaign_id: int) -> Campaign:
    """Return a campaign group of a policy or raise NotFound."""
    return campaign_of(session, policy=get_policy(session, slug=slug), campaign_id=campaign_id)
