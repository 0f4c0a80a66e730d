"""Keyset pages of the comment register: filters, sorts, opaque cursors, one statement per shape;
and the moderators' queue, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any, Literal, TypedDict, Unpack

import sqlalchemy as sa
from sqlalchemy import and_, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from policies.accounts.access import Actor
from policies.accounts.models import Account
from policies.consultation.models import Comment, CommentFlag, ConsultationWindow, Disposition, Stance
from policies.consultation.read_model import (
    FULL_TEXT,
    LIST_FROM,
    CommentPage,
    comment_columns,
    hidden_access,
    record_of_row,
    sees_hidden,
)
from policies.consultation.record import chosen_windows
from policies.core.db import MAX_INTEGER
from policies.core.fields import clean_text
from policies.core.listing import decode_cursor, encode_cursor, invalid_cursor
from policies.drafting.models import DraftVersion
from policies.lifecycle.models import Policy, Stage
from policies.lifecycle.queries import get_policy

MAX_PAGE = 200
# A cursor holds ids and support counts, INTEGER columns: anything larger is forged.
MAX_CURSOR_VALUE = MAX_INTEGER
_C = Comment.__table__.c  # type: ignore[attr-defined]
# How a page statement finds its windows (see _page_statement).
Windows = Literal["one", "many", "scope"]
_FILTERS = ("clause_key", "stance", "author_group", "campaign_id")
# The page size is written into the SQL, not sent as a parameter, where one plan suits every
# value: PostgreSQL plans a prepared statement with an unknown LIMIT as if it returned a tenth of
# the table (a merge join over every disposition, 9 ms), so it re-planned every page (0.4 ms);
# with the size known, the plan it caches is the one it would have chosen anyway. Filters on
# skewed columns without an index of their own (a rare stance, a small group) keep the size a
# parameter, and with it a plan made for the values of each page.
_LIMIT = sa.bindparam("limit", type_=sa.Integer(), literal_execute=True)
_SKEWED = frozenset({"stance", "author_group", "clause_key"})
# The undisposed filter's anti-join probes its own copy: the page's LEFT JOIN names disposition.
_UNDISPOSED_PROBE = Disposition.__table__.alias("answered")  # type: ignore[attr-defined]


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
    cycle: int | None = None  # None: the current cycle (a window chosen names its own)


# A cursor holds the sort and the last row's key: its id, and its support count when sorted so.
_CURSOR_KEYS = {
    CommentSort.NEWEST: ("sort", "id"),
    CommentSort.OLDEST: ("sort", "id"),
    CommentSort.SUPPORT: ("sort", "support", "id"),
}


def page_cursor(sort: CommentSort, *, last_id: int, last_support: int = 0) -> str:
    """Pack the position after a page's last row into an opaque cursor."""
    values: dict[str, object] = {"sort": sort.value, "id": last_id}
    if sort is CommentSort.SUPPORT:
        values["support"] = last_support
    return encode_cursor(values)


def _position(cursor: str, *, sort: CommentSort) -> list[int]:
    """Unpack a cursor made for the same sort into its key, or refuse it."""
    values = decode_cursor(cursor, keys=_CURSOR_KEYS[sort], field="cursor")
    key = [values["support"], values["id"]] if sort is CommentSort.SUPPORT else [values["id"]]
    # Only what page_cursor writes: the same sort, integers a column holds (bool is no integer here).
    if values["sort"] != sort.value or not all(type(v) is int and 0 <= v <= MAX_CURSOR_VALUE for v in key):
        raise invalid_cursor(field="cursor")
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


def _scope(session: Session, *, slug: str, filters: CommentFilter) -> tuple[str, list[int]]:
    """Return the owning unit of the policy and the windows listed (NotFound for an unknown one)."""
    if filters.window_id is not None or filters.cycle is not None or "\x00" in slug:
        policy = get_policy(session, slug=slug)
        chosen = chosen_windows(session, policy=policy, cycle=filters.cycle, window_id=filters.window_id)
        return policy.unit, chosen.window_ids
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


def _order(sort: CommentSort, columns: sa.ColumnCollection) -> list[sa.ColumnElement]:
    if sort is CommentSort.SUPPORT:
        return [columns.support_count.desc(), columns.id.desc()]
    return [columns.id] if sort is CommentSort.OLDEST else [columns.id.desc()]


# Who reads hidden text, decided in the one-round-trip statement by the unit it reads.
_SCOPE_FULL_TEXT = or_(
    sa.bindparam("sees_all", type_=sa.Boolean()), _SCOPE_TABLE.c.unit == sa.bindparam("own_unit")
)


@lru_cache(maxsize=256)
def _page_statement(
    *, sort: CommentSort, keyed: bool, windows: Windows, undisposed: bool, filtered: frozenset[str]
) -> sa.Select:
    """Build a page's statement once per shape: values are bound, so SQLAlchemy's compiled cache
    key is computed once per shape instead of once per request.

    `windows` is "one" (bound :window), "many" (bound :windows) or "scope": the windows found
    by :slug in the same statement, each read by a LATERAL page of its own, hidden text shown
    by the unit found with them (:sees_all, :own_unit) instead of by :full_text.
    """
    if windows == "many":
        in_window = _C.window_id.in_(sa.bindparam("windows", expanding=True))
    else:
        # An equality keeps the planners on the (window_id, ...) indexes' fast path.
        window = _SCOPE_TABLE.c.window_id if windows == "scope" else sa.bindparam("window")
        in_window = _C.window_id == window
    columns = comment_columns(_SCOPE_FULL_TEXT if windows == "scope" else FULL_TEXT)
    stmt = sa.select(*columns).select_from(LIST_FROM).where(in_window, _C.parent_id.is_(None))
    for name in sorted(filtered):
        stmt = stmt.where(_C[name] == sa.bindparam(name))
    if undisposed:
        # NOT EXISTS, not the outer join's "disposition.id IS NULL": PostgreSQL estimated that
        # filter at one row, so it hashed every comment and sorted them (170 ms a page at 200,000).
        stmt = stmt.where(~sa.exists().where(_UNDISPOSED_PROBE.c.comment_id == _C.id))
    k0, k1 = sa.bindparam("key0"), sa.bindparam("key1")
    if keyed and sort is CommentSort.SUPPORT:
        stmt = stmt.where(or_(_C.support_count < k0, and_(_C.support_count == k0, _C.id < k1)))
    elif keyed:
        stmt = stmt.where(_C.id > k0 if sort is CommentSort.OLDEST else _C.id < k0)
    limit = sa.bindparam("limit") if filtered & _SKEWED else _LIMIT
    stmt = stmt.order_by(*_order(sort, _C)).limit(limit)
    if windows != "scope":
        return stmt
    page = stmt.lateral("page")
    return (
        sa.select(*page.c)
        .select_from(_SCOPE_TABLE.join(page, sa.true()))
        .order_by(*_order(sort, page.c))
        .limit(limit)
    )


def list_comment_records(
    session: Session,
    *,
    slug: str,
    viewer: Actor | None,
    filters: CommentFilter = CommentFilter(),
    sort: CommentSort = CommentSort.NEWEST,
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """Return one keyset page of top-level comments (of one window, or of every window of the
    cycle) as a `CommentPage`'s plain mapping, each comment a record ready for JSON."""
    key = _position(cursor, sort=sort) if cursor else None
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
    one_trip = (
        filters.window_id is None
        and filters.cycle is None
        and "\x00" not in slug
        and conn.dialect.name == "postgresql"
    )
    if one_trip:
        sees_all, own_unit = hidden_access(viewer)
        scoped = {**params, "slug": slug, "sees_all": sees_all, "own_unit": own_unit}
        rows = conn.execute(_page_statement(**shape, windows="scope"), scoped).all()
    if not rows:
        # No row: the scope tells an unknown policy (NotFound) from an empty page.
        unit, window_ids = _scope(session, slug=slug, filters=filters)
        if one_trip or not window_ids:
            return {"items": [], "next_cursor": None}
        if len(window_ids) == 1:
            params["window"] = window_ids[0]
        else:
            params["windows"] = window_ids
        params["full_text"] = sees_hidden(viewer, unit=unit)
        stmt = _page_statement(**shape, windows="one" if len(window_ids) == 1 else "many")
        rows = conn.execute(stmt, params).all()
    items = [record_of_row(r) for r in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = page_cursor(sort, last_id=last.id, last_support=last.support_count)
    return {"items": items, "next_cursor": next_cursor}


class PageArgs(TypedDict, total=False):
    """Which page of the list: the keyword arguments of `list_comment_records` after the viewer."""

    filters: CommentFilter
    sort: CommentSort
    cursor: str | None
    limit: int


def list_comments(
    session: Session, *, slug: str, viewer: Actor | None, **page: Unpack[PageArgs]
) -> CommentPage:
    """Return the same page as `list_comment_records`, as the read model the pages and API use."""
    return CommentPage.model_validate(list_comment_records(session, slug=slug, viewer=viewer, **page))


def _moderation_select() -> sa.Select:  # type: ignore[type-arg]
    hider = aliased(Account)
    return (
        sa.select(
            Comment.id,
            Policy.slug,
            Policy.title,
            DraftVersion.number,
            Comment.clause_key,
            Comment.parent_id,
            Comment.body,
            Comment.author_name,
            Comment.created_at,
            Comment.hidden_at,
            Comment.hidden_reason,
            hider.name,
        )
        .join(Policy, col(Policy.id) == Comment.policy_id)
        .join(DraftVersion, col(DraftVersion.id) == Comment.version_id)
        .outerjoin(hider, col(hider.id) == Comment.hidden_by_id)
    )


def flagged_rows(session: Session, *, before: int | None, limit: int) -> list[sa.Row]:
    """Return up to `limit` visible comments that readers flagged, newest first (before id `before`)."""
    flagged = sa.select(CommentFlag.comment_id).where(col(CommentFlag.comment_id) == Comment.id).exists()
    stmt = _moderation_select().where(flagged, col(Comment.hidden_at).is_(None))
    if before is not None:
        stmt = stmt.where(col(Comment.id) < before)
    return list(session.execute(stmt.order_by(col(Comment.id).desc()).limit(limit)).all())


def flag_reasons(session: Session, *, comment_ids: list[int]) -> dict[int, list[str]]:
    """Return the reasons given for flagging each of these comments, oldest first."""
    if not comment_ids:
        return {}
    rows = session.execute(
        sa.select(CommentFlag.comment_id, CommentFlag.reason)
        .where(col(CommentFlag.comment_id).in_(comment_ids))
        .order_by(col(CommentFlag.id))
    ).all()
    reasons: dict[int, list[str]] = {}
    for comment_id, reason in rows:
        reasons.setdefault(comment_id, []).append(reason)
    return reasons


def moderation_rows(session: Session, *, hidden: bool, before: int | None, limit: int) -> list[sa.Row]:
    """Return up to `limit` comments, newest first (before id `before`), as the moderators' queue
    lists them: of policies under consultation now, or (hidden=True) every hidden one."""
    stmt = _moderation_select()
    if hidden:
        stmt = stmt.where(col(Comment.hidden_at).is_not(None))
    else:
        # Only windows of the cycle under consultation now: older rounds are settled.
        stmt = stmt.join(ConsultationWindow, col(ConsultationWindow.id) == Comment.window_id).where(
            Policy.stage == Stage.CONSULTATION.value, ConsultationWindow.cycle == Policy.cycle
        )
    if before is not None:
        stmt = stmt.where(col(Comment.id) < before)
    return list(session.execute(stmt.order_by(col(Comment.id).desc()).limit(limit)).all())
