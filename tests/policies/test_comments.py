"""The comment register without HTTP: create, reply, vote, rate limit, list, hide, dispose."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from policies.accounts.access import ROLES
from policies.accounts.models import Role
from policies.consultation import comments
from policies.consultation import windows as consultation
from policies.consultation.comment_queries import read_comment
from policies.consultation.comments import CommentRules
from policies.consultation.models import Comment, Disposition, Outcome, Stance
from policies.consultation.pages import CommentFilter, CommentSort, list_comments
from policies.core.db import get_engine, unit_of_work
from policies.core.errors import Conflict, InvalidInput, PermissionDenied, RateLimited
from policies.drafting import versions as drafts
from policies.drafting.queries import clause_heading
from policies.lifecycle import actions as lifecycle
from policies.lifecycle.models import Stage
from policies.outbox.models import Channel, Reminder
from policies.workshops import actions as workshops
from tests.conftest import DRAFTER
from tests.drafts import with_new_pasal
from tests.policies.comment_setup import LATER, NOW, SLUG, UNIT, account, clause_keys, open_consultation


@pytest.fixture
def window(db: str, catalog: None) -> list[str]:
    """Open the catalogue policy's consultation; return its clause keys."""
    open_consultation(db)
    return clause_keys(db)


def _comment(db: str, actor, key: str, body: str, **kw) -> int:
    with unit_of_work(db) as s:
        return comments.create_comment(
            s, actor=actor, slug=SLUG, clause_key=key, body=body, now=LATER, **kw
        ).id


# Accept a comment as the drafter (the comment, reason and next clause key given per call).
_accept = partial(comments.dispose, actor=DRAFTER, slug=SLUG, outcome=Outcome.ACCEPTED)


def test_reply_vote_and_counts(db: str, window: list[str]) -> None:
    budi = account(db, email="budi@asn.test", group="asn")
    sari = account(db, email="sari@warga.test")
    drafter = account(db, email="rina@bkpsdm.test", role=Role.DRAFTER, unit=UNIT)
    cid = _comment(db, budi, window[0], "Target 20 JP perlu dirinci per jabatan.", stance=Stance.AGAINST)
    with unit_of_work(db) as s:
        reply = comments.create_reply(
            s, actor=drafter, slug=SLUG, parent_id=cid, body="Terima kasih.", now=LATER
        )
        assert reply.parent_id == cid and reply.clause_key == window[0]
        with pytest.raises(InvalidInput) as info:
            comments.create_reply(s, actor=sari, slug=SLUG, parent_id=reply.id, body="Setuju.", now=LATER)
        assert info.value.field == "parent_id"
    with unit_of_work(db) as s:
        comments.vote(s, actor=sari, slug=SLUG, comment_id=cid, value=1, now=LATER)
        comments.vote(s, actor=budi, slug=SLUG, comment_id=cid, value=1, now=LATER)
        comments.vote(s, actor=sari, slug=SLUG, comment_id=cid, value=-1, now=LATER)  # changed her mind
        comments.vote(s, actor=sari, slug=SLUG, comment_id=cid, value=-1, now=LATER)  # again: no change
        view = read_comment(s, slug=SLUG, comment_id=cid, viewer=None)
        assert (view.support_count, view.oppose_count) == (1, 1)
        assert [r.body for r in view.replies] == ["Terima kasih."]
        comments.vote(s, actor=budi, slug=SLUG, comment_id=cid, value=0, now=LATER)
        assert read_comment(s, slug=SLUG, comment_id=cid, viewer=None).support_count == 0
        with pytest.raises(InvalidInput):
            comments.vote(s, actor=budi, slug=SLUG, comment_id=cid, value=2, now=LATER)


def test_rate_limit_counts_the_database_and_body_limits(db: str, window: list[str]) -> None:
    budi = account(db, email="budi@asn.test")
    for n in range(3):
        _comment(
            db, budi, window[0], f"Masukan nomor {n} tentang pasal ini.", rules=CommentRules(per_minute=3)
        )
    with unit_of_work(db) as s, pytest.raises(RateLimited, match="batas 3 per menit"):
        comments.create_comment(
            s,
            actor=budi,
            slug=SLUG,
            clause_key=window[0],
            body="Lagi.",
            now=LATER,
            rules=CommentRules(per_minute=3),
        )
    with unit_of_work(db) as s:  # a minute later the allowance is back
        comments.create_comment(
            s,
            actor=budi,
            slug=SLUG,
            clause_key=window[0],
            body="Lagi.",
            now=LATER + timedelta(seconds=61),
            rules=CommentRules(per_minute=3),
        )
    with unit_of_work(db) as s, pytest.raises(InvalidInput, match="maksimal 20 karakter") as info:
        comments.create_comment(
            s,
            actor=budi,
            slug=SLUG,
            clause_key=window[0],
            body="x" * 21,
            now=LATER,
            rules=CommentRules(max_chars=20),
        )
    assert info.value.field == "body"


def test_keyset_pages_are_stable_and_filtered(db: str, window: list[str]) -> None:
    people = [account(db, email=f"p{n}@warga.test", group="asn" if n % 2 else "public") for n in range(7)]
    ids = [
        _comment(
            db,
            p,
            window[n % 2],
            f"Masukan berbeda nomor {n} soal jam pelajaran {n * 7}.",
            stance=Stance.FOR if n % 3 == 0 else Stance.NEUTRAL,
        )
        for n, p in enumerate(people)
    ]
    late = account(db, email="late@warga.test")
    with unit_of_work(db) as s:
        first = list_comments(s, slug=SLUG, viewer=None, limit=3)
        assert [c.id for c in first.items] == ids[::-1][:3]
        comments.create_comment(
            s, actor=late, slug=SLUG, clause_key=window[0], body="Masukan baru.", now=LATER
        )
        second = list_comments(s, slug=SLUG, viewer=None, limit=3, cursor=first.next_cursor)
        assert [c.id for c in second.items] == ids[::-1][3:6]  # the insert shifts nothing
        third = list_comments(s, slug=SLUG, viewer=None, limit=3, cursor=second.next_cursor)
        assert [c.id for c in third.items] == ids[:1] and third.next_cursor is None
        oldest = list_comments(s, slug=SLUG, viewer=None, sort=CommentSort.OLDEST, limit=2)
        assert [c.id for c in oldest.items] == ids[:2]
        on_first = list_comments(s, slug=SLUG, viewer=None, filters=CommentFilter(clause_key=window[1]))
        assert {c.id for c in on_first.items} == {ids[1], ids[3], ids[5]}
        asn_for = CommentFilter(author_group="asn", stance=Stance.FOR)
        assert [c.id for c in list_comments(s, slug=SLUG, viewer=None, filters=asn_for).items] == [ids[3]]
        comments.vote(s, actor=people[0], slug=SLUG, comment_id=ids[2], value=1, now=LATER)
        comments.vote(s, actor=people[1], slug=SLUG, comment_id=ids[2], value=1, now=LATER)
        comments.vote(s, actor=people[0], slug=SLUG, comment_id=ids[4], value=1, now=LATER)
        top = list_comments(s, slug=SLUG, viewer=None, sort=CommentSort.SUPPORT, limit=2)
        assert [c.id for c in top.items] == [ids[2], ids[4]]
        rest = list_comments(
            s, slug=SLUG, viewer=None, sort=CommentSort.SUPPORT, limit=2, cursor=top.next_cursor
        )
        assert rest.items[0].support_count == 0 and rest.items[0].id not in (ids[2], ids[4])
        with pytest.raises(InvalidInput) as info:
            list_comments(s, slug=SLUG, viewer=None, sort=CommentSort.OLDEST, cursor=top.next_cursor)
        assert info.value.field == "cursor"
        with pytest.raises(InvalidInput):
            list_comments(s, slug=SLUG, viewer=None, cursor="bukan-kursor")


def test_hidden_text_is_shown_only_to_moderators_and_the_unit(db: str, window: list[str]) -> None:
    troll = account(db, email="troll@warga.test")
    moderator = account(db, email="maya@siklus.test", role=Role.MODERATOR)
    other = account(db, email="joko@lampung.test", role=Role.DRAFTER, unit="BKPSDM Lampung Selatan")
    cid = _comment(db, troll, window[0], "Kata-kata kasar di sini.")
    with unit_of_work(db) as s:
        with pytest.raises(PermissionDenied):
            comments.set_hidden(s, actor=troll, slug=SLUG, comment_id=cid, hidden=True, reason="spam")
        comments.set_hidden(s, actor=moderator, slug=SLUG, comment_id=cid, hidden=True, reason="bahasa kasar")
    with unit_of_work(db) as s:
        public = read_comment(s, slug=SLUG, comment_id=cid, viewer=None)
        assert public.body == "[disembunyikan oleh moderator: bahasa kasar]" and public.hidden
        assert read_comment(s, slug=SLUG, comment_id=cid, viewer=other).body.startswith("[disembunyikan")
        assert read_comment(s, slug=SLUG, comment_id=cid, viewer=moderator).body == "Kata-kata kasar di sini."
        assert read_comment(s, slug=SLUG, comment_id=cid, viewer=DRAFTER).body == "Kata-kata kasar di sini."
        comments.set_hidden(
            s, actor=moderator, slug=SLUG, comment_id=cid, hidden=False, reason="banding diterima"
        )
        assert read_comment(s, slug=SLUG, comment_id=cid, viewer=None).body == "Kata-kata kasar di sini."


def test_disposition_and_the_closed_window(db: str, window: list[str]) -> None:
    budi = account(db, email="budi@asn.test")
    cid = _comment(db, budi, window[0], "Mohon ditambah pasal pendampingan.")
    with unit_of_work(db) as s:
        with pytest.raises(PermissionDenied):
            comments.dispose(s, actor=budi, slug=SLUG, comment_id=cid, outcome=Outcome.NOTED, reason="x")
        with pytest.raises(InvalidInput) as info:
            comments.dispose(s, actor=DRAFTER, slug=SLUG, comment_id=cid, outcome=Outcome.NOTED, reason=" ")
        assert info.value.field == "reason"
        row = _accept(
            s, comment_id=cid, reason="Ditambahkan sebagai Pasal 7.", next_clause_key="pasal-7", now=LATER
        )
        assert isinstance(row, Disposition) and row.next_clause_key == "pasal-7"
        undisposed = list_comments(s, slug=SLUG, viewer=None, filters=CommentFilter(undisposed=True))
        assert undisposed.items == []
        assert read_comment(s, slug=SLUG, comment_id=cid, viewer=None).disposition.outcome == "accepted"
    with unit_of_work(db) as s, pytest.raises(Conflict, match="sudah ditutup"):
        comments.create_reply(
            s, actor=budi, slug=SLUG, parent_id=cid, body="Terima kasih.", now=LATER + timedelta(days=60)
        )


def test_next_clause_key_is_checked_once_the_next_version_exists(db: str, catalog: None) -> None:
    with unit_of_work(db) as s:
        lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=Stage.WORKSHOP, now=NOW)
        for n in (1, 2):
            w = workshops.schedule_workshop(
                s, actor=DRAFTER, slug=SLUG, title=f"Lokakarya {n}", starts_at=NOW, location="Aula"
            )
            workshops.record_minutes(s, actor=DRAFTER, slug=SLUG, workshop_id=w.id, minutes="N")
        first = drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=1, now=NOW)
        added = with_new_pasal(first.body, "Baru.", key="pasal-pendampingan")
        drafts.create_version(s, actor=DRAFTER, slug=SLUG, body=added)
        consultation.open_window(
            s, actor=DRAFTER, slug=SLUG, version_number=1, opens_at=NOW, closes_at=NOW + timedelta(days=30)
        )
        lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=Stage.CONSULTATION, now=NOW)
    cid = _comment(db, account(db, email="budi@asn.test"), clause_keys(db)[0], "Tambahkan pendampingan.")
    with unit_of_work(db) as s:
        row = _accept(s, comment_id=cid, reason="Menjadi pasal baru.", next_clause_key="pasal-pendampingan")
        assert row.next_clause_key == "pasal-pendampingan"
        with pytest.raises(InvalidInput) as info:
            _accept(s, comment_id=cid, reason="Menjadi pasal baru.", next_clause_key="pasal-yang-tidak-ada")
    assert info.value.field == "next_clause_key" and "versi 2" in info.value.detail
    assert "version 2" in info.value.detail_en


def test_staff_cannot_comment_or_vote_and_moderators_cannot_reply(db: str, window: list[str]) -> None:
    budi = account(db, email="budi@asn.test")
    cid = _comment(db, budi, window[0], "Masukan warga.")
    moderator = account(db, email="maya@siklus.test", role=Role.MODERATOR)
    admin = account(db, email="ani@siklus.test", role=Role.ADMIN)
    other = account(db, email="joko@lampung.test", role=Role.DRAFTER, unit="BKPSDM Lampung Selatan")
    with unit_of_work(db) as s:
        for staff in (DRAFTER, moderator, admin):
            with pytest.raises(PermissionDenied, match="Hanya pemangku kepentingan"):
                comments.create_comment(s, actor=staff, slug=SLUG, clause_key=window[0], body="x", now=LATER)
            with pytest.raises(PermissionDenied, match="memberi dukungan"):
                comments.vote(s, actor=staff, slug=SLUG, comment_id=cid, value=1, now=LATER)
        for refused in (moderator, other):
            with pytest.raises(PermissionDenied):
                comments.create_reply(s, actor=refused, slug=SLUG, parent_id=cid, body="x", now=LATER)
        assert comments.create_reply(s, actor=admin, slug=SLUG, parent_id=cid, body="Ya.", now=LATER).id


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.EVALUATOR])
def test_a_refused_reply_says_what_the_role_does_instead(db: str, window: list[str], role: Role) -> None:
    cid = _comment(db, account(db, email="budi@asn.test"), window[0], "Masukan warga.")
    staff = account(db, email="staf@siklus.test", role=role)
    with unit_of_work(db) as s, pytest.raises(PermissionDenied) as refused:
        comments.create_reply(s, actor=staff, slug=SLUG, parent_id=cid, body="x", now=LATER)
    said_id, said_en = refused.value.in_language("id")[1], refused.value.in_language("en")[1]
    assert ROLES[role].in_consultation in said_id and ROLES[role].in_consultation_en in said_en
    # An evaluator used to be told what a moderator does.
    assert (role is Role.MODERATOR) == ("moderator" in said_id + said_en)


def test_replies_count_toward_the_rate_limit(db: str, window: list[str]) -> None:
    budi = account(db, email="budi.balas@asn.test")
    first = _comment(
        db, budi, window[0], "Masukan pertama tentang pasal ini.", rules=CommentRules(per_minute=2)
    )
    _comment(db, budi, window[0], "Masukan kedua tentang pasal ini.", rules=CommentRules(per_minute=2))
    with unit_of_work(db) as s, pytest.raises(RateLimited, match="batas 2 per menit"):
        comments.create_reply(
            s,
            actor=budi,
            slug=SLUG,
            parent_id=first,
            body="Balasan.",
            now=LATER,
            rules=CommentRules(per_minute=2),
        )


def test_a_comment_is_written_in_eight_statements_with_its_whole_receipt(db: str, window: list[str]) -> None:
    """Context, tracking number, insert, band probe, signature, bands, closed days, receipt: no more.

    The receipt's account, policy kind and clause heading come from the context's one statement.
    """
    author = account(db, email="hemat@warga.test")
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = get_engine(db)
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        comment_id = _comment(db, author, window[0], "Jam pelatihan perlu dihitung per semester.")
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    # SQLite's BEGIN IMMEDIATE is a statement of its own; PostgreSQL's BEGIN is the driver's.
    written = [s for s in statements if not s.startswith("BEGIN")]
    assert len(written) <= 8, written
    with unit_of_work(db) as s:
        comment = s.get(Comment, comment_id)
        assert comment is not None
        heading = clause_heading(s, version_id=comment.version_id, key=window[0])
        key = col(Reminder.dedupe_key).startswith(f"comment-receipt:{comment_id}:")
        sent = {
            (r.channel, r.recipient_email, r.context["clause_heading"], r.context["due_on"] is not None)
            for r in s.exec(select(Reminder).where(key))
        }
    assert heading and sent == {
        (Channel.INBOX, "hemat@warga.test", heading, True),
        (Channel.EMAIL, "hemat@warga.test", heading, True),
    }
