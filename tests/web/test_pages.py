"""Page tests: each page's template and context, forms with CSRF, validation beside the field."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.access import Actor
from policies.db import unit_of_work, utcnow
from policies.evaluation.population import import_population_csv
from policies.evaluation.rounds import open_round
from policies.models import Comment, Policy, Role, Stage
from policies.settings import Settings
from service.secret_key import ensure_secret_key
from service.web.i18n import LOCALE_DIR, compile_catalog
from tests.service.conftest import SLUG, auth, open_consultation
from tests.web.conftest import csrf_of, log_in, post_form

DRAFT = f"/policies/{SLUG}/versions/1"


def test_home_lists_open_adopted_and_evaluated_in_indonesian(web: TestClient) -> None:
    page = web.get("/")
    assert page.template.name == "web/home.html"  # type: ignore[attr-defined]
    assert set(page.context) >= {"open", "adopted", "evaluating"}  # type: ignore[attr-defined]
    assert page.context["locale"] == "id"  # type: ignore[attr-defined]
    assert (
        'lang="id"' in page.text and "Beranda" in page.text and "Terbuka untuk konsultasi publik" in page.text
    )


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
    timeline = page.context["timeline"]  # type: ignore[attr-defined]
    assert [s["state"] for s in timeline][:2] == ["current", "next"]
    assert page.context["kind"].code == "kebijakan-kepegawaian"  # type: ignore[attr-defined]
    assert "BKPSDM Kota Tangerang Selatan" in page.text


def test_draft_page_has_anchored_clauses_and_counts(web: TestClient) -> None:
    page = web.get(DRAFT)
    assert page.template.name == "web/draft.html"  # type: ignore[attr-defined]
    clauses = [c for _, items in page.context["chapters"] for c in items]  # type: ignore[attr-defined]
    assert clauses and all(f'id="{c.key}"' in page.text for c in clauses)
    assert page.context["can_comment"] is False  # type: ignore[attr-defined]
    assert "0 masukan" in page.text


def test_unknown_policy_is_a_readable_404_page(web: TestClient) -> None:
    page = web.get("/policies/tidak-ada")
    assert page.status_code == 404
    assert page.template.name == "web/error.html"  # type: ignore[attr-defined]
    assert "tidak ditemukan" in page.text


def test_a_form_without_csrf_token_is_refused(web: TestClient) -> None:
    page = web.post("/login", data={"email": "x@y.id", "password": "salah-sekali"})
    assert page.status_code == 403
    assert page.template.name == "web/error.html"  # type: ignore[attr-defined]
    forged = web.post("/login", data={"email": "x@y.id", "password": "p", "csrf_token": "forged"})
    assert forged.status_code == 403


def test_register_keeps_what_was_typed_and_says_what_is_wrong(web: TestClient) -> None:
    page = post_form(
        web,
        "/register",
        {
            "name": "Sari Dewi",
            "email": "sari@asn.test",
            "password": "rahasia-123",
            "group": "asn",
            "nip": "123",
            "unit": "Dinas Kesehatan",
        },
        page="/register",
    )
    assert page.status_code == 422
    assert page.template.name == "web/register.html"  # type: ignore[attr-defined]
    assert page.context["errors"] == {"nip": "NIP ASN harus 18 digit angka."}  # type: ignore[attr-defined]
    assert 'value="Sari Dewi"' in page.text and 'value="Dinas Kesehatan"' in page.text
    assert 'aria-describedby="nip-error"' in page.text and "rahasia-123" not in page.text


def test_register_signs_in_with_an_httponly_lax_cookie(web: TestClient) -> None:
    done = post_form(
        web,
        "/register",
        {"name": "Sari Dewi", "email": "sari@warga.test", "password": "rahasia-123", "group": "public"},
        page="/register",
        follow_redirects=False,
    )
    assert done.status_code == 303
    cookie = done.headers["set-cookie"].lower()
    assert "siklus_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert web.get("/me/comments").context["actor"].name == "Sari Dewi"  # type: ignore[attr-defined]


def test_wrong_password_is_refused_beside_the_form(web: TestClient, stakeholder: str) -> None:
    page = post_form(web, "/login", {"email": "budi@asn.test", "password": "salah-salah"})
    assert page.status_code == 401
    assert "Email atau kata sandi salah" in page.text and 'value="budi@asn.test"' in page.text


def test_pages_for_signed_in_people_send_others_to_login(web: TestClient) -> None:
    page = web.get("/me/comments", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/me/comments"


def test_comment_thread_answer_and_my_comments(web: TestClient, drafter: str, stakeholder: str) -> None:
    open_consultation(web, drafter)
    key = web.get(DRAFT).context["chapters"][0][1][0].key  # type: ignore[attr-defined]
    log_in(web, "budi@asn.test")
    thread = f"{DRAFT}/clauses/{key}"
    empty = post_form(web, f"{thread}/comments", {"body": "  ", "stance": "against"}, page=thread)
    assert empty.status_code == 422 and empty.context["errors"] == {"body": "Isi masukan tidak boleh kosong."}  # type: ignore[attr-defined]
    assert empty.context["values"]["stance"] == "against"  # type: ignore[attr-defined]
    sent = post_form(
        web,
        f"{thread}/comments",
        {"body": "Tambahkan <script>alert(1)</script> **JP**", "stance": "for"},
        page=thread,
    )
    assert sent.status_code == 200 and sent.template.name == "web/thread.html"  # type: ignore[attr-defined]
    assert (
        "<script>alert" not in sent.text
        and "&lt;script&gt;" in sent.text
        and "<strong>JP</strong>" in sent.text
    )
    assert web.get(DRAFT).context["counts"] == {key: 1}  # type: ignore[attr-defined]
    with unit_of_work(web.app.state.settings.database_url) as s:  # type: ignore[attr-defined]
        comment_id = s.exec(select(Comment.id)).one()
    # The drafter answers through the triage page: the same action the API uses.
    web.cookies.clear()
    log_in(web, "rina@bkpsdm.test")
    triage = web.get(f"/policies/{SLUG}/triage?undisposed=1")
    assert triage.template.name == "web/triage.html"  # type: ignore[attr-defined]
    assert [c.id for c in triage.context["page"].items] == [comment_id]  # type: ignore[attr-defined]
    no_reason = post_form(
        web,
        f"/policies/{SLUG}/triage/comment/{comment_id}",
        {"outcome": "accepted", "reason": ""},
        page=f"/policies/{SLUG}/triage",
    )
    assert no_reason.status_code == 422 and "Alasan tindak lanjut wajib diisi" in no_reason.text
    answered = post_form(
        web,
        f"/policies/{SLUG}/triage/comment/{comment_id}",
        {"outcome": "partly", "reason": "Ditambahkan pada ayat (2).", "back": "undisposed=1"},
        page=f"/policies/{SLUG}/triage",
        follow_redirects=False,
    )
    assert answered.status_code == 303
    assert answered.headers["location"] == f"/policies/{SLUG}/triage?undisposed=1#comment-{comment_id}"
    web.cookies.clear()
    log_in(web, "budi@asn.test")
    mine = web.get("/me/comments")
    assert mine.template.name == "web/my_comments.html"  # type: ignore[attr-defined]
    assert mine.context["items"][0].disposition.reason == "Ditambahkan pada ayat (2)."  # type: ignore[attr-defined]
    assert "Diterima sebagian" in mine.text


def test_reply_to_a_comment(web: TestClient, drafter: str, stakeholder: str) -> None:
    open_consultation(web, drafter)
    key = web.get(DRAFT).context["chapters"][0][1][0].key  # type: ignore[attr-defined]
    log_in(web, "budi@asn.test")
    thread = f"{DRAFT}/clauses/{key}"
    post_form(web, f"{thread}/comments", {"body": "Masukan pertama.", "stance": "neutral"}, page=thread)
    parent = web.get(thread).context["thread"][0].comment.id  # type: ignore[attr-defined]
    post_form(web, f"{thread}/replies", {"parent_id": str(parent), "body": "Saya setuju."}, page=thread)
    assert [r.body for r in web.get(thread).context["thread"][0].replies] == ["Saya setuju."]  # type: ignore[attr-defined]


def test_cockpit_refusal_lists_every_unmet_gate(web: TestClient, drafter: str) -> None:
    assert web.post(
        f"/api/v1/policies/{SLUG}/advance", headers=auth(drafter), json={"to_stage": "workshop"}
    ).is_success
    log_in(web, "rina@bkpsdm.test")
    cockpit = f"/policies/{SLUG}/cockpit"
    page = web.get(cockpit)
    assert page.template.name == "web/cockpit.html"  # type: ignore[attr-defined]
    refused = post_form(web, f"/policies/{SLUG}/advance", {"to_stage": "consultation"}, page=cockpit)
    assert refused.status_code == 409
    gates = {f.gate for f in refused.context["refusal"].failed}  # type: ignore[attr-defined]
    assert gates == {"workshops_held", "version_published", "window_long_enough"}
    assert refused.text.count("<li>") >= 3 and "Syarat" not in refused.context["refusal"].title[:0]  # type: ignore[attr-defined]
    with unit_of_work(web.app.state.settings.database_url) as s:  # type: ignore[attr-defined]
        assert s.exec(select(Policy.stage).where(Policy.slug == SLUG)).one() == Stage.WORKSHOP


def test_advance_moves_the_policy_and_history_shows_it(web: TestClient, drafter: str) -> None:
    log_in(web, "rina@bkpsdm.test")
    cockpit = f"/policies/{SLUG}/cockpit"
    moved = post_form(
        web, f"/policies/{SLUG}/advance", {"to_stage": "workshop"}, page=cockpit, follow_redirects=False
    )
    assert moved.status_code == 303
    history = web.get(cockpit).context["history"]  # type: ignore[attr-defined]
    assert history[0].to_stage == Stage.WORKSHOP


def test_board_shows_blockers_in_plain_words(web: TestClient, drafter: str) -> None:
    log_in(web, "rina@bkpsdm.test")
    page = web.get("/board")
    assert page.template.name == "web/board.html"  # type: ignore[attr-defined]
    cards = page.context["columns"][Stage.DRAFTING]  # type: ignore[attr-defined]
    assert cards and all(c.policy.unit == "BKPSDM Kota Tangerang Selatan" for c in cards)
    assert "Siap ke" in page.text


def test_edit_previews_and_saves_a_version_keeping_clause_keys(web: TestClient, drafter: str) -> None:
    log_in(web, "rina@bkpsdm.test")
    form = web.get(f"/policies/{SLUG}/edit")
    body = form.context["values"]["body"]  # type: ignore[attr-defined]
    assert "{#" in body
    edited = body.replace("### ", "### ", 1) + "\n\n### Pasal Tambahan\n\nTeks baru."
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
    assert saved.status_code == 303 and saved.headers["location"] == f"/policies/{SLUG}/versions/2"
    diff = web.get(f"/policies/{SLUG}/versions/2/diff")
    changes = [c.change.value for c in diff.context["changes"]]  # type: ignore[attr-defined]
    assert changes.count("added") == 1 and "removed" not in changes
    empty = post_form(
        web, f"/policies/{SLUG}/edit", {"body": "", "change_note": "x"}, page=f"/policies/{SLUG}/edit"
    )
    assert empty.status_code == 422 and empty.context["values"]["change_note"] == "x"  # type: ignore[attr-defined]


def test_workshop_schedule_attendance_and_minutes(web: TestClient, drafter: str) -> None:
    log_in(web, "rina@bkpsdm.test")
    page = f"/policies/{SLUG}/workshops"
    bad = post_form(
        web, f"{page}/schedule", {"title": "Lokakarya 1", "starts_at": "", "location": "Aula"}, page=page
    )
    assert bad.status_code == 422 and bad.context["errors"] == {"starts_at": "Isi tanggal dan jam lokakarya."}  # type: ignore[attr-defined]
    assert 'value="Aula"' in bad.text
    post_form(
        web,
        f"{page}/schedule",
        {"title": "Lokakarya 1", "starts_at": "2026-08-20T09:00", "location": "Aula"},
        page=page,
    )
    workshop = web.get(page).context["workshops"][0][0]  # type: ignore[attr-defined]
    assert workshop.starts_at.hour == 2  # 09.00 WIB is 02.00 UTC
    post_form(
        web,
        f"{page}/attendance",
        {"workshop_id": str(workshop.id), "name": "Ani", "nip": "198703152010011002"},
        page=page,
    )
    post_form(web, f"{page}/minutes", {"workshop_id": str(workshop.id), "minutes": "Disepakati."}, page=page)
    shown = web.get(page)
    ws, attendance = shown.context["workshops"][0]  # type: ignore[attr-defined]
    assert [a.name for a in attendance] == ["Ani"] and ws.minutes == "Disepakati."
    assert "pukul 09.00 WIB" in shown.text and "20 Agustus 2026" in shown.text


def test_acknowledge_requires_an_adopted_policy(web: TestClient, stakeholder: str) -> None:
    log_in(web, "budi@asn.test")
    page = post_form(web, f"/policies/{SLUG}/acknowledge", {}, page=f"/policies/{SLUG}")
    assert page.status_code == 404 and "belum ditetapkan" in page.text


def test_survey_by_token_keeps_answers_on_error_and_saves_once(web: TestClient, settings: Settings) -> None:
    evaluator = Actor(id=None, name="Eva", role=Role.EVALUATOR)
    now = utcnow()
    with unit_of_work(settings.database_url) as s:
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        policy.stage = Stage.EVALUATION
        s.add(policy)
        s.flush()
        survey = open_round(
            s,
            actor=evaluator,
            slug=SLUG,
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=30),
        )
        issued = import_population_csv(
            s,
            actor=evaluator,
            round_id=survey.id,  # type: ignore[arg-type]
            csv_text="nip,nama,unit\n198703152010011002,Budi,Dinas Pendidikan\n",
            secret=ensure_secret_key(settings),
        )
        token = issued.issued[0].token
        questions = survey.questions
    page = web.get(f"/survei?token={token}")
    assert page.template.name == "web/survey.html" and page.headers["referrer-policy"] == "no-referrer"  # type: ignore[attr-defined]
    # The population names its units: the respondent picks one (their own is chosen already).
    [unit] = [q for q in page.context["questions"] if q["code"] == "unit"]  # type: ignore[attr-defined]
    assert (unit["type"], unit["options"]) == ("single", ["Dinas Pendidikan"])
    assert '<option value="Dinas Pendidikan" selected>' in page.text
    partial = post_form(web, "/survei", {"token": token, "u1": "3"}, page=f"/survei?token={token}")
    assert partial.status_code == 422 and partial.context["values"]["u1"] == 3  # type: ignore[attr-defined]
    answers = {"token": token, "golongan": "III", "years_of_service": "12"}
    for q in questions:
        if q["type"] == "scale":
            answers[q["code"]] = "3"
        elif q["type"] == "single" and q["code"] != "golongan":
            answers[q["code"]] = q["options"][0]
    done = post_form(web, "/survei", answers, page=f"/survei?token={token}")
    assert done.status_code == 200 and done.context["thanks"] is True  # type: ignore[attr-defined]
    assert web.get(f"/survei?token={token}").context["answered"] is True  # type: ignore[attr-defined]
    assert web.get("/survei?token=salah").status_code == 404


def test_secret_key_is_generated_once_and_reused(settings: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    blank = settings.model_copy(
        update={"secret_key": settings.secret_key.__class__(""), "data_dir": tmp_path}
    )
    first = ensure_secret_key(blank)
    assert len(first) > 40 and ensure_secret_key(blank) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_catalogues_compile_with_babel() -> None:
    for locale in ("id", "en"):
        assert compile_catalog(locale).suffix == ".mo"
    assert (LOCALE_DIR / "id" / "LC_MESSAGES" / "messages.mo").stat().st_size > 1000


def test_csrf_token_is_bound_to_the_browser_cookie(web: TestClient, stakeholder: str) -> None:
    token = csrf_of(web)
    other = TestClient(web.app)
    csrf_of(other)  # its own cookie, which the stolen token does not match
    stolen = other.post("/login", data={"csrf_token": token, "email": "budi@asn.test", "password": "x"})
    assert stolen.status_code == 403


def test_consultation_report_is_printable(web: TestClient, drafter: str) -> None:
    open_consultation(web, drafter)
    report = web.get(f"/policies/{SLUG}/report")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert '<link rel="stylesheet" href="/static/print.css" media="print">' in report.text
    assert web.get("/static/print.css").status_code == 200


def test_evaluation_report_in_the_visitors_language(web: TestClient, drafter: str) -> None:
    evaluator = Actor(id=None, name="Eva", role=Role.EVALUATOR)
    now = utcnow()
    with unit_of_work(web.app.state.settings.database_url) as s:  # type: ignore[attr-defined]
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        policy.stage = Stage.EVALUATION
        s.add(policy)
        s.flush()
        round_id = open_round(
            s, actor=evaluator, slug=SLUG, opens_at=now, closes_at=now + timedelta(days=30)
        ).id
    anonymous = web.get(f"/evaluation/rounds/{round_id}/report", follow_redirects=False)
    assert anonymous.status_code == 303  # an unpublished report is for the evaluators' eyes
    log_in(web, "rina@bkpsdm.test")
    assert "Survei putaran 1" in web.get(f"/policies/{SLUG}").text
    post_form(web, "/lang", {"lang": "en", "next": "/"}, page="/")
    report = web.get(f"/evaluation/rounds/{round_id}/report")
    assert report.status_code == 200 and '<html lang="en">' in report.text and "print.css" in report.text
