"""What a visitor may read: unpublished texts and reports are for the owning unit and admins only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation.record import chosen_windows
from policies.consultation.report import ReportData, build_report
from policies.core.errors import NotFound
from policies.drafting.models import DraftVersion
from policies.drafting.queries import get_version
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_policy


def is_owner(actor: Actor | None, *, policy: Policy) -> bool:
    """Tell whether the actor is an admin or a drafter of the policy's owning unit."""
    if actor is None:
        return False
    return actor.role is Role.ADMIN or (actor.role is Role.DRAFTER and actor.unit == policy.unit)


def readable_version(
    session: Session, *, actor: Actor | None, slug: str, number: int
) -> tuple[Policy, DraftVersion]:
    """Return a policy's version if the actor may read it: published, or the owners' own draft."""
    policy = get_policy(session, slug=slug)
    version = get_version(session, policy_id=policy.id, number=number)  # type: ignore[arg-type]
    if version.published_at is None and not is_owner(actor, policy=policy):
        # Not found rather than forbidden: an unpublished draft is not there yet for the public.
        raise NotFound(
            f"Versi {number} kebijakan ini belum diterbitkan; teksnya dapat dibaca setelah perancang "
            "menerbitkannya.",
            en=f"Version {number} of this policy is not published yet; its text can be read once the "
            "drafters publish it.",
        )
    return policy, version


def visible_versions(
    versions: list[DraftVersion], *, actor: Actor | None, policy: Policy
) -> list[DraftVersion]:
    """Keep the versions the actor may read."""
    if is_owner(actor, policy=policy):
        return versions
    return [v for v in versions if v.published_at is not None]


@dataclass(frozen=True)
class ReadableReport:
    """The consultation report's data, and whether it is still an unpublished draft (owners only)."""

    data: ReportData
    draft: bool


def readable_report(
    session: Session,
    *,
    actor: Actor | None,
    slug: str,
    now: datetime,
    page: int | None = None,
    cycle: int | None = None,
    campaign_threshold: float | None = None,
) -> ReadableReport:
    """Return a cycle's consultation report (default: the current cycle's), one page of it or whole,
    once published; owners see a draft."""
    policy = get_policy(session, slug=slug)
    windows = chosen_windows(session, policy=policy, cycle=cycle).windows
    window = windows[-1] if windows else None
    published = window is not None and window.report_published_at is not None
    # Checked before the report is built: gathering 10,000 comments for a refusal would be waste.
    if window is not None and not published and not is_owner(actor, policy=policy):
        raise NotFound(
            "Laporan hasil konsultasi publik kebijakan ini belum diterbitkan. Laporan dapat dibaca "
            "setelah perancang menerbitkannya.",
            en="The consultation report of this policy is not published yet. It can be read once the "
            "drafters publish it.",
        )
    # The threshold the deployment grouped campaigns with, which the report states as its rule.
    chosen = {} if campaign_threshold is None else {"campaign_threshold": campaign_threshold}
    data = build_report(session, slug=slug, now=now, page=page, cycle=cycle, **chosen)
    return ReadableReport(data=data, draft=not published)
