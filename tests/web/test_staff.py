"""Pages for drafters: the board, the cockpit, editing and publishing, workshops."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from policies.core.db import unit_of_work, utcnow
from policies.drafting.models import DraftVersion, RevisionNote
from policies.evaluation.models import SurveyRound
from policies.lifecycle.models import Policy, Stage
from policies.workshops import actions as workshops
from policies.workshops.models import Workshop
from tests.drafts import with_new_pasal
from tests.service.conftest import auth
from tests.web.conftest import DRAFTER, SLUG, post_form, sign_in, use_english

COCKPIT = f"/policies/{SLUG}/cockpit"
WORKSHOPS = f"/policies/{SLUG}/workshops"


def _refusal_block(text: str) -> str:
    return text.split('id="refusal"', 1)[1].split("</div>", 1)[0]


def test_cockpit_refusal_lists_every_unmet_gate(web: TestClient, drafter: str) -> None:
    assert web.post(
        f"/api/v1/policies/{SLUG}/advance", headers=auth(drafter), json={"to_stage": "workshop"}
    ).is_success
    sign_in(web, drafter)
    page = web.get(COCKPIT)
    assert page.template.name == "web/cockpit.html"  # type: ignore[attr-defined]
    refused = post_form(web, f"/policies/{SLUG}/advance", {"to_stage": "consultation"}, page=COCKPIT)
    assert refused.status_code == 409
    failed = refused.context["refusal"].failed  # type: ignore[attr-defined]
    assert {f.gate for f in failed} == {"workshops_held", "version_published", "window_long_enough"}
    block = _refusal_block(refused.text)
    assert "Tahap tidak berubah" in block and "Semua syarat yang belum terpenuhi:" in block
    assert re.findall(r"<li>(.*?)</li>", block) == [f.reason for f in failed]
    with unit_of_work(web.app.state.settings.database_url) as s:  # type: ignore[attr-defined]
        assert s.exec(select(Policy.stage).where(Policy.slug == SLUG)).one() == Stage.WORKSHOP
    use_english(web)
    english = post_form(web, f"/policies/{SLUG}/advance", {"to_stage": "consultation"}, page=COCKPIT)
    reasons = re.findall(r"<li>(.*?)</li>", _refusal_block(english.text))
    assert reasons == [f.reason_en for f in english.context["refusal"].failed]  # type: ignore[attr-defined]
    assert "The stage was not changed" in english.text and all(reasons)


def test_cockpit_keeps_the_typed_reason_of_the_refused_step(web: TestClient, drafter: str) -> None:
    sign_in(web, drafter)
    refused = post_form(
        web, f"/policies/{SLUG}/advance", {"to_stage": "withdrawn", "reason": "  "}, page=COCKPIT
    )
    assert refused.status_code == 409 and "Pencabutan kebijakan wajib disertai alasan." in refused.text
    note = post_form(
        web,
        f"/policies/{SLUG}/advance",
        {"to_stage": "workshop", "reason": "Draf siap dibahas", "expected_version": "99"},
        page=COCKPIT,
    )
    assert note.status_code == 409 and "diubah orang lain" in note.text
    assert 'id="reason-workshop" name="reason" value="Draf siap dibahas"' in note.text
    assert 'id="reason-withdrawn" name="reason" value=""' in note.text
    bad = post_form(web, f"/policies/{SLUG}/advance", {"to_stage": "ke-bulan"}, page=COCKPIT)
    assert bad.status_code == 409 and "Pilih tahap tujuan." in bad.text


def test_cockpit_is_for_the_owning_unit_and_admins(
    web: TestClient, drafter: str, other_drafter: str, stakeholder: str, moderator: str, admin: str
) -> None:
    assert web.get(COCKPIT, follow_redirects=False).headers["location"] == f"/login?next={COCKPIT}"
    for email, token in (
        ("budi@asn.test", stakeholder),
        ("joko@lampung.test", other_drafter),
        ("maya@siklus.test", moderator),
    ):
        sign_in(web, token)
        page = web.get(COCKPIT)
        assert page.status_code == 403 and page.template.name == "web/error.html", email  # type: ignore[attr-defined]
        assert page.context["title"] == "Tidak diizinkan"  # type: ignore[attr-defined]
        # Even a refused form never shows them the cockpit.
        bogus = post_form(web, f"/policies/{SLUG}/advance", {"to_stage": "ke-bulan"}, page="/")
        assert bogus.status_code == 403 and bogus.template.name == "web/error.html", email  # type: ignore[attr-defined]
    for email, token in (("rina@bkpsdm.test", drafter), ("ani@siklus.test", admin)):
        sign_in(web, token)
        assert web.get(COCKPIT).status_code == 200, email


def test_advance_moves_the_policy_and_history_shows_it(web: TestClient, drafter: str) -> None:
    sign_in(web, drafter)
    moved = post_form(
        web, f"/policies/{SLUG}/advance", {"to_stage": "workshop"}, page=COCKPIT, follow_redirects=False
    )
    assert moved.status_code == 303
    history = web.get(COCKPIT).context["history"]  # type: ignore[attr-defined]
    assert history[0].to_stage == Stage.WORKSHOP


def test_publishing_from_the_cockpit(web: TestClient, drafter: str, other_drafter: str, db: str) -> None:
    sign_in(web, other_drafter)
    foreign = post_form(web, f"/policies/{SLUG}/versions/1/publish", {}, page="/")
    assert foreign.status_code == 403
    sign_in(web, drafter)
    assert "Terbitkan versi 1" in web.get(COCKPIT).text

    def published() -> object:
        with unit_of_work(db) as s:
            return s.exec(
                select(DraftVersion.published_at)
                .join(Policy)
                .where(Policy.slug == SLUG, DraftVersion.number == 1)
            ).one()

    # Publishing freezes the text for good: the form first asks, and nothing is kept until confirmed.
    asked = post_form(web, f"/policies/{SLUG}/versions/1/publish", {}, page=COCKPIT, follow_redirects=False)
    assert asked.status_code == 200 and asked.template.name == "web/confirm.html"  # type: ignore[attr-defined]
    assert "Tindakan ini tidak dapat dibatalkan." in asked.text and published() is None
    done = post_form(
        web, f"/policies/{SLUG}/versions/1/publish", {"confirm": "1"}, page=COCKPIT, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == COCKPIT
    assert published() is not None
    page = web.get(COCKPIT)
    assert "Terbitkan versi 1" not in page.text and re.search(r"diterbitkan \d+ \w+ 20\d\d", page.text)
    missing = post_form(web, f"/policies/{SLUG}/versions/7/publish", {}, page=COCKPIT)
    assert missing.status_code == 404 and "Versi 7 tidak ditemukan." in missing.text


def test_board_shows_blockers_and_what_is_due_soon(web: TestClient, drafter: str, db: str) -> None:
    sign_in(web, drafter)
    with unit_of_work(db) as s:
        workshops.schedule_workshop(
            s,
            actor=DRAFTER,
            slug=SLUG,
            title="Lokakarya Jabatan Fungsional",
            starts_at=utcnow() + timedelta(days=3),
            location="Aula",
        )
        workshops.schedule_workshop(
            s,
            actor=DRAFTER,
            slug=SLUG,
            title="Lokakarya Jauh",
            starts_at=utcnow() + timedelta(days=60),
            location="Aula",
        )
    page = web.get("/board")
    assert page.template.name == "web/board.html"  # type: ignore[attr-defined]
    cards = page.context["columns"][Stage.DRAFTING]  # type: ignore[attr-defined]
    assert cards and all(c.policy.unit == "BKPSDM Kota Tangerang Selatan" for c in cards)
    assert "Siap ke Lokakarya" in page.text and "Papan kerja: BKPSDM Kota Tangerang Selatan" in page.text
    card = next(c for c in cards if c.policy.slug == SLUG)
    assert [d.what for d in card.due] == ["Lokakarya: Lokakarya Jabatan Fungsional"]
    assert re.search(
        r"Segera jatuh tempo.*Lokakarya: Lokakarya Jabatan Fungsional — \d+ \w+ 20\d\d, pukul",
        page.text,
        re.S,
    )
    assert "Lokakarya Jauh" not in page.text


def test_edit_previews_and_saves_a_version_keeping_clause_keys(web: TestClient, drafter: str) -> None:
    sign_in(web, drafter)
    form = web.get(f"/policies/{SLUG}/edit")
    body = form.context["values"]["body"]  # type: ignore[attr-defined]
    assert "{#" in body
    edited = with_new_pasal(body, "Teks baru.")
    preview = post_form(
        web, f"/policies/{SLUG}/edit", {"body": edited, "preview": "1"}, page=f"/policies/{SLUG}/edit"
    )
    assert preview.context["preview"] and preview.context["values"]["body"] == edited  # type: ignore[attr-defined]
    saved = post_form(
        web,
        f"/policies/{SLUG}/edit",
        {"body": edited, "change_note": "Tambah pasal"},
        page=f"/policies/{SLUG}/edit",
        follow_redirects=False,
    )
    # Version 1 is not published yet: the text goes into it instead of leaving it behind.
    assert saved.status_code == 303 and saved.headers["location"] == f"/policies/{SLUG}/versions/1"
    published = post_form(
        web,
        f"/policies/{SLUG}/versions/1/publish",
        {"confirm": "1"},
        page=f"/policies/{SLUG}/edit",
        follow_redirects=False,
    )
    assert published.status_code == 303
    again = web.get(f"/policies/{SLUG}/edit").context["values"]["body"]  # type: ignore[attr-defined]
    saved = post_form(
        web,
        f"/policies/{SLUG}/edit",
        {"body": with_new_pasal(again, "Teks lain."), "change_note": "Tambah pasal"},
        page=f"/policies/{SLUG}/edit",
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"/policies/{SLUG}/versions/2"
    diff = web.get(f"/policies/{SLUG}/versions/2/diff")
    changes = [c.change.value for c in diff.context["changes"]]  # type: ignore[attr-defined]
    assert changes.count("added") == 1 and "removed" not in changes
    empty = post_form(
        web, f"/policies/{SLUG}/edit", {"body": "", "change_note": "x"}, page=f"/policies/{SLUG}/edit"
    )
    assert empty.status_code == 422 and empty.context["values"]["change_note"] == "x"  # type: ignore[attr-defined]


def test_workshop_schedule_attendance_and_minutes(web: TestClient, drafter: str) -> None:
    sign_in(web, drafter)
    bad = post_form(
        web,
        f"{WORKSHOPS}/schedule",
        {"title": "Lokakarya 1", "starts_at": "", "location": "Aula"},
        page=WORKSHOPS,
    )
    assert bad.status_code == 422 and bad.context["errors"] == {"starts_at": "Isi tanggal dan jam lokakarya."}  # type: ignore[attr-defined]
    assert 'value="Aula"' in bad.text and 'aria-describedby="starts_at-error"' in bad.text
    post_form(
        web,
        f"{WORKSHOPS}/schedule",
        {"title": "Lokakarya 1", "starts_at": "2026-08-20T09:00", "location": "Aula"},
        page=WORKSHOPS,
    )
    workshop = web.get(WORKSHOPS).context["workshops"][0][0]  # type: ignore[attr-defined]
    assert workshop.starts_at.hour == 2  # 09.00 WIB is 02.00 UTC
    post_form(
        web,
        f"{WORKSHOPS}/attendance",
        {"workshop_id": str(workshop.id), "name": "Ani", "nip": "198703152010011002"},
        page=WORKSHOPS,
    )
    post_form(
        web,
        f"{WORKSHOPS}/minutes",
        {"workshop_id": str(workshop.id), "minutes": "Disepakati."},
        page=WORKSHOPS,
    )
    shown = web.get(WORKSHOPS)
    ws, attendance = shown.context["workshops"][0]  # type: ignore[attr-defined]
    assert [a.name for a in attendance] == ["Ani"] and ws.minutes == "Disepakati."
    assert "pukul 09.00 WIB" in shown.text and "20 Agustus 2026" in shown.text


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("schedule", {"title": "T" * 301, "location": "Aula"}, "title"),
        ("schedule", {"title": "Lo", "location": "Aula"}, "title"),
        ("schedule", {"title": "Lokakarya", "location": "A" * 301}, "location"),
        (
            "schedule",
            {"title": "Lokakarya", "location": "Aula", "online_url": "https://x.id/" + "a" * 500},
            "online_url",
        ),
        ("schedule", {"title": "Lokakarya", "location": "Aula", "agenda": "a" * 20_001}, "agenda"),
        ("schedule", {"title": "Lokakarya\x00", "location": "Aula"}, "title"),
        ("attendance", {"name": "N" * 201}, "name"),
        ("attendance", {"name": "Ani", "unit": "U" * 201}, "unit"),
        ("attendance", {"name": "Ani", "nip": "1" * 31}, "nip"),
        ("minutes", {"minutes": "Notula\x00"}, "minutes"),
    ],
)
def test_workshop_forms_apply_the_api_limits_beside_the_field(
    web: TestClient, drafter: str, db: str, action: str, data: dict[str, str], field: str
) -> None:
    with unit_of_work(db) as s:
        wid = workshops.schedule_workshop(
            s, actor=DRAFTER, slug=SLUG, title="Lokakarya 0", starts_at=utcnow(), location="Aula"
        ).id
    sign_in(web, drafter)
    sent = (
        {"starts_at": "2026-08-20T09:00", **data}
        if action == "schedule"
        else {"workshop_id": str(wid), **data}
    )
    page = post_form(web, f"{WORKSHOPS}/{action}", sent, page=WORKSHOPS)
    assert page.status_code == 422
    assert list(page.context["errors"]) == [field]  # type: ignore[attr-defined]
    assert f'aria-describedby="{field}-error"' in page.text
    with unit_of_work(db) as s:
        assert len(s.exec(select(Workshop)).all()) == 1


def test_a_bad_or_unknown_workshop_is_a_clear_page(web: TestClient, drafter: str) -> None:
    sign_in(web, drafter)
    letters = post_form(
        web, f"{WORKSHOPS}/minutes", {"workshop_id": "abc", "minutes": "Notula."}, page=WORKSHOPS
    )
    assert letters.status_code == 422 and letters.template.name == "web/workshops.html"  # type: ignore[attr-defined]
    assert "tidak menyebut lokakarya yang valid" in letters.context["errors"]["page"]  # type: ignore[attr-defined]
    unknown = post_form(web, f"{WORKSHOPS}/attendance", {"workshop_id": "999", "name": "Ani"}, page=WORKSHOPS)
    assert unknown.status_code == 404 and unknown.template.name == "web/workshops.html"  # type: ignore[attr-defined]
    assert unknown.context["errors"] == {"page": "Lokakarya 999 tidak ditemukan pada kebijakan ini."}  # type: ignore[attr-defined]
    action = post_form(web, f"{WORKSHOPS}/hapus", {}, page=WORKSHOPS)
    assert action.status_code == 404 and "tidak dikenal" in action.text
    use_english(web)
    english = post_form(web, f"{WORKSHOPS}/attendance", {"workshop_id": "999", "name": "Ani"}, page=WORKSHOPS)
    assert english.context["errors"] == {"page": "Workshop 999 was not found on this policy."}  # type: ignore[attr-defined]
    date = post_form(web, f"{WORKSHOPS}/schedule", {"title": "Lokakarya", "location": "Aula"}, page=WORKSHOPS)
    assert date.context["errors"] == {"starts_at": "Fill in the workshop's date and time."}  # type: ignore[attr-defined]


def test_workshops_are_for_the_owning_unit(web: TestClient, other_drafter: str) -> None:
    sign_in(web, other_drafter)
    assert web.get(WORKSHOPS).status_code == 403
    sent = post_form(
        web,
        f"{WORKSHOPS}/schedule",
        {"title": "Lokakarya", "starts_at": "2026-08-20T09:00", "location": "Aula"},
        page="/",
    )
    assert sent.status_code == 403 and sent.template.name == "web/error.html"  # type: ignore[attr-defined]


def test_cockpit_shows_this_cycles_revision_notes_with_reason_and_round(
    web: TestClient, drafter: str, db: str
) -> None:
    sign_in(web, drafter)
    assert web.get(COCKPIT).context["revision_notes"] == []  # type: ignore[attr-defined]
    assert "Belum ada catatan revisi untuk siklus ini." in web.get(COCKPIT).text
    now = utcnow()
    with unit_of_work(db) as s:
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        policy.stage, policy.cycle = Stage.REVISION, 2
        survey = SurveyRound(
            policy_id=policy.id, cycle=1, number=3, opens_at=now - timedelta(days=40), closes_at=now
        )
        s.add(survey)
        s.flush()
        s.add_all(
            [
                RevisionNote(
                    policy_id=policy.id,
                    cycle=1,
                    source="comment",
                    source_id=1,
                    summary="Catatan siklus lalu.",
                ),
                RevisionNote(
                    policy_id=policy.id,
                    cycle=2,
                    source="comment",
                    source_id=7,
                    clause_key="pasal-2",
                    summary="Masukan Budi: rinci target JP.",
                    summary_en="Comment by Budi: detail the JP target.",
                    detail="Tindak lanjut: diterima — Dimuat dalam lampiran.",
                    detail_en="Disposition: accepted — Added as an annex.",
                ),
                RevisionNote(
                    policy_id=policy.id,
                    cycle=2,
                    source="recommendation",
                    source_id=1,
                    reason_code="unsur:u8",
                    round_id=survey.id,
                    summary="Unsur penanganan pengaduan di bawah target.",
                    summary_en="The complaints element is below target.",
                    detail="NRR 2,10 dari target 3,00.",
                    detail_en="NRR 2.10 against a target of 3.00.",
                ),
            ]
        )
    page = web.get(COCKPIT)
    notes = page.context["revision_notes"]  # type: ignore[attr-defined]
    assert [n.summary for n in notes] == [
        "Masukan Budi: rinci target JP.",
        "Unsur penanganan pengaduan di bawah target.",
    ]
    section = page.text.split('id="revision-notes"', 1)[1].split("</section>", 1)[0]
    assert "Catatan revisi" in page.text and "Catatan siklus lalu." not in section
    assert "Dari masukan konsultasi publik" in section and "Pasal pasal-2" in section
    assert "Alasan: Tindak lanjut: diterima — Dimuat dalam lampiran." in section
    assert "Dari rekomendasi revisi hasil survei</strong> · Survei putaran 3" in section
    use_english(web)
    english = web.get(COCKPIT).text.split('id="revision-notes"', 1)[1].split("</section>", 1)[0]
    assert "From the survey's revision recommendation</strong> · Survey round 3" in english.replace(
        "&#39;", "'"
    )
    assert "Comment by Budi: detail the JP target." in english and "Reason: Disposition: accepted" in english
