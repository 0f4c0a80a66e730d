"""Pages for everyone: home, a policy, a draft, a thread, commenting, replying, acknowledging."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import select

from policies.consultation.comments import dispose
from policies.consultation.models import Comment, ConsultationWindow, Outcome
from policies.core.db import unit_of_work, utcnow
from policies.core.text import text_hash
from policies.drafting.models import DraftVersion
from policies.drafting.versions import create_version
from policies.lifecycle.models import Policy, Stage, StageEvent, WorkState
from policies.rollout.models import Acknowledgement
from tests.service.conftest import open_consultation
from tests.web.conftest import DRAFT, DRAFTER, SLUG, adopt, comment, post_form, sign_in, use_english

THREAD_FORM = re.compile(r'<textarea id="body"[^>]*>([^<]*)</textarea>')


def test_a_first_visitor_sees_every_policy_and_how_it_works(web: TestClient, db: str) -> None:
    page = web.get("/")
    assert page.template.name == "web/home.html"  # type: ignore[attr-defined]
    with unit_of_work(db) as s:
        titles = sorted(s.exec(select(Policy.title)).all())
    rows = page.context["policies"]  # type: ignore[attr-defined]
    assert sorted(r.policy.title for r in rows) == titles and len(titles) == 5
    assert page.context["stage_counts"][Stage.DRAFTING] == 5  # type: ignore[attr-defined]
    # The three sections keep saying they are empty; the list below shows what is there.
    for empty in (
        "Saat ini tidak ada kebijakan yang terbuka untuk masukan.",
        "Belum ada kebijakan yang ditetapkan.",
        "Saat ini tidak ada kebijakan yang sedang dievaluasi.",
    ):
        assert empty in page.text
    assert "Cara kerjanya:" in page.text and "Semua kebijakan" in page.text
    assert "Tahap: Penyusunan, siklus 1" in page.text and "Kebijakan Kepegawaian ASN" in page.text
    assert "BKPSDM Kota Tangerang Selatan" in page.text and "Penyusunan (5)" in page.text


def test_home_filters_the_list_by_stage_and_speaks_english(web: TestClient, drafter: str) -> None:
    open_consultation(web, drafter)
    only = web.get("/?stage=consultation")
    assert [r.policy.slug for r in only.context["policies"]] == [SLUG]  # type: ignore[attr-defined]
    assert only.context["chosen_stage"] == "consultation"  # type: ignore[attr-defined]
    assert '<option value="consultation" selected>' in only.text
    none = web.get("/?stage=evaluation")
    assert none.context["policies"] == [] and "Tidak ada kebijakan pada tahap ini." in none.text  # type: ignore[attr-defined]
    assert len(web.get("/?stage=bukan-tahap").context["policies"]) == 5  # type: ignore[attr-defined]
    use_english(web)
    english = web.get("/")
    assert "Every policy" in english.text and "ASN personnel policy" in english.text
    assert "Stage: Public consultation, cycle 1" in english.text
    assert re.search(r"\d+ days? left", english.text) and "closes " in english.text


def test_language_switch_persists_in_a_cookie(web: TestClient) -> None:
    moved = post_form(web, "/lang", {"lang": "en", "next": "/login"}, page="/", follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == "/login"
    assert "siklus_lang=en" in moved.headers["set-cookie"]
    page = web.get("/")
    assert page.context["locale"] == "en"  # type: ignore[attr-defined]
    assert "Open for public consultation" in page.text and 'lang="en"' in page.text


def test_policy_page_shows_kind_unit_and_timeline(web: TestClient) -> None:
    page = web.get(f"/policies/{SLUG}")
    assert page.template.name == "web/policy.html"  # type: ignore[attr-defined]
    steps = page.context["timeline"]  # type: ignore[attr-defined]
    assert [(s.stage, s.state) for s in steps] == [
        (Stage.DRAFTING, "current"),
        (Stage.WORKSHOP, "next"),
        (Stage.CONSULTATION, "later"),
        (Stage.SOCIALIZATION, "later"),
        (Stage.EVALUATION, "later"),
        (Stage.REVISION, "later"),
    ]
    assert page.context["kind"].code == "kebijakan-kepegawaian"  # type: ignore[attr-defined]
    assert "BKPSDM Kota Tangerang Selatan" in page.text and "Penyusunan (siklus 1)" in page.text


def test_timeline_from_cycle_two_shows_the_path_taken(web: TestClient, db: str) -> None:
    day = datetime(2027, 3, 1, tzinfo=UTC)
    with unit_of_work(db) as s:
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        # Cycle 2 opened by revision went straight back to consultation (a substantive change).
        for n, (frm, to) in enumerate(
            [(Stage.EVALUATION, Stage.REVISION), (Stage.REVISION, Stage.CONSULTATION)]
        ):
            s.add(
                StageEvent(
                    policy_id=policy.id,  # type: ignore[arg-type]
                    cycle=2,
                    from_stage=frm,
                    to_stage=to,
                    actor_name="Rina",
                    at=day + timedelta(days=n),
                    work_state=WorkState.DONE,
                )
            )
        policy.stage, policy.cycle, policy.stage_changed_at = Stage.CONSULTATION, 2, day + timedelta(days=1)
        s.add(policy)
    page = web.get(f"/policies/{SLUG}")
    steps = [(s.stage, s.state) for s in page.context["timeline"]]  # type: ignore[attr-defined]
    assert steps == [
        (Stage.REVISION, "done"),
        (Stage.CONSULTATION, "current"),
        (Stage.SOCIALIZATION, "next"),
        (Stage.EVALUATION, "later"),
        (Stage.REVISION, "later"),
    ]
    assert "1 Maret 2027" in page.text and "sekarang · sejak 2 Maret 2027" in page.text


def test_draft_page_has_anchored_clauses_and_counts(web: TestClient, drafter: str) -> None:
    open_consultation(web, drafter)
    page = web.get(DRAFT)
    assert page.template.name == "web/draft.html"  # type: ignore[attr-defined]
    chapters = page.context["chapters"]  # type: ignore[attr-defined]
    clauses = [c for _, items in chapters for c in items]
    assert clauses and all(f'id="{c.key}"' in page.text for c in clauses)
    assert page.context["can_comment"] is True and "0 masukan" in page.text  # type: ignore[attr-defined]
    # Chapters are h2 and their clauses h3: the headings stay in order.
    assert all(chapter for chapter, _ in chapters)
    assert f'<h3 id="h-{clauses[0].key}"' in page.text


def test_clause_headings_are_h2_when_the_draft_has_no_chapters(web: TestClient, drafter: str) -> None:
    with unit_of_work(web.app.state.settings.database_url) as s:  # type: ignore[attr-defined]
        create_version(
            s, actor=DRAFTER, slug=SLUG, body="# Judul\n\n### Pasal 1\n\nSatu.\n\n### Pasal 2\n\nDua."
        )
    sign_in(web, drafter)
    page = web.get(f"/policies/{SLUG}/versions/2")
    assert page.status_code == 200
    headings = re.findall(r"<(h[1-6])[ >]", page.text.split('<main id="main"', 1)[1])
    assert headings == ["h1", "h2", "h2"]


def test_counts_of_a_thousand_and_more_are_formatted(web: TestClient, drafter: str, db: str) -> None:
    open_consultation(web, drafter)
    with unit_of_work(db) as s:
        window = s.exec(select(ConsultationWindow)).one()
        key = web.get(DRAFT).context["chapters"][0][1][0].key  # type: ignore[attr-defined]
        s.execute(
            sa.insert(Comment),
            [
                {
                    "policy_id": window.policy_id,
                    "version_id": window.version_id,
                    "window_id": window.id,
                    "clause_key": key,
                    "quote": "",
                    "body": f"Masukan {n}",
                    "text_hash": text_hash(f"Masukan {n}"),
                    "stance": "neutral",
                    "author_name": f"Warga {n}",
                    "author_group": "public",
                    "source": "online",
                    "support_count": 0,
                    "oppose_count": 0,
                    "hidden_reason": "",
                    "created_at": utcnow(),
                }
                for n in range(1234)
            ],
        )
    assert "1.234 masukan" in web.get(DRAFT).text
    use_english(web)
    assert "1,234 comments" in web.get(DRAFT).text


def test_unpublished_versions_are_for_the_owning_unit_and_admins(
    web: TestClient, drafter: str, other_drafter: str, stakeholder: str, admin: str
) -> None:
    for path in (DRAFT, f"{DRAFT}/clauses/x"):
        anonymous = web.get(path)
        assert anonymous.status_code == 404 and "belum diterbitkan" in anonymous.text
    assert "Versi 1" not in web.get(f"/policies/{SLUG}").text  # not even listed
    for email, token in (("budi@asn.test", stakeholder), ("joko@lampung.test", other_drafter)):
        sign_in(web, token)
        assert web.get(DRAFT).status_code == 404, email
    for email, token in (("rina@bkpsdm.test", drafter), ("ani@siklus.test", admin)):
        sign_in(web, token)
        page = web.get(DRAFT)
        assert page.status_code == 200 and "Belum diterbitkan: hanya perancang" in page.text, email
        assert "Versi 1" in web.get(f"/policies/{SLUG}").text


def test_the_diff_needs_both_versions_readable(web: TestClient, drafter: str) -> None:
    with unit_of_work(web.app.state.settings.database_url) as s:  # type: ignore[attr-defined]
        create_version(s, actor=DRAFTER, slug=SLUG, body="# Judul\n\n### Pasal 1\n\nSatu.")
        s.exec(select(DraftVersion).where(DraftVersion.number == 2)).one().published_at = utcnow()
    refused = web.get(f"/policies/{SLUG}/versions/2/diff")
    assert refused.status_code == 404 and "Versi 1 kebijakan ini belum diterbitkan" in refused.text
    sign_in(web, drafter)
    assert web.get(f"/policies/{SLUG}/versions/2/diff").template.name == "web/diff.html"  # type: ignore[attr-defined]
    first = web.get(f"/policies/{SLUG}/versions/1/diff")
    assert first.status_code == 422 and "Versi pertama tidak memiliki versi sebelumnya" in first.text
    use_english(web)
    english = web.get(f"/policies/{SLUG}/versions/1/diff")
    assert "The first version has no earlier version to compare with." in english.text


def test_comment_thread_answer_and_my_comments(web: TestClient, drafter: str, stakeholder: str) -> None:
    open_consultation(web, drafter)
    key = web.get(DRAFT).context["chapters"][0][1][0].key  # type: ignore[attr-defined]
    sign_in(web, stakeholder)
    thread = f"{DRAFT}/clauses/{key}"
    empty = post_form(web, f"{thread}/comments", {"body": "  ", "stance": "against"}, page=thread)
    assert empty.status_code == 422 and empty.context["errors"] == {"body": "Isi masukan tidak boleh kosong."}  # type: ignore[attr-defined]
    assert empty.context["values"]["stance"] == "against"  # type: ignore[attr-defined]
    assert 'aria-describedby="body-error"' in empty.text
    sent = post_form(
        web,
        f"{thread}/comments",
        {"body": "Tambahkan <script>alert(1)</script> **JP**", "stance": "for"},
        page=thread,
    )
    assert sent.status_code == 200 and sent.template.name == "web/thread.html"  # type: ignore[attr-defined]
    assert "<script>alert" not in sent.text and "&lt;script&gt;" in sent.text
    assert "<strong>JP</strong>" in sent.text
    assert web.get(DRAFT).context["counts"] == {key: 1}  # type: ignore[attr-defined]
    mine = web.get("/me/comments")
    assert mine.template.name == "web/my_comments.html"  # type: ignore[attr-defined]
    assert [i.comment.body for i in mine.context["items"]] == ["Tambahkan <script>alert(1)</script> **JP**"]  # type: ignore[attr-defined]
    assert "Belum dijawab." in mine.text
    with unit_of_work(web.app.state.settings.database_url) as s:  # type: ignore[attr-defined]
        comment_id = s.exec(select(Comment.id)).one()
        dispose(
            s, actor=DRAFTER, slug=SLUG, comment_id=comment_id, outcome=Outcome.PARTLY, reason="Ditambahkan."
        )  # type: ignore[arg-type]
    answered = web.get("/me/comments")
    assert answered.context["items"][0].disposition.reason == "Ditambahkan."  # type: ignore[attr-defined]
    assert "Tindak lanjut perancang: Diterima sebagian" in answered.text


def test_a_comment_refused_because_the_window_closed_keeps_the_text(
    web: TestClient, drafter: str, stakeholder: str, db: str
) -> None:
    open_consultation(web, drafter)
    key = web.get(DRAFT).context["chapters"][0][1][0].key  # type: ignore[attr-defined]
    sign_in(web, stakeholder)
    thread = f"{DRAFT}/clauses/{key}"
    with unit_of_work(db) as s:
        window = s.exec(select(ConsultationWindow)).one()
        window.closed_at = utcnow()
    typed = "Masukan panjang yang diketik sebelum konsultasi ditutup."
    page = post_form(web, f"{thread}/comments", {"body": typed, "stance": "for"}, page=thread)
    assert page.status_code == 409 and page.template.name == "web/thread.html"  # type: ignore[attr-defined]
    assert page.context["can_comment"] is False  # type: ignore[attr-defined]
    assert "sudah ditutup" in page.context["errors"]["form"]  # type: ignore[attr-defined]
    assert THREAD_FORM.search(page.text).group(1) == typed  # type: ignore[union-attr]
    assert 'role="alert" id="form-error"' in page.text


def test_reply_errors_show_beside_that_reply_form_with_the_text_kept(
    web: TestClient, drafter: str, stakeholder: str, db: str, settings
) -> None:  # type: ignore[no-untyped-def]
    open_consultation(web, drafter)
    key = web.get(DRAFT).context["chapters"][0][1][0].key  # type: ignore[attr-defined]
    first, second = comment(db, key=key, body="Satu."), comment(db, key=key, body="Dua.")
    sign_in(web, stakeholder)
    thread = f"{DRAFT}/clauses/{key}"
    typed = "x" * (settings.comment_max_length + 1)
    long = post_form(web, f"{thread}/replies", {"parent_id": str(second), "body": typed}, page=thread)
    assert long.status_code == 422
    errors = long.context["errors"]  # type: ignore[attr-defined]
    assert list(errors) == [f"reply-{second}"] and "terlalu panjang" in errors[f"reply-{second}"]
    form = long.text.split(f'id="comment-{second}"', 1)[1]
    assert f'id="reply-{second}-error"' in form and f'aria-describedby="reply-{second}-error"' in form
    assert f">{typed}</textarea>" in form
    assert f'id="reply-{first}-error"' not in long.text
    ok = post_form(web, f"{thread}/replies", {"parent_id": str(first), "body": "Saya setuju."}, page=thread)
    assert ok.status_code == 200
    assert [r.body for r in web.get(thread).context["thread"][0].replies] == ["Saya setuju."]  # type: ignore[attr-defined]
    with unit_of_work(db) as s:
        s.exec(select(ConsultationWindow)).one().closed_at = utcnow()
    late = post_form(web, f"{thread}/replies", {"parent_id": str(first), "body": "Terlambat."}, page=thread)
    assert late.status_code == 409 and "Terlambat.</textarea>" in late.text
    assert "sudah ditutup" in late.context["errors"][f"reply-{first}"]  # type: ignore[attr-defined]


def test_a_moderators_reply_is_refused_beside_its_form_with_the_text_kept(
    web: TestClient, drafter: str, moderator: str, db: str
) -> None:
    open_consultation(web, drafter)
    key = web.get(DRAFT).context["chapters"][0][1][0].key  # type: ignore[attr-defined]
    first = comment(db, key=key, body="Satu.")
    sign_in(web, moderator)
    thread = f"{DRAFT}/clauses/{key}"
    typed = "Balasan moderator yang tidak boleh dikirim."
    refused = post_form(web, f"{thread}/replies", {"parent_id": str(first), "body": typed}, page=thread)
    assert refused.status_code == 403 and refused.template.name == "web/thread.html"  # type: ignore[attr-defined]
    errors = refused.context["errors"]  # type: ignore[attr-defined]
    assert list(errors) == [f"reply-{first}"] and "moderator menyembunyikan" in errors[f"reply-{first}"]
    form = refused.text.split(f'id="comment-{first}"', 1)[1]
    assert f'id="reply-{first}-error"' in form and f">{typed}</textarea>" in form
    assert web.get(thread).context["thread"][0].replies == []  # type: ignore[attr-defined]
    use_english(web)
    english = post_form(web, f"{thread}/replies", {"parent_id": str(first), "body": typed}, page=thread)
    assert english.status_code == 403
    assert "a moderator hides or shows comments" in english.context["errors"][f"reply-{first}"]  # type: ignore[attr-defined]
    # Commenting is refused the same way: on the thread, the typed comment kept.
    said = post_form(web, f"{thread}/comments", {"body": typed, "stance": "for"}, page=thread)
    assert said.status_code == 403 and said.template.name == "web/thread.html"  # type: ignore[attr-defined]
    assert "Only stakeholders can send comments" in said.context["errors"]["form"]  # type: ignore[attr-defined]
    assert THREAD_FORM.search(said.text).group(1) == typed  # type: ignore[union-attr]


def test_acknowledging_an_adopted_policy_once(
    web: TestClient, drafter: str, stakeholder: str, db: str
) -> None:
    open_consultation(web, drafter)
    adopt(db)
    sign_in(web, stakeholder)
    page = web.get(f"/policies/{SLUG}")
    assert page.context["adoption"].number == "12 Tahun 2026"  # type: ignore[attr-defined]
    assert (
        "Peraturan Wali Kota Nomor 12 Tahun 2026, ditetapkan pada 30 September 2026, "
        "ditandatangani oleh Wali Kota Tangerang Selatan."
    ) in page.text
    assert page.context["acknowledged"] is False  # type: ignore[attr-defined]
    for _ in range(2):
        done = post_form(
            web, f"/policies/{SLUG}/acknowledge", {}, page=f"/policies/{SLUG}", follow_redirects=False
        )
        assert done.status_code == 303 and done.headers["location"] == f"/policies/{SLUG}#acknowledgement"
    after = web.get(f"/policies/{SLUG}")
    assert after.context["acknowledged"] is True and "Anda telah mengonfirmasi" in after.text  # type: ignore[attr-defined]
    assert "Saya telah membaca kebijakan ini" not in after.text
    with unit_of_work(db) as s:
        assert len(s.exec(select(Acknowledgement)).all()) == 1


def test_acknowledge_requires_an_adopted_policy(web: TestClient, stakeholder: str) -> None:
    sign_in(web, stakeholder)
    page = post_form(web, f"/policies/{SLUG}/acknowledge", {}, page=f"/policies/{SLUG}")
    assert page.status_code == 404 and "belum ditetapkan" in page.text


def test_my_comments_needs_sign_in(web: TestClient) -> None:
    page = web.get("/me/comments", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/me/comments"
