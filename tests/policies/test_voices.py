"""Campaigns reported honestly, comments on behalf of signatories, and "this was not me" reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from policies.accounts.models import Role
from policies.consultation import behalf, comments, disavowal
from policies.consultation.campaign_report import differences
from policies.consultation.models import Comment, Outcome
from policies.consultation.report import build_report, render_report
from policies.consultation.voice_models import DisavowalState
from policies.core.db import unit_of_work
from policies.core.errors import Conflict, InvalidInput, PermissionDenied
from policies.outbox.models import Reminder
from tests.conftest import DRAFTER
from tests.policies.comment_setup import LATER, SLUG, account, clause_keys, open_consultation
from tests.policies.test_campaigns import LETTER

SECRET = "test-secret-key-not-for-production"


@pytest.fixture
def key(db: str, catalog: None) -> str:
    """Open the consultation; return the first clause key."""
    open_consultation(db)
    return clause_keys(db)[0]


def _post(db: str, email: str, key: str, body: str, *, minutes: int = 0) -> int:
    actor = account(db, email=email)
    with unit_of_work(db) as s:
        made = comments.create_comment(
            s, actor=actor, slug=SLUG, clause_key=key, body=body, now=LATER + timedelta(minutes=minutes)
        )
        return made.id  # type: ignore[return-value]


def test_differences_name_what_members_added_or_left_out() -> None:
    base = "Kami menolak jam pelatihan minimal dua puluh JP"
    same, diffs = differences(
        base, [base.upper(), base + " karena biaya mahal", base.replace("minimal ", "")]
    )
    assert same == 1
    assert [(d.phrase, d.members, d.added) for d in diffs] == [
        ("karena biaya mahal", 1, True),
        ("minimal", 1, False),
    ]


def test_the_campaigns_section_states_count_arrivals_differences_answer_and_rule(db: str, key: str) -> None:
    first = _post(db, "a@warga.test", key, LETTER)
    _post(db, "b@warga.test", key, LETTER.upper() + "!", minutes=5)
    _post(db, "c@warga.test", key, LETTER + " Kami mohon dipertimbangkan.", minutes=90)
    with unit_of_work(db) as s:
        campaign_id = s.get(Comment, first).campaign_id  # type: ignore[union-attr]
        assert campaign_id is not None
        comments.dispose_campaign(
            s, actor=DRAFTER, slug=SLUG, campaign_id=campaign_id, outcome=Outcome.PARTLY,
            reason="Jumlah JP diturunkan untuk guru di daerah terpencil.", now=LATER,
        )  # fmt: skip
        data = build_report(s, slug=SLUG, now=LATER, campaign_threshold=0.8)
        html = render_report(data, fmt="html")
        md = render_report(data, fmt="md", locale="en")
    [line] = data.campaign_lines
    assert (line.size, line.hidden, line.identical) == (3, 0, 2)
    assert (line.first_at, line.last_at) == (LATER, LATER + timedelta(minutes=90))
    assert [(d.phrase, d.members, d.added) for d in line.differences] == [("mohon dipertimbangkan.", 1, True)]
    assert line.answer is not None and (line.answer.outcome, line.answer.distinct, line.answer.answered) == (
        "partly", 1, 3,
    )  # fmt: skip
    assert f"Kampanye #{campaign_id}" in html and "3 masukan dalam kelompok ini." in html
    assert "sekurang-kurangnya 80,0%" in html and "ditambahkan: “mohon dipertimbangkan.”" in html
    assert "17 Agustus 2026, pukul 15.30 WIB" in html and "17 Agustus 2026, pukul 17.00 WIB" in html
    assert "Jawaban yang diberikan kepada 3 anggota: Diterima sebagian" in html
    assert "at least 80.0%" in md and "The answer given to 3 members" in md


def test_a_comment_on_behalf_shows_its_count_and_keeps_the_names_private(db: str, key: str) -> None:
    union = account(db, email="serikat@warga.test", group="union")
    moderator = account(db, email="moderator@siklus.test", role=Role.MODERATOR)
    listed = "nama,nip\nAni,199001012020012001\nBudi,\n ani , 199001012020012001\n\nCici,\n"
    with unit_of_work(db) as s:
        with pytest.raises(InvalidInput) as refused:
            behalf.comment_on_behalf(
                s, actor=union, slug=SLUG, clause_key=key, body="Kami menolak.", organisation="Serikat Guru",
                signatories="nama\n", now=LATER,
            )  # fmt: skip
        assert refused.value.field == "signatories"
    with unit_of_work(db) as s:
        made, row = behalf.comment_on_behalf(
            s, actor=union, slug=SLUG, clause_key=key, body="Kami menolak.", organisation="Serikat Guru",
            signatories=listed, now=LATER,
        )  # fmt: skip
        assert row.signatory_count == 3 and made.author_group == "union"
    with unit_of_work(db) as s:
        with pytest.raises(PermissionDenied):
            behalf.signatories_of(s, actor=union, slug=SLUG, comment_id=made.id)  # type: ignore[arg-type]
        names = behalf.signatories_of(s, actor=moderator, slug=SLUG, comment_id=made.id).signatories  # type: ignore[arg-type]
    assert names.splitlines() == ["Ani, 199001012020012001", "Budi", "Cici"]
    with unit_of_work(db) as s:
        report = render_report(build_report(s, slug=SLUG, now=LATER), fmt="html")
    assert "Dikirim oleh Serikat Guru atas nama 3 penanda tangan." in report and "Cici" not in report


def test_not_me_is_sent_only_to_the_comments_own_address_and_reviewed(db: str, key: str) -> None:
    moderator = account(db, email="moderator@siklus.test", role=Role.MODERATOR)
    upheld_id = _post(db, "dewi@warga.test", key, "Pasal ini membebani guru.")
    rejected_id = _post(db, "eko@warga.test", key, "Pasal ini sudah baik.")
    with unit_of_work(db) as s:
        with pytest.raises(InvalidInput):
            disavowal.report_not_me(s, slug=SLUG, comment_id=upheld_id, now=LATER)
        assert (
            disavowal.report_not_me(s, slug=SLUG, comment_id=upheld_id, email="orang@lain.test", now=LATER)
            is None
        )
        row = disavowal.report_not_me(
            s, slug=SLUG, comment_id=upheld_id, email=" DEWI@warga.test ", now=LATER
        )
        assert row is not None and (row.email, row.matched_by) == ("dewi@warga.test", "email")
        again = disavowal.report_not_me(
            s, slug=SLUG, comment_id=upheld_id, email="dewi@warga.test", now=LATER
        )
        assert again is not None and again.id == row.id  # sent twice: one report, one email
        other = disavowal.report_not_me(
            s, slug=SLUG, comment_id=rejected_id, email="eko@warga.test", now=LATER
        )
        assert other is not None
        sent = s.exec(select(Reminder).where(Reminder.template == disavowal.TEMPLATE)).all()
        assert sorted(r.recipient_email for r in sent) == ["dewi@warga.test", "eko@warga.test"]
        with pytest.raises(Conflict):  # not confirmed yet: nothing to review
            disavowal.review_not_me(
                s,
                actor=moderator,
                slug=SLUG,
                disavowal_id=row.id,
                upheld=True,
                reason="x",
                now=LATER,  # type: ignore[arg-type]
            )
        ids = (row.id, other.id)
    for disavowal_id, email in zip(ids, ("dewi@warga.test", "eko@warga.test"), strict=True):
        token = disavowal.confirmation_token(secret=SECRET, disavowal_id=disavowal_id, email=email)  # type: ignore[arg-type]
        with unit_of_work(db) as s:
            confirmed = disavowal.confirm_not_me(s, token=token, secret=SECRET, now=LATER)
            assert confirmed.state == DisavowalState.CONFIRMED and confirmed.hid_comment
    with unit_of_work(db) as s:
        hidden = s.get(Comment, upheld_id)
        assert hidden is not None and hidden.hidden_at is not None
        assert hidden.hidden_reason == disavowal.HIDDEN_PENDING
        with pytest.raises(InvalidInput):
            disavowal.confirm_not_me(s, token="rusak", secret=SECRET, now=LATER)
        assert [r.id for r, _, _ in disavowal.review_queue(s, actor=moderator, slug=SLUG)] == list(ids)
        with pytest.raises(PermissionDenied):
            disavowal.review_queue(s, actor=DRAFTER, slug=SLUG)
        disavowal.review_not_me(
            s,
            actor=moderator,
            slug=SLUG,
            disavowal_id=ids[0],
            upheld=True,
            reason="Akun dibuat orang lain.",
            now=LATER,
        )
        disavowal.review_not_me(
            s,
            actor=moderator,
            slug=SLUG,
            disavowal_id=ids[1],
            upheld=False,
            reason="IP dan perangkat sama.",
            now=LATER,
        )
    with unit_of_work(db) as s:
        kept, shown = s.get(Comment, upheld_id), s.get(Comment, rejected_id)
        assert kept is not None and kept.hidden_at is not None
        assert kept.hidden_reason == f"{disavowal.UPHELD_NOTE}: Akun dibuat orang lain."
        assert shown is not None and shown.hidden_at is None
        with pytest.raises(Conflict):  # a review is final
            disavowal.review_not_me(
                s, actor=moderator, slug=SLUG, disavowal_id=ids[1], upheld=True, reason="x", now=LATER
            )
        assert disavowal.review_queue(s, actor=moderator, slug=SLUG) == []
