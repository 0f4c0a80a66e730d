"""Reads of campaign groups: the copy detection that forms them (bands, fingerprints, candidates)
and the groups with their sizes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from policies.accounts.models import Account
from policies.consultation.models import Campaign, Comment, CommentBand, CommentSignature, ConsultationWindow
from policies.consultation.queries import in_windows

_FACE = aliased(Comment)
# Built once: an aliased statement cost more CPU to construct than to run.
_MATCH_CAMPAIGN = (
    select(Comment.campaign_id, Campaign.representative_comment_id, _FACE.hidden_at)
    .select_from(Comment)
    .outerjoin(Campaign, col(Campaign.id) == Comment.campaign_id)
    .outerjoin(_FACE, col(_FACE.id) == Campaign.representative_comment_id)
    .where(Comment.id == sa.bindparam("match_id"))
)


def match_campaign(session: Session, *, match_id: int) -> tuple[int | None, int | None, datetime | None]:
    """Return the campaign of comment `match_id`, its representative's id and when that one was hidden."""
    # One statement for the usual case, a match already in a campaign: its campaign, and whether
    # that campaign's face is hidden.
    campaign_id, face_id, face_hidden = session.execute(_MATCH_CAMPAIGN, {"match_id": match_id}).one()
    return campaign_id, face_id, face_hidden


def locked_comment(session: Session, *, comment_id: int) -> Comment:
    """Return a comment read afresh and locked until the transaction ends."""
    return session.exec(
        select(Comment)
        .where(Comment.id == comment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def earliest_visible_member(session: Session, *, campaign_id: int) -> Comment | None:
    """Return a campaign's earliest member the public may read, if it has one."""
    return session.exec(
        select(Comment)
        .where(Comment.campaign_id == campaign_id, col(Comment.hidden_at).is_(None))
        .order_by(col(Comment.id))
        .limit(1)
    ).first()


def campaign_member_ids(session: Session, *, campaign_id: int) -> list[int]:
    """Return the ids of a campaign's members (hidden ones included), oldest first."""
    stmt = select(Comment.id).where(Comment.campaign_id == campaign_id).order_by(col(Comment.id))
    return session.exec(stmt).all()  # type: ignore[return-value]


def has_visible_member() -> sa.ColumnElement[bool]:
    """Return the condition "the campaign has a member the public may read"."""
    return sa.exists().where(Comment.campaign_id == Campaign.id, col(Comment.hidden_at).is_(None))


# A bucket may hold a whole campaign; a few of its members are enough to find the group.
MAX_CANDIDATES = 32


@lru_cache(maxsize=8)
def _probe(bands: int) -> sa.TextClause:
    # Built once per band count: one indexed equality probe per band, in a single round trip.
    probes = " UNION ALL ".join(
        f"SELECT comment_id FROM (SELECT comment_id FROM comment_band WHERE window_id = :w "
        f"AND band = {i} AND band_hash = :h{i} LIMIT {MAX_CANDIDATES}) AS b{i}"
        for i in range(bands)
    )
    # The window's earliest exact copy comes back too, with no signature: one round trip for both.
    exact = (
        "SELECT e.id, NULL AS signature FROM (SELECT id FROM comment WHERE window_id = :w "
        "AND text_hash = :t AND parent_id IS NULL AND id <> :c ORDER BY id LIMIT 1) AS e"
    )
    return sa.text(
        f"SELECT s.comment_id, s.signature FROM comment_signature s WHERE s.comment_id IN ({probes}) "
        f"UNION ALL {exact}"
    )


def copy_candidates(
    session: Session, *, window_id: int, text_hash: str, comment_id: int, bands: Sequence[int]
) -> sa.Result[Any]:
    """Return (id, signature) of the comments sharing a band hash with this one in its window, and
    (id, NULL) of the window's earliest exact copy of its text."""
    params: dict[str, object] = {"w": window_id, "t": text_hash, "c": comment_id}
    params.update({f"h{i}": h for i, h in enumerate(bands)})
    # On the connection: the new comment is flushed already, so the ORM's autoflush has nothing to do.
    return session.connection().execute(_probe(len(bands)), params)


_STORE_SIGNATURE = sa.insert(CommentSignature.__table__)  # type: ignore[attr-defined]
_STORE_BANDS = sa.insert(CommentBand.__table__)  # type: ignore[attr-defined]


def store_fingerprint(
    session: Session, *, comment_id: int, window_id: int, signature: bytes, bands: Sequence[int]
) -> None:
    """Store a comment's MinHash signature and its band hashes, the buckets later comments probe."""
    # Core inserts built once, on the session's connection: ten rows per comment without ORM
    # objects, and without the ORM's execute path (the comment they point to is flushed already).
    connection = session.connection()
    connection.execute(_STORE_SIGNATURE, [{"comment_id": comment_id, "signature": signature}])
    connection.execute(
        _STORE_BANDS,
        [
            {"window_id": window_id, "band": i, "band_hash": h, "comment_id": comment_id}
            for i, h in enumerate(bands)
        ],
    )


def campaign_size() -> sa.ScalarSelect[int]:
    """Return the correlated count of a campaign's members (hidden ones included)."""
    return (
        sa.select(sa.func.count())
        .select_from(Comment.__table__)  # type: ignore[attr-defined]
        .where(Comment.campaign_id == Campaign.id)
        .scalar_subquery()
    )


def campaign_fresh_accounts() -> sa.ScalarSelect[int]:
    """Return the correlated count of a campaign's authors whose account was made after its window opened."""
    # A campaign carried by accounts registered only for it (the flood the verification and the
    # sign-up throttle slow down) reads differently from one of long-standing members.
    return (
        sa.select(sa.func.count(sa.distinct(Comment.author_id)))
        .select_from(Comment.__table__)  # type: ignore[attr-defined]
        .join(Account, col(Account.id) == Comment.author_id)
        .join(ConsultationWindow, col(ConsultationWindow.id) == Comment.window_id)
        .where(Comment.campaign_id == Campaign.id, col(Account.created_at) >= ConsultationWindow.opens_at)
        .scalar_subquery()
    )


def campaigns_with_size(
    session: Session, *, window_ids: Sequence[int], visible_only: bool
) -> list[tuple[Campaign, int, int]]:
    """Return the windows' campaigns with their sizes and fresh authors, largest first;
    `visible_only` drops all-hidden ones."""
    size = campaign_size().label("size")
    fresh = campaign_fresh_accounts().label("fresh")
    stmt = sa.select(Campaign, size, fresh).where(in_windows(Campaign.window_id, window_ids=window_ids))
    if visible_only:
        stmt = stmt.where(has_visible_member())
    return [(c, n, f) for c, n, f in session.execute(stmt.order_by(size.desc(), col(Campaign.id)))]
