"""The comment register's reads and writes in SQL: a comment, the POST's context, votes, a clause's
thread, one's own comments, the report's comments and the export's rows.

Each statement is shaped by the one read model (`read_model`); the hot ones are built once, at
import, because building them cost more than running them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import and_
from sqlmodel import Session, col, func, select, update

from policies.accounts.access import Actor
from policies.accounts.models import Account
from policies.consultation.models import Comment, CommentFlag, CommentVote, ConsultationWindow, Disposition
from policies.consultation.queries import in_windows
from policies.consultation.read_model import (
    FULL_TEXT,
    LIST_FROM,
    CommentPublic,
    can_see_hidden,
    comment_columns,
    masked,
    record_of_row,
)

# The read model's names where the API has always imported them (re-exported, not used here).
from policies.consultation.read_model import CommentPage as CommentPage
from policies.consultation.read_model import new_comment_public as new_comment_public
from policies.consultation.register import comment_of
from policies.drafting.models import Clause, DraftVersion
from policies.lifecycle.models import Policy, PolicyKind
from policies.lifecycle.queries import get_policy

_C = Comment.__table__.c  # type: ignore[attr-defined]


_ONE = sa.select(*comment_columns(FULL_TEXT)).select_from(LIST_FROM).where(_C.id == sa.bindparam("id"))
_WITH_REPLIES = (
    sa.select(*comment_columns(FULL_TEXT))
    .select_from(LIST_FROM)
    .where(sa.or_(_C.id == sa.bindparam("id"), _C.parent_id == sa.bindparam("id")))
    .order_by(_C.id)
)


def comment_public(session: Session, *, comment_id: int, full_text: bool) -> CommentPublic:
    """Read one comment (written and flushed already) with its disposition, as the viewer may see it."""
    row = session.connection().execute(_ONE, {"id": comment_id, "full_text": full_text}).one()
    return CommentPublic.model_validate(record_of_row(row))


def read_comment(session: Session, *, slug: str, comment_id: int, viewer: Actor | None) -> CommentPublic:
    """Return one comment with its disposition and its replies, oldest reply first."""
    policy = get_policy(session, slug=slug)
    comment = comment_of(session, policy=policy, comment_id=comment_id)
    params = {"id": comment.id, "full_text": can_see_hidden(viewer, policy=policy)}
    # The comment first, then its replies (a reply is never given a disposition).
    first, *replies = [record_of_row(r) for r in session.connection().execute(_WITH_REPLIES, params)]
    first["replies"] = replies
    return CommentPublic.model_validate(first)


# The policy and its current cycle's latest window; built once (building cost more than running).
_POLICY_WINDOW = (
    select(Policy, ConsultationWindow)
    .outerjoin(
        ConsultationWindow,
        and_(ConsultationWindow.policy_id == Policy.id, ConsultationWindow.cycle == Policy.cycle),
    )
    .where(Policy.slug == sa.bindparam("slug"))
    .order_by(col(ConsultationWindow.id).desc())
    .limit(1)
)


def policy_and_window(session: Session, *, slug: str) -> tuple[Policy, ConsultationWindow | None]:
    """Return the policy and its current cycle's latest window, in one query."""
    row = session.exec(_POLICY_WINDOW, params={"slug": slug}).first()
    if row is None:
        get_policy(session, slug=slug)  # says the policy is missing
    assert row is not None
    return row[0], row[1]


@dataclass(frozen=True)
class CommentContext:
    """What a new comment is checked against, read in one statement."""

    policy: Policy
    window: ConsultationWindow | None
    clause: Clause | None
    recent: int
    # Held so that the session (whose identity map keeps objects only while they are referenced)
    # gives them to the receipt's lookups without a statement.
    kind: PolicyKind | None = None
    author: Account | None = None


_RECENT = (
    select(func.count())
    .select_from(Comment)
    .where(Comment.author_id == sa.bindparam("author_id"), col(Comment.created_at) > sa.bindparam("since"))
    .scalar_subquery()
)
# The same, with the clause asked for and the author's recent count; and the policy's kind and
# the author's account, which the receipt then finds in the session without a statement of its own.
_CONTEXT = (
    _POLICY_WINDOW.add_columns(Clause, _RECENT, PolicyKind, Account)
    .outerjoin(
        Clause,
        and_(Clause.version_id == ConsultationWindow.version_id, Clause.key == sa.bindparam("clause_key")),
    )
    .outerjoin(PolicyKind, PolicyKind.id == Policy.kind_id)
    .outerjoin(Account, Account.id == sa.bindparam("author_id"))
)


def comment_context(
    session: Session, *, slug: str, clause_key: str, author_id: int | None, since: datetime
) -> CommentContext:
    """Return the policy, its latest window, the clause asked for and the author's recent count."""
    # One statement instead of three: on PostgreSQL each round trip is a share of the POST's time.
    # An author without an account (author_id NULL) matches no row, so counts zero.
    params = {"slug": slug, "clause_key": clause_key, "author_id": author_id, "since": since}
    row = session.exec(_CONTEXT, params=params).first()
    if row is None:
        get_policy(session, slug=slug)  # says the policy is missing
    assert row is not None
    return CommentContext(
        policy=row[0], window=row[1], clause=row[2], recent=row[3], kind=row[4], author=row[5]
    )


def recent_comments(session: Session, *, author_id: int, since: datetime) -> int:
    """Count an account's comments and replies made after `since` (counted in the DB)."""
    params = {"author_id": author_id, "since": since}
    return session.execute(select(_RECENT), params).scalar_one()


def vote_of(session: Session, *, comment_id: int, account_id: int) -> CommentVote | None:
    """Return an account's vote on a comment, if it voted."""
    return session.exec(
        select(CommentVote).where(CommentVote.comment_id == comment_id, CommentVote.account_id == account_id)
    ).first()


def votes_of_account(session: Session, *, account_id: int, comment_ids: list[int]) -> dict[int, int]:
    """Return an account's votes (+1 or -1) on these comments, by comment id."""
    if not comment_ids:
        return {}
    rows = session.exec(
        select(CommentVote.comment_id, CommentVote.value).where(
            CommentVote.account_id == account_id, col(CommentVote.comment_id).in_(comment_ids)
        )
    ).all()
    return {int(c): int(v) for c, v in rows}


def flag_of(session: Session, *, comment_id: int, account_id: int) -> CommentFlag | None:
    """Return an account's flag on a comment, if it flagged it."""
    return session.exec(
        select(CommentFlag).where(CommentFlag.comment_id == comment_id, CommentFlag.account_id == account_id)
    ).first()


def shift_vote_counts(session: Session, *, comment_id: int, support: int, oppose: int) -> None:
    """Add to a comment's support and oppose counts in SQL."""
    # In SQL, so concurrent voters on one comment never overwrite each other.
    session.exec(
        update(Comment)
        .where(col(Comment.id) == comment_id)
        .values(support_count=Comment.support_count + support, oppose_count=Comment.oppose_count + oppose)
    )  # type: ignore[call-overload]


def disposition_of(session: Session, *, comment_id: int) -> Disposition | None:
    """Return a comment's disposition, if it has one."""
    return session.exec(select(Disposition).where(Disposition.comment_id == comment_id)).first()


def clause_comment_counts(session: Session, *, version_id: int) -> dict[str, int]:
    """Count the visible top-level comments on each clause of a version."""
    stmt = (
        select(Comment.clause_key, func.count())
        .where(
            Comment.version_id == version_id,
            col(Comment.parent_id).is_(None),
            col(Comment.hidden_at).is_(None),
        )
        .group_by(Comment.clause_key)
    )
    return {str(key): int(n) for key, n in session.exec(stmt)}


# Read as the public reads it, for everyone: the page shows a hidden comment by its reason.
_THREAD = (
    sa.select(*comment_columns(sa.false()))
    .select_from(LIST_FROM)
    .where(_C.version_id == sa.bindparam("version_id"), _C.clause_key == sa.bindparam("clause_key"))
    .order_by(_C.id)
)


def clause_thread_records(session: Session, *, version_id: int, clause_key: str) -> list[dict[str, Any]]:
    """Return every comment and reply on a clause of a version, oldest first, as read-model records."""
    params = {"version_id": version_id, "clause_key": clause_key}
    return [record_of_row(r) for r in session.connection().execute(_THREAD, params)]


def comments_of_author(
    session: Session, *, author_id: int, limit: int
) -> list[tuple[Comment, Disposition | None, Policy, int, str]]:
    """Return an account's comments, newest first, each with its disposition, policy, version number
    and the heading of its clause ("Pasal 5")."""
    rows = session.exec(
        select(Comment, Disposition, Policy, DraftVersion.number, Clause.heading)
        .join(Policy, col(Policy.id) == Comment.policy_id)
        .join(DraftVersion, col(DraftVersion.id) == Comment.version_id)
        .outerjoin(
            Clause,
            sa.and_(col(Clause.version_id) == Comment.version_id, col(Clause.key) == Comment.clause_key),
        )
        .outerjoin(Disposition, col(Disposition.comment_id) == Comment.id)
        .where(Comment.author_id == author_id)
        .order_by(col(Comment.created_at).desc(), col(Comment.id).desc())
        .limit(limit)
    ).all()
    return [(c, d, p, int(n), h or "") for c, d, p, n, h in rows]


@dataclass(frozen=True)
class PageSlice:
    """The comments one page of the report holds: whole clauses, and a (key, count, skipped) cut of
    each clause the page cuts."""

    whole: list[str]
    cut: list[tuple[str, int, int]]


def _top_level(window_ids: Sequence[int]) -> tuple[sa.ColumnElement[bool], ...]:
    return (in_windows(Comment.window_id, window_ids=window_ids), col(Comment.parent_id).is_(None))


def report_clause_counts(session: Session, *, window_ids: Sequence[int]) -> dict[str, int]:
    """Count the windows' top-level comments (hidden ones too) on each clause."""
    top_level = _top_level(window_ids)
    return dict(
        session.execute(
            sa.select(Comment.clause_key, sa.func.count()).where(*top_level).group_by(Comment.clause_key)
        ).all()  # type: ignore[arg-type]
    )


def report_comments(
    session: Session, *, window_ids: Sequence[int], page: PageSlice | None
) -> tuple[list[CommentPublic], list[int]]:
    """Return the windows' top-level comments (those of one page, with `page`) as the public reads
    them, in time order, and the parent id of every reply to them."""
    top_level = _top_level(window_ids)
    stmt = (
        sa.select(*comment_columns(sa.false()))
        .select_from(LIST_FROM)
        .where(*top_level)
        .order_by(col(Comment.id))
    )
    with_parent = [in_windows(Comment.window_id, window_ids=window_ids), col(Comment.parent_id).is_not(None)]
    if page is not None:
        # A long clause's share of a page: its comments in time order, this page's slice of them.
        cut = [
            col(Comment.id).in_(
                sa.select(Comment.id)
                .where(*top_level, Comment.clause_key == key)
                .order_by(col(Comment.id))
                .limit(count)
                .offset(skipped)
            )
            for key, count, skipped in page.cut
        ]
        on_page = sa.or_(col(Comment.clause_key).in_(page.whole), *cut)
        stmt = stmt.where(on_page)
        with_parent.append(col(Comment.parent_id).in_(sa.select(Comment.id).where(*top_level, on_page)))
    comments = [CommentPublic.model_validate(record_of_row(row)) for row in session.execute(stmt)]
    parents = session.exec(select(Comment.parent_id).where(*with_parent)).all()
    return comments, parents  # type: ignore[return-value]


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); a leading
# apostrophe makes it text again. Only the CSV needs it: JSON is never opened as a sheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_GUARD = (
    "CASE WHEN substr({expr}, 1, 1) IN ("
    + ", ".join(f":formula_{i}" for i in range(len(FORMULA_STARTS)))
    + ") THEN :apostrophe || {expr} ELSE {expr} END"
)
_SELECT = """
SELECT comment.id, comment.clause_key, comment.parent_id, comment.stance, {author_name},
       comment.author_group, comment.source, comment.campaign_id, comment.support_count,
       comment.oppose_count, comment.created_at,
       CASE WHEN comment.hidden_at IS NULL THEN 0 ELSE 1 END AS hidden,
       {body}, {quote},
       disposition.outcome, {reason}, {next_clause_key}, disposition.responded_at,
       disposition.via_campaign_id, comment.window_id,
       comment.element_key, comment.element_eid, comment.element_label, {quote_prefix}, {quote_suffix},
       comment.quote_start, comment.quote_end
FROM comment LEFT JOIN disposition ON disposition.comment_id = comment.id
WHERE {windows}
ORDER BY comment.id
"""
# Hidden text is replaced inside the query by the register's one masking rule, written out as
# SQL text, so the public export never carries it.
_PUBLIC = {
    name: str(expr.compile(compile_kwargs={"literal_binds": True}))
    for name, expr in masked(sa.false()).items()
}


def _statement(*, full_text: bool, guard: bool, windows: int) -> str:
    def text(expr: str) -> str:
        return _GUARD.format(expr=expr) if guard else expr

    # One window (the usual case) is an equality, so the (window_id, id) index gives the order.
    where = (
        "comment.window_id = :window_0"
        if windows == 1
        else "comment.window_id IN (" + ", ".join(f":window_{i}" for i in range(windows)) + ")"
    )
    return _SELECT.format(
        author_name=text("comment.author_name"),
        body=text("comment.body" if full_text else _PUBLIC["body"]),
        quote=text("comment.quote" if full_text else _PUBLIC["quote"]),
        quote_prefix=text("comment.quote_prefix" if full_text else _PUBLIC["quote_prefix"]),
        quote_suffix=text("comment.quote_suffix" if full_text else _PUBLIC["quote_suffix"]),
        reason=text("disposition.reason"),
        next_clause_key=text("disposition.next_clause_key"),
        windows=where,
    )


def export_query(*, window_ids: Sequence[int], full_text: bool, guard: bool) -> tuple[str, dict[str, object]]:
    """Return the export's SQL (with :named parameters) and its parameters."""
    params: dict[str, object] = {f"window_{i}": w for i, w in enumerate(window_ids)}
    if guard:
        params.update({f"formula_{i}": c for i, c in enumerate(FORMULA_STARTS)}, apostrophe="'")
    return _statement(full_text=full_text, guard=guard, windows=len(window_ids)), params


def export_chunks(
    session: Session, *, window_ids: Sequence[int], full_text: bool, guard: bool, chunk_rows: int
) -> Iterator[Iterable[tuple[Any, ...]]]:
    """Yield the windows' comments as the export's rows (plain tuples), `chunk_rows` at a time.

    On SQLite a chunk is read from the cursor as it is consumed: use it up before the next.
    """
    if not window_ids:
        return
    sql, params = export_query(window_ids=window_ids, full_text=full_text, guard=guard)
    conn = session.connection()
    compiled = sa.text(sql).compile(dialect=conn.dialect)
    bound = compiled.construct_params(params)
    args = tuple(bound[name] for name in compiled.positiontup or ()) if compiled.positional else bound
    # The driver's own cursor, server-side on PostgreSQL: plain tuples, no Row object per row,
    # and never more than one chunk in memory.
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    named = conn.dialect.name == "postgresql"
    cursor = dbapi.cursor(name="siklus_comment_export") if named else dbapi.cursor()  # type: ignore[call-arg]
    try:
        cursor.execute(compiled.string, args)
        if named:
            # psycopg steps a server cursor's rows in Python; a page per fetch costs less.
            while page := cursor.fetchmany(chunk_rows):
                yield page
            return
        # sqlite3 steps in C: row by row, each row is freed once written instead of a chunk's
        # worth staying alive for the garbage collector to scan (fewer, shorter collections).
        rows = iter(cursor)
        for first in rows:
            yield itertools.chain((first,), itertools.islice(rows, chunk_rows - 1))
    finally:
        cursor.close()
