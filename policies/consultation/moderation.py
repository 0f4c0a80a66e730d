"""The moderators' queue: the newest comments of every open consultation, what readers flagged, and
what was hidden, by whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from policies.accounts.access import Actor, require_actor, require_role, require_verified
from policies.accounts.models import Role
from policies.consultation.comment_queries import flag_of
from policies.consultation.models import CommentFlag
from policies.consultation.pages import flag_reasons, flagged_rows, moderation_rows
from policies.consultation.register import get_comment, insert_once
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput
from policies.core.fields import TextField

PAGE_SIZE = 50
MAX_FLAG_REASON_CHARS = 1_000
FLAG_REASON = TextField(
    "reason",
    "Alasan pelaporan",
    "The report's reason",
    MAX_FLAG_REASON_CHARS,
    blank=(
        "Tulis alasan Anda melaporkan masukan ini kepada moderator.",
        "Say why you report this comment to the moderators.",
    ),
)


@dataclass(frozen=True)
class ModerationItem:
    """A comment (or reply) as a moderator sees it: full text, where it was made, its moderation."""

    id: int
    slug: str
    policy_title: str
    version_number: int
    clause_key: str
    parent_id: int | None
    body: str
    author_name: str
    created_at: datetime
    hidden_at: datetime | None
    hidden_reason: str
    hidden_by_name: str
    # The reasons readers gave when they flagged it (the flagged list only).
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModerationPage:
    """One page of the queue, newest first, and the id to continue before (None on the last page)."""

    items: list[ModerationItem]
    next_before: int | None


def moderation_queue(
    session: Session, *, actor: Actor | None, hidden: bool, before: int | None = None, limit: int = PAGE_SIZE
) -> ModerationPage:
    """List the newest comments of policies under consultation, or (hidden=True) every hidden comment."""
    require_role(actor, Role.MODERATOR)
    limit = max(1, min(limit, 200))
    rows = moderation_rows(session, hidden=hidden, before=before, limit=limit + 1)
    return _page(rows, limit=limit)


def _page(rows: list, *, limit: int, reasons: dict[int, list[str]] | None = None) -> ModerationPage:  # type: ignore[type-arg]
    items = [
        ModerationItem(
            id=r[0],
            slug=r[1],
            policy_title=r[2],
            version_number=int(r[3]),
            clause_key=r[4],
            parent_id=r[5],
            body=r[6],
            author_name=r[7],
            created_at=r[8],
            hidden_at=r[9],
            hidden_reason=r[10] if r[9] is not None else "",
            hidden_by_name=r[11] or "",
            flags=tuple((reasons or {}).get(r[0], ())),
        )
        for r in rows[:limit]
    ]
    return ModerationPage(items=items, next_before=items[-1].id if len(rows) > limit else None)


def flagged_queue(
    session: Session, *, actor: Actor | None, before: int | None = None, limit: int = PAGE_SIZE
) -> ModerationPage:
    """List the visible comments readers flagged, newest first, each with the reasons they gave."""
    require_role(actor, Role.MODERATOR)
    limit = max(1, min(limit, 200))
    rows = flagged_rows(session, before=before, limit=limit + 1)
    reasons = flag_reasons(session, comment_ids=[r[0] for r in rows[:limit]])
    return _page(rows, limit=limit, reasons=reasons)


def flag_comment(
    session: Session, *, actor: Actor | None, slug: str, comment_id: int, reason: str
) -> CommentFlag:
    """Report a visible comment to the moderators with a reason (flagging again changes the reason)."""
    actor = require_verified(require_actor(actor))
    reason = FLAG_REASON.clean(reason)
    if actor.id is None:
        raise InvalidInput("Hanya akun yang dapat melapor.", en="Only an account can report.", field="reason")
    comment = get_comment(session, slug=slug, comment_id=comment_id)
    if comment.hidden_at is not None:
        raise Conflict(
            "Masukan ini sudah disembunyikan moderator.", en="A moderator has already hidden this comment."
        )
    row = flag_of(session, comment_id=comment_id, account_id=actor.id)
    if row is not None:
        row.reason = reason
        session.add(row)
        session.flush()
        return row
    row = CommentFlag(comment_id=comment_id, account_id=actor.id, reason=reason, created_at=utcnow())
    insert_once(
        session,
        row,
        refusal=Conflict(
            "Anda baru saja melaporkan masukan ini dari permintaan lain.",
            en="You just reported this comment from another request.",
        ),
    )
    return row
