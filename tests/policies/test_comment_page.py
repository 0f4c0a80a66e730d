"""The comment page against an oracle: every sort, filter and cursor lists what Python's sort lists.

On PostgreSQL the page of a whole cycle is one statement (scope and page joined by LATERAL);
on SQLite, and for one window, it is two. Both must list the same rows in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation import comments
from policies.consultation import windows as consultation
from policies.consultation.models import Comment, Disposition, Outcome, Stance
from policies.consultation.pages import CommentFilter, CommentSort, list_comment_records, list_comments
from policies.consultation.queries import cycle_window_ids
from policies.core.db import read_session, unit_of_work
from policies.core.errors import NotFound
from policies.lifecycle.queries import get_policy
from tests.conftest import DRAFTER
from tests.policies.comment_setup import LATER, SLUG, account, clause_keys, open_consultation

SECOND_OPENS = LATER + timedelta(hours=2)
STANCES = (Stance.FOR, Stance.AGAINST, Stance.NEUTRAL)


def _say(db: str, actor: Actor, *, key: str, n: int, now: datetime) -> int:
    with unit_of_work(db) as s:
        return comments.create_comment(
            s,
            actor=actor,
            slug=SLUG,
            clause_key=key,
            body=f"Masukan nomor {n}: jam pelajaran ke-{n * 13} perlu ditinjau ulang.",
            stance=STANCES[n % 3],
            now=now,
        ).id


@dataclass(frozen=True)
class Cycle:
    """What the cycle fixture made: the clause keys, the hidden comment, every top-level id, the moderator."""

    keys: list[str]
    hidden: int
    ids: list[int]
    moderator: Actor


@pytest.fixture(params=list(CommentSort), ids=lambda sort: sort.value)
def sort(request: pytest.FixtureRequest) -> CommentSort:
    """Each sort of the comment page."""
    return request.param


@pytest.fixture
def cycle(db: str, catalog: None) -> Cycle:
    """Two windows of one cycle, comments in both, votes, a reply, a disposition, a hidden one."""
    open_consultation(db)
    keys = clause_keys(db)
    people = [account(db, email=f"w{n}@warga.test", group="asn" if n % 2 else "public") for n in range(6)]
    maya = account(db, email="maya@siklus.test", role=Role.MODERATOR)
    first = [_say(db, p, key=keys[n % 2], n=n, now=LATER) for n, p in enumerate(people)]
    with unit_of_work(db) as s:
        comments.create_reply(s, actor=people[1], slug=SLUG, parent_id=first[0], body="Setuju.", now=LATER)
        for voter in people[:3]:
            comments.vote(s, actor=voter, slug=SLUG, comment_id=first[4], value=1, now=LATER)
        comments.vote(s, actor=people[0], slug=SLUG, comment_id=first[1], value=1, now=LATER)
        comments.set_hidden(s, actor=maya, slug=SLUG, comment_id=first[2], hidden=True, reason="kasar")
        comments.dispose(
            s, actor=DRAFTER, slug=SLUG, comment_id=first[3], outcome=Outcome.NOTED, reason="x", now=LATER
        )
        consultation.close_window(s, actor=DRAFTER, slug=SLUG, now=LATER + timedelta(hours=1))
    with unit_of_work(db) as s:
        consultation.open_window(
            s,
            actor=DRAFTER,
            slug=SLUG,
            version_number=1,
            opens_at=SECOND_OPENS,
            closes_at=SECOND_OPENS + timedelta(days=21),
            now=SECOND_OPENS,
        )
    second = [_say(db, p, key=keys[0], n=n + 6, now=SECOND_OPENS) for n, p in enumerate(people[:3])]
    return Cycle(keys=keys, hidden=first[2], ids=first + second, moderator=maya)


def _expected(db: str, *, sort: CommentSort, filters: CommentFilter) -> list[int]:
    """Order the cycle's top-level comments in Python: the oracle the SQL page must match."""
    with read_session(db) as s:
        windows = cycle_window_ids(s, policy=get_policy(s, slug=SLUG))
        disposed = set(s.execute(sa.select(Disposition.comment_id)).scalars())
        rows = [
            c
            for c in s.execute(sa.select(Comment).where(Comment.window_id.in_(windows))).scalars()
            if c.parent_id is None
            and (filters.clause_key is None or c.clause_key == filters.clause_key)
            and (filters.stance is None or c.stance == filters.stance)
            and (filters.author_group is None or c.author_group == filters.author_group)
            and (not filters.undisposed or c.id not in disposed)
        ]
        if sort is CommentSort.SUPPORT:
            rows.sort(key=lambda c: (c.support_count, c.id), reverse=True)
        else:
            rows.sort(key=lambda c: c.id, reverse=sort is CommentSort.NEWEST)
        return [c.id for c in rows]


def _walk(db: str, *, sort: CommentSort, filters: CommentFilter, limit: int) -> list[int]:
    """Follow next_cursor from the first page to the last and return every id listed."""
    ids: list[int] = []
    cursor: str | None = None
    with read_session(db) as s:
        while True:
            page = list_comments(
                s, slug=SLUG, viewer=None, sort=sort, filters=filters, cursor=cursor, limit=limit
            )
            ids += [c.id for c in page.items]
            if page.next_cursor is None:
                return ids
            cursor = page.next_cursor


def test_every_sort_and_filter_lists_what_the_oracle_lists(db: str, cycle: Cycle, sort: CommentSort) -> None:
    keys = cycle.keys
    cases = [
        CommentFilter(),
        CommentFilter(clause_key=keys[0]),
        CommentFilter(stance=Stance.FOR),
        CommentFilter(author_group="asn", clause_key=keys[0]),
        CommentFilter(undisposed=True),
    ]
    for filters in cases:
        expected = _expected(db, sort=sort, filters=filters)
        assert expected, filters  # every case lists something, so a wrong page cannot pass empty
        for limit in (1, 2, 50):
            assert _walk(db, sort=sort, filters=filters, limit=limit) == expected, (filters, limit)
    assert len(_expected(db, sort=sort, filters=CommentFilter())) == 9  # both windows, no reply


def test_the_unit_read_with_the_page_decides_who_sees_hidden_text(db: str, cycle: Cycle) -> None:
    with read_session(db) as s:
        seen = {
            who: next(c for c in list_comments(s, slug=SLUG, viewer=viewer).items if c.id == cycle.hidden)
            for who, viewer in (("public", None), ("drafter", DRAFTER), ("moderator", cycle.moderator))
        }
    assert seen["public"].hidden and seen["public"].hidden_reason == "kasar"
    assert "Masukan nomor 2" not in seen["public"].body
    assert "Masukan nomor 2" in seen["drafter"].body and "Masukan nomor 2" in seen["moderator"].body


def test_the_records_page_is_the_models_page_as_mappings(db: str, cycle: Cycle, sort: CommentSort) -> None:
    # The API writes the records; the pages and tests read the models: the two must never differ,
    # for any viewer (hidden text), any row (a disposition or none) and any cursor.
    compared: list[dict[str, object]] = []
    with read_session(db) as s:
        for viewer in (None, DRAFTER, cycle.moderator):
            cursor: str | None = None
            while True:
                views = list_comments(s, slug=SLUG, viewer=viewer, sort=sort, cursor=cursor, limit=4)
                records = list_comment_records(s, slug=SLUG, viewer=viewer, sort=sort, cursor=cursor, limit=4)
                assert records == views.model_dump()
                compared += records["items"]
                if views.next_cursor is None:
                    break
                cursor = views.next_cursor
    # Every branch was compared: masked and unmasked hidden text, with and without a disposition.
    assert {r["body"].startswith("[disembunyikan") for r in compared if r["hidden"]} == {True, False}
    assert {r["disposition"] is None for r in compared} == {True, False}
    assert len(compared) == 27  # nine top-level comments, three viewers


def test_an_unknown_policy_is_not_found_and_a_policy_without_comments_lists_none(
    db: str, catalog: None
) -> None:
    with read_session(db) as s:
        with pytest.raises(NotFound):
            list_comments(s, slug="tidak-ada", viewer=None)
        assert list_comments(s, slug=SLUG, viewer=None).items == []  # no window yet
    open_consultation(db)
    with read_session(db) as s:
        page = list_comments(s, slug=SLUG, viewer=None, sort=CommentSort.SUPPORT)
    assert page.items == [] and page.next_cursor is None  # a window, no comment in it
