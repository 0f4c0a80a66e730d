"""Reading the comment register: keyset pages, one comment with its replies, who sees hidden text."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Literal

import sqlalchemy as sa
from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from policies.access import Actor
from policies.actions.register import comment_of
from policies.db import MAX_INTEGER
from policies.errors import InvalidInput, NotFound
from policies.fields import clean_text
from policies.models import Comment, ConsultationWindow, Disposition, Policy, Role, Stance
from policies.queries import cycle_window_ids, get_policy

MAX_PAGE = 200
# A cursor holds ids and support counts, INTEGER columns: anything larger is forged.
MAX_CURSOR_VALUE = MAX_INTEGER


class CommentSort(StrEnum):
    """Orders of the comment list."""

    NEWEST = "newest"
    OLDEST = "oldest"
    SUPPORT = "support"


@dataclass(frozen=True)
class CommentFilter:
    """What to keep in the comment list; None means any."""

    clause_key: str | None = None
    stance: Stance | None = None
    undisposed: bool = False
    author_group: str | None = None
    campaign_id: int | None = None
    window_id: int | None = None


@dataclass(frozen=True)
class DispositionView:
    """A comment's tindak lanjut as shown to everyone."""

    outcome: str
    reason: str
    next_clause_key: str | None
    responder_id: int | None
    via_campaign_id: int | None
    responded_at: datetime


@dataclass(frozen=True)
class CommentView:
    """A comment as a given viewer may see it (hidden text replaced for the public)."""

    id: int
    clause_key: str
    parent_id: int | None
    quote: str
    body: str
    stance: str
    author_name: str
    author_group: str
    source: str
    campaign_id: int | None
    support_count: int
    oppose_count: int
    hidden: bool
    hidden_reason: str
    created_at: datetime
    disposition: DispositionView | None = None
    replies: list[CommentView] = field(default_factory=list)


@dataclass(frozen=True)
class CommentPage:
    """One page of comments and the cursor of the next (None on the last page)."""

    items: list[CommentView]
    next_cursor: str | None


def hidden_placeholder(reason: str) -> str:
    """Return the text the public sees instead of a hidden comment."""
    return f"[disembunyikan oleh moderator: {reason}]" if reason else "[disembunyikan oleh moderator]"


def can_see_hidden(actor: Actor | None, *, policy: Policy) -> bool:
    """Tell whether a viewer may read hidden text: moderators, admins and the owning unit's drafters."""
    return _sees_hidden(actor, unit=policy.unit)


def _sees_hidden(actor: Actor | None, *, unit: str) -> bool:
    if actor is None:
        return False
    if actor.role in (Role.ADMIN, Role.MODERATOR):
        return True
    return actor.role is Role.DRAFTER and actor.unit == unit


def view_of(comment: Comment, *, disposition: Disposition | None, full_text: bool) -> CommentView:
    """Turn a row into what the viewer may see."""
    hidden = comment.hidden_at is not None
    return CommentView(
        id=comment.id,  # type: ignore[arg-type]
        clause_key=comment.clause_key,
        parent_id=comment.parent_id,
        quote=comment.quote if full_text or not hidden else "",
        body=comment.body if full_text or not hidden else hidden_placeholder(comment.hidden_reason),
        stance=str(comment.stance),
        author_name=comment.author_name,
        author_group=comment.author_group,
        source=str(comment.source),
        campaign_id=comment.campaign_id,
        support_count=comment.support_count,
        oppose_count=comment.oppose_count,
        hidden=hidden,
        hidden_reason=comment.hidden_reason if hidden else "",
        created_at=comment.created_at,
        disposition=(
            DispositionView(
                outcome=str(disposition.outcome),
                reason=disposition.reason,
                next_clause_key=disposition.next_clause_key,
                responder_id=disposition.responder_id,
                via_campaign_id=disposition.via_campaign_id,
                responded_at=disposition.responded_at,
            )
            if disposition is not None
            else None
        ),
    )


def comment_view(session: Session, *, comment: Comment, full_text: bool) -> CommentView:
    """Turn a row into what the viewer may see, with its disposition when it has one."""
    disposition = session.exec(select(Disposition).where(Disposition.comment_id == comment.id)).first()
    return view_of(comment, disposition=disposition, full_text=full_text)


_C = Comment.__table__.c  # type: ignore[attr-defined]
_D = Disposition.__table__.c  # type: ignore[attr-defined]
LIST_COLUMNS = (
    _C.id, _C.clause_key, _C.parent_id, _C.quote, _C.body, _C.stance, _C.author_name, _C.author_group,
    _C.source, _C.campaign_id, _C.support_count, _C.oppose_count, _C.hidden_at, _C.hidden_reason,
    _C.created_at, _D.outcome, _D.reason, _D.next_clause_key, _D.responder_id, _D.via_campaign_id,
    _D.responded_at,
)

_COLUMNS = len(LIST_COLUMNS)
# How a page statement finds its windows (see _page_statement).
Windows = Literal["one", "many", "scope"]
_FILTERS = ("clause_key", "stance", "author_group", "campaign_id")
LIST_FROM = Comment.__table__.outerjoin(Disposition.__table__, _D.comment_id == _C.id)  # type: ignore[attr-defined]


def view_of_row(row: tuple, *, full_text: bool) -> CommentView:
    """Turn a row of LIST_COLUMNS into what the viewer may see (no ORM objects: reads are hot)."""
    (cid, clause_key, parent_id, quote, body, stance, author_name, author_group, source, campaign_id,
     support, oppose, hidden_at, hidden_reason, created_at, outcome, reason, next_key, responder_id,
     via_campaign_id, responded_at) = row
    hidden = hidden_at is not None
    return CommentView(
        id=cid,
        clause_key=clause_key,
        parent_id=parent_id,
        quote=quote if full_text or not hidden else "",
        body=body if full_text or not hidden else hidden_placeholder(hidden_reason),
        stance=stance,
        author_name=author_name,
        author_group=author_group,
        source=source,
        campaign_id=campaign_id,
        support_count=support,
        oppose_count=oppose,
        hidden=hidden,
        hidden_reason=hidden_reason if hidden else "",
        created_at=created_at,
        disposition=(
            DispositionView(outcome, reason, next_key, responder_id, via_campaign_id, responded_at)
            if outcome is not None
            else None
        ),
    )


def encode_cursor(sort: CommentSort, *, key: list[int]) -> str:
    """Pack a position in the list into an opaque cursor."""
    raw = json.dumps([sort.value, *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, sort: CommentSort) -> list[int]:
    """Unpack a cursor made for the same sort, or refuse it."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        ok = isinstance(data, list) and bool(data) and data[0] == sort.value
        key = list(data[1:]) if ok else []
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError, RecursionError):
        ok, key = False, []
    # Only what encode_cursor writes: integers a database column can hold (bool is no integer here).
    ok = ok and all(type(v) is int and 0 <= v <= MAX_CURSOR_VALUE for v in key)
    if not ok or len(key) != (2 if sort is CommentSort.SUPPORT else 1):
        raise InvalidInput(
            "Kursor halaman tidak dikenal: pakai next_cursor dari halaman sebelumnya "
            "dengan urutan yang sama.",
            en="Unknown page cursor: pass the next_cursor of the previous page, with the same sort.",
            field="cursor",
        )
    return key


_P, _W = Policy.__table__.c, ConsultationWindow.__table__.c  # type: ignore[attr-defined]
# The policy's unit and its current cycle's windows in one round trip (a page is read often).
_SCOPE = (
    sa.select(_P.unit, _W.id)
    .select_from(
        Policy.__table__.outerjoin(  # type: ignore[attr-defined]
            ConsultationWindow.__table__, and_(_W.policy_id == _P.id, _W.cycle == _P.cycle)
        )
    )
    .where(_P.slug == sa.bindparam("slug"))
    .order_by(_W.id)
)


def _scope(session: Session, *, slug: str, window_id: int | None) -> tuple[str, list[int]]:
    """Return the owning unit of the policy and the windows listed (NotFound for an unknown one)."""
    if window_id is not None or "\x00" in slug:
        policy = get_policy(session, slug=slug)
        return policy.unit, _windows_listed(session, policy=policy, window_id=window_id)
    rows = session.connection().execute(_SCOPE, {"slug": slug}).all()
    if not rows:
        get_policy(session, slug=slug)  # refuses with the usual message
    return rows[0][0], [w for _, w in rows if w is not None]


# The same scope as a table a page can be joined to, for the one-round-trip page (PostgreSQL).
_SCOPE_TABLE = (
    sa.select(_P.unit, _W.id.label("window_id"))
    .select_from(
        Policy.__table__.join(  # type: ignore[attr-defined]
            ConsultationWindow.__table__, and_(_W.policy_id == _P.id, _W.cycle == _P.cycle)
        )
    )
    .where(_P.slug == sa.bindparam("slug"))
    .subquery("scope")
)


def _windows_listed(session: Session, *, policy: Policy, window_id: int | None) -> list[int]:
    if window_id is None:
        return cycle_window_ids(session, policy=policy)
    window = session.get(ConsultationWindow, window_id)
    if window is None or window.policy_id != policy.id:
        raise NotFound(
            f"Jendela konsultasi {window_id} tidak ditemukan pada kebijakan ini.",
            en=f"There is no consultation window {window_id} on this policy.",
        )
    return [window_id]


def _order(sort: CommentSort, columns: sa.ColumnCollection) -> list[sa.ColumnElement]:
    if sort is CommentSort.SUPPORT:
        return [columns.support_count.desc(), columns.id.desc()]
    return [columns.id] if sort is CommentSort.OLDEST else [columns.id.desc()]


@lru_cache(maxsize=256)
def _page_statement(
    *, sort: CommentSort, keyed: bool, windows: Windows, undisposed: bool, filtered: frozenset[str]
) -> sa.Select:
    """Build a page's statement once per shape: values are bound, so SQLAlchemy's compiled cache
    key is computed once per shape instead of once per request.

    `windows` is "one" (bound :window), "many" (bound :windows) or "scope": the windows found
    by :slug in the same statement, each read by a LATERAL page of its own, the unit appended.
    """
    if windows == "many":
        in_window = _C.window_id.in_(sa.bindparam("windows", expanding=True))
    else:
        # An equality keeps the planners on the (window_id, ...) indexes' fast path.
        window = _SCOPE_TABLE.c.window_id if windows == "scope" else sa.bindparam("window")
        in_window = _C.window_id == window
    stmt = sa.select(*LIST_COLUMNS).select_from(LIST_FROM).where(in_window, _C.parent_id.is_(None))
    for name in sorted(filtered):
        stmt = stmt.where(_C[name] == sa.bindparam(name))
    if undisposed:
        stmt = stmt.where(_D.id.is_(None))
    k0, k1 = sa.bindparam("key0"), sa.bindparam("key1")
    if keyed and sort is CommentSort.SUPPORT:
        stmt = stmt.where(or_(_C.support_count < k0, and_(_C.support_count == k0, _C.id < k1)))
    elif keyed:
        stmt = stmt.where(_C.id > k0 if sort is CommentSort.OLDEST else _C.id < k0)
    stmt = stmt.order_by(*_order(sort, _C)).limit(sa.bindparam("limit"))
    if windows != "scope":
        return stmt
    page = stmt.lateral("page")
    return (
        sa.select(*page.c, _SCOPE_TABLE.c.unit)
        .select_from(_SCOPE_TABLE.join(page, sa.true()))
        .order_by(*_order(sort, page.c))
        .limit(sa.bindparam("limit"))
    )


def list_comments(
    session: Session,
    *,
    slug: str,
    viewer: Actor | None,
    filters: CommentFilter = CommentFilter(),
    sort: CommentSort = CommentSort.NEWEST,
    cursor: str | None = None,
    limit: int = 50,
) -> CommentPage:
    """Return one keyset page of top-level comments: of one window, or of every window of the cycle."""
    key = decode_cursor(cursor, sort=sort) if cursor else None
    limit = max(1, min(limit, MAX_PAGE))
    params: dict[str, object] = {"limit": limit + 1}
    if filters.clause_key is not None:
        # A typed filter (a page's ?clause=) reaches SQL: refuse what PostgreSQL could not compare.
        params["clause_key"] = clean_text(
            filters.clause_key,
            field="clause_key",
            label="Filter pasal",
            label_en="The clause filter",
            max_chars=40,
            strip=False,
        )
    if filters.stance is not None:
        params["stance"] = filters.stance
    if filters.author_group is not None:
        params["author_group"] = filters.author_group
    if filters.campaign_id is not None:
        params["campaign_id"] = filters.campaign_id
    if key is not None:
        params.update({f"key{i}": v for i, v in enumerate(key)})
    shape = {
        "sort": sort,
        "keyed": key is not None,
        "undisposed": filters.undisposed,
        "filtered": frozenset(p for p in _FILTERS if p in params),
    }
    # Core rows on the session's connection: the ORM's execution layer doubles the cost of a page.
    conn = session.connection()
    rows: list[sa.Row] = []
    # On PostgreSQL, scope and page in one round trip: the round trips were most of a page's time.
    # SQLite answers in-process, where the two statements cost no more than one.
    one_trip = filters.window_id is None and "\x00" not in slug and conn.dialect.name == "postgresql"
    if one_trip:
        rows = conn.execute(_page_statement(**shape, windows="scope"), {**params, "slug": slug}).all()
    if rows:
        unit = rows[0][-1]
    else:
        # No row: the scope tells an unknown policy (NotFound) from an empty page.
        unit, window_ids = _scope(session, slug=slug, window_id=filters.window_id)
        if one_trip or not window_ids:
            return CommentPage(items=[], next_cursor=None)
        if len(window_ids) == 1:
            params["window"] = window_ids[0]
        else:
            params["windows"] = window_ids
        stmt = _page_statement(**shape, windows="one" if len(window_ids) == 1 else "many")
        rows = conn.execute(stmt, params).all()
    full_text = _sees_hidden(viewer, unit=unit)
    items = [view_of_row(tuple(r)[:_COLUMNS], full_text=full_text) for r in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        position = [last.support_count, last.id] if sort is CommentSort.SUPPORT else [last.id]
        next_cursor = encode_cursor(sort, key=position)
    return CommentPage(items=items, next_cursor=next_cursor)


def read_comment(session: Session, *, slug: str, comment_id: int, viewer: Actor | None) -> CommentView:
    """Return one comment with its disposition and its replies, oldest reply first."""
    policy = get_policy(session, slug=slug)
    comment = comment_of(session, policy=policy, comment_id=comment_id)
    full_text = can_see_hidden(viewer, policy=policy)
    view = comment_view(session, comment=comment, full_text=full_text)
    replies = session.exec(
        select(Comment).where(Comment.parent_id == comment.id).order_by(col(Comment.id))
    ).all()
    view.replies.extend(view_of(r, disposition=None, full_text=full_text) for r in replies)
    return view
