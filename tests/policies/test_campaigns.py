"""Campaign detection: exact and near copies grouped through the LSH buckets stored in the database."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from sqlmodel import select

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation import comments
from policies.consultation.campaigns import CampaignGroup, bands_for, fingerprint, list_campaigns, similarity
from policies.consultation.models import Campaign, Comment, CommentBand, Disposition, Outcome
from policies.consultation.queries import cycle_window_ids
from policies.consultation.report import build_report, render_report
from policies.consultation.statistics import consultation_stats
from policies.core.db import unit_of_work
from policies.lifecycle.queries import get_policy
from tests.conftest import DRAFTER
from tests.policies.comment_setup import LATER, SLUG, account, clause_keys, open_consultation

LETTER = (
    "Kami para guru honorer menolak ketentuan jam pelajaran minimal dua puluh JP per tahun karena "
    "pelatihan tidak tersedia di sekolah kami dan biaya perjalanan ke kota sangat mahal bagi kami semua"
)


@pytest.fixture
def key(db: str, catalog: None) -> str:
    """Open the consultation; return the first clause key."""
    open_consultation(db)
    return clause_keys(db)[0]


def _post(db: str, n: int, key: str, body: str) -> int:
    actor = account(db, email=f"orang{n}@warga.test")
    with unit_of_work(db) as s:
        return comments.create_comment(s, actor=actor, slug=SLUG, clause_key=key, body=body, now=LATER).id


def test_concurrent_copies_are_all_counted(db: str, key: str) -> None:
    """Copies posted at the same moment each join the campaign, and the size counts every one."""
    first = _post(db, 0, key, LETTER)
    actors = [account(db, email=f"serentak{n}@warga.test") for n in range(6)]
    start = threading.Barrier(len(actors))

    def post(actor: Actor) -> int:
        start.wait()
        with unit_of_work(db) as s:
            made = comments.create_comment(
                s, actor=actor, slug=SLUG, clause_key=key, body=LETTER + "!", now=LATER
            )
            return made.id  # type: ignore[return-value]

    with ThreadPoolExecutor(len(actors)) as pool:
        made = list(pool.map(post, actors))
    group = _campaign(db)
    assert group.size == 7 and group.representative_comment_id == first
    with unit_of_work(db) as s:
        members = s.exec(select(Comment.id).where(Comment.campaign_id == group.id)).all()
    assert sorted(members) == sorted([first, *made])


def test_bands_follow_the_threshold_and_similarity_is_estimated() -> None:
    b, r = bands_for(0.8)
    assert b * r <= 64 and r > 1
    a = fingerprint(LETTER, threshold=0.8)
    near = fingerprint(LETTER.replace("mahal", "mahal sekali"), threshold=0.8)
    far = fingerprint("Pasal ini sudah baik, lanjutkan.", threshold=0.8)
    assert similarity(a.signature, b=near.signature) >= 0.8 > similarity(a.signature, b=far.signature)
    assert len(a.bands) == b


def test_exact_and_near_copies_form_one_campaign(db: str, key: str) -> None:
    first = _post(db, 1, key, LETTER)
    copy = _post(db, 2, key, LETTER.upper() + "!!")  # same words once normalized
    near = _post(db, 3, key, LETTER.replace("sangat mahal", "terlalu mahal"))
    other = _post(db, 4, key, "Mohon definisi pengembangan kompetensi diperjelas pada bagian umum.")
    with unit_of_work(db) as s:
        rows = {c.id: c for c in s.exec(select(Comment))}
        campaigns = list_campaigns(s, window_ids=[rows[first].window_id])
        assert len(campaigns) == 1
        campaign = campaigns[0]
        assert campaign.size == 3 and campaign.representative_comment_id == first
        assert campaign.representative_text == LETTER
        assert {rows[i].campaign_id for i in (first, copy, near)} == {campaign.id}
        assert rows[other].campaign_id is None
        # The copy stores no bands of its own; the original and the near copy do.
        banded = {b.comment_id for b in s.exec(select(CommentBand))}
        assert first in banded and near in banded and copy not in banded


def test_answering_a_campaign_gives_each_member_its_own_row(db: str, key: str) -> None:
    ids = [_post(db, n, key, LETTER) for n in range(4)]
    with unit_of_work(db) as s:
        campaign = s.exec(select(Campaign)).one()
        rows = comments.dispose_campaign(
            s,
            actor=DRAFTER,
            slug=SLUG,
            campaign_id=campaign.id,
            outcome=Outcome.PARTLY,
            reason="Pelatihan daring ditambahkan; batas 20 JP tetap.",
            now=LATER,
        )
        assert sorted(r.comment_id for r in rows) == ids
    with unit_of_work(db) as s:
        stored = s.exec(select(Disposition)).all()
        assert len(stored) == 4
        assert {(d.outcome, d.via_campaign_id) for d in stored} == {(Outcome.PARTLY, campaign.id)}


def _hide(db: str, comment_id: int, *, hidden: bool = True) -> None:
    maya = account(db, email=f"maya{comment_id}{hidden}@siklus.test", role=Role.MODERATOR)
    with unit_of_work(db) as s:
        comments.set_hidden(s, actor=maya, slug=SLUG, comment_id=comment_id, hidden=hidden, reason="spam")


def _campaign(db: str) -> CampaignGroup:
    with unit_of_work(db) as s:
        (group,) = list_campaigns(s, window_ids=cycle_window_ids(s, policy=get_policy(s, slug=SLUG)))
        return group


def test_the_representative_is_always_a_visible_members_text(db: str, key: str) -> None:
    first = _post(db, 1, key, LETTER)
    copy = _post(db, 2, key, LETTER.upper() + "!!")
    third = _post(db, 3, key, LETTER + ".")
    _hide(db, first)
    campaign = _campaign(db)
    assert (campaign.representative_comment_id, campaign.representative_text) == (copy, LETTER.upper() + "!!")
    _hide(db, copy)
    _hide(db, third)
    with unit_of_work(db) as s:
        window_ids = cycle_window_ids(s, policy=get_policy(s, slug=SLUG))
        assert list_campaigns(s, window_ids=window_ids, visible_only=True) == []
        assert [c.id for c in list_campaigns(s, window_ids=window_ids)] == [campaign.id]  # moderators see it
        assert consultation_stats(s, window_ids=window_ids).campaigns == 0
        report = render_report(build_report(s, slug=SLUG, now=LATER), fmt="html")
        assert f"Kampanye #{campaign.id}" not in report and "guru honorer" not in report
    _hide(db, first, hidden=False)
    campaign = _campaign(db)
    assert (campaign.representative_comment_id, campaign.representative_text) == (first, LETTER)


def test_a_campaign_founded_on_a_hidden_comment_shows_the_newcomer(db: str, key: str) -> None:
    first = _post(db, 1, key, LETTER)
    _hide(db, first)
    copy = _post(db, 2, key, LETTER + "!")
    campaign = _campaign(db)
    assert campaign.size == 2 and campaign.representative_comment_id == copy
    assert campaign.representative_text == LETTER + "!"
    later = _post(db, 3, key, LETTER + "!!")  # joining keeps the visible face
    assert _campaign(db).representative_comment_id == copy and later != copy


def test_a_newcomer_becomes_the_face_of_a_campaign_whose_members_are_all_hidden(db: str, key: str) -> None:
    first = _post(db, 1, key, LETTER)
    copy = _post(db, 2, key, LETTER)  # an exact copy: joins through the exact-match branch
    _hide(db, first)
    _hide(db, copy)
    assert _campaign(db).representative_comment_id in (first, copy)  # kept: no visible text to show
    later = _post(db, 3, key, LETTER + "!")  # a near copy joins the hidden campaign
    campaign = _campaign(db)
    assert (campaign.size, campaign.representative_comment_id) == (3, later)
    assert campaign.representative_text == LETTER + "!"


def test_a_campaign_counts_its_authors_registered_after_the_consultation_opened(db: str, key: str) -> None:
    """Accounts made for the campaign (after the window opened) are counted apart from long-standing ones."""
    from datetime import timedelta

    from policies.accounts.actions import actor_of
    from policies.accounts.models import Account
    from tests.conftest import NOW

    def author(n: int, *, made: datetime) -> Actor:
        with unit_of_work(db) as s:
            row = Account(
                email=f"penulis{n}@warga.test",
                name=f"Penulis {n}",
                password_hash="x",
                role=Role.STAKEHOLDER,
                created_at=made,
                email_verified_at=made,
            )
            s.add(row)
            s.flush()
            return actor_of(row)

    authors = [author(n, made=NOW - timedelta(days=30)) for n in range(2)]
    authors += [author(n, made=NOW + timedelta(minutes=5 + n)) for n in range(2, 5)]
    for actor in authors:
        with unit_of_work(db) as s:
            comments.create_comment(s, actor=actor, slug=SLUG, clause_key=key, body=LETTER, now=LATER)
    group = _campaign(db)
    assert (group.size, group.fresh_accounts) == (5, 3)
