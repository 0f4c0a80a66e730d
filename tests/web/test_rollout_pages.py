"""The roll-out pages: adoption (with its confirmation), socialization sessions with attendance and the
reach, mentoring pairs; refusals for the wrong role, errors beside their field with the values kept."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.core.db import unit_of_work
from policies.rollout.models import Adoption
from tests.conftest import DRAFTER
from tests.rollout_walk import closed_consultation, to_socialization
from tests.web.conftest import SLUG, post_form, sign_in, use_english

ADOPTION = f"/policies/{SLUG}/adoption"
SOCIALIZATION = f"/policies/{SLUG}/socialization"
MENTORING = f"/policies/{SLUG}/mentoring"
NIP = "198703152010011002"
GOOD_ADOPTION = {
    "version_number": "1",
    "instrument_type": "Peraturan Wali Kota",
    "number": "12 Tahun 2026",
    "adopted_on": "2026-09-30",
    "signed_by": "Wali Kota Tangerang Selatan",
}


def _adoptions(db: str) -> int:
    with unit_of_work(db) as s:
        return len(s.exec(select(Adoption)).all())


def test_only_the_owning_unit_opens_or_sends_the_adoption_form(
    web: TestClient, db: str, stakeholder: str, other_drafter: str
) -> None:
    closed_consultation(db, actor=DRAFTER)
    for token in (stakeholder, other_drafter):
        sign_in(web, token)
        assert web.get(ADOPTION).status_code == 403
        refused = post_form(web, ADOPTION, {**GOOD_ADOPTION, "confirmed": "1"}, page="/")
        assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")
    assert _adoptions(db) == 0


def test_the_adoption_is_checked_then_confirmed_then_shown(web: TestClient, db: str, drafter: str) -> None:
    closed_consultation(db, actor=DRAFTER)
    sign_in(web, drafter)
    bad = post_form(web, ADOPTION, {**GOOD_ADOPTION, "number": "", "adopted_on": "30/09"}, page=ADOPTION)
    assert bad.status_code == 422
    errors = bad.context["errors"]  # type: ignore[attr-defined]
    # Every bad field at once, each beside its field, and a summary above linking to each.
    assert set(errors) == {"number", "adopted_on"} and 'aria-describedby="number-error"' in bad.text
    assert 'aria-describedby="adopted_on-error"' in bad.text and 'id="error-summary"' in bad.text
    assert 'href="#number"' in bad.text and 'href="#adopted_on"' in bad.text
    assert 'value="30/09"' in bad.text
    assert 'value="Wali Kota Tangerang Selatan"' in bad.text and 'value="Peraturan Wali Kota"' in bad.text
    bad_date = post_form(web, ADOPTION, {**GOOD_ADOPTION, "adopted_on": "30/09"}, page=ADOPTION)
    assert bad_date.context["errors"] == {"adopted_on": "Isi tanggal dengan benar (hari, bulan, tahun)."}  # type: ignore[attr-defined]
    # The first send only asks to confirm: nothing is recorded yet.
    asked = post_form(web, ADOPTION, GOOD_ADOPTION, page=ADOPTION)
    assert asked.status_code == 200 and asked.context["confirm"]["number"] == "12 Tahun 2026"  # type: ignore[attr-defined]
    assert "tidak dapat diubah atau dihapus" in asked.text and _adoptions(db) == 0
    back = post_form(web, ADOPTION, {**GOOD_ADOPTION, "confirmed": "1", "revise": "1"}, page=ADOPTION)
    assert back.context["confirm"] is None and 'value="12 Tahun 2026"' in back.text  # type: ignore[attr-defined]
    assert _adoptions(db) == 0
    done = post_form(
        web, ADOPTION, {**GOOD_ADOPTION, "confirmed": "1"}, page=ADOPTION, follow_redirects=False
    )
    assert done.status_code == 303 and _adoptions(db) == 1
    shown = web.get(ADOPTION)
    assert (
        "12 Tahun 2026" in shown.text
        and "30 September 2026" in shown.text
        and 'name="signed_by"' not in shown.text
    )
    twice = post_form(web, ADOPTION, {**GOOD_ADOPTION, "confirmed": "1"}, page=ADOPTION)
    assert twice.status_code == 409 and "sudah dicatat" in twice.text and _adoptions(db) == 1


def test_sessions_and_attendance_refuse_other_roles(web: TestClient, db: str, stakeholder: str) -> None:
    to_socialization(db, actor=DRAFTER)
    sign_in(web, stakeholder)
    page = web.get(SOCIALIZATION)
    assert (
        page.status_code == 200
        and 'action="/policies/' not in page.text.split("</header>")[1].split("<footer")[0]
    )
    refused = post_form(
        web, f"{SOCIALIZATION}/sessions", {"title": "Sosialisasi", "held_on": "2026-09-01"}, page="/"
    )
    assert refused.status_code == 403


def test_a_session_is_scheduled_its_attendance_taken_and_the_nips_kept_to_the_unit(
    web: TestClient, db: str, drafter: str, stakeholder: str
) -> None:
    to_socialization(db, actor=DRAFTER)
    sign_in(web, drafter)
    bad = post_form(
        web,
        f"{SOCIALIZATION}/sessions",
        {"title": "Sosialisasi Kecamatan", "held_on": "", "location": "Aula"},
        page=SOCIALIZATION,
    )
    assert bad.status_code == 422 and list(bad.context["errors"]) == ["held_on"]  # type: ignore[attr-defined]
    assert 'value="Sosialisasi Kecamatan"' in bad.text and 'value="Aula"' in bad.text
    made = post_form(
        web,
        f"{SOCIALIZATION}/sessions",
        {
            "title": "Sosialisasi Kecamatan",
            "held_on": "2026-09-01",
            "audience_units": "Dinas Pendidikan\nRSUD",
        },
        page=SOCIALIZATION,
        follow_redirects=False,
    )
    assert made.status_code == 303
    session_id = int(made.headers["location"].rsplit("-", 1)[1])
    attendance = f"{SOCIALIZATION}/sessions/{session_id}/attendance"
    wrong = post_form(
        web, attendance, {"name": "Sari Dewi", "nip": "123", "unit": "RSUD"}, page=SOCIALIZATION
    )
    assert wrong.status_code == 422 and wrong.context["errors"] == {"nip": "NIP terdiri atas 18 angka."}  # type: ignore[attr-defined]
    assert 'value="Sari Dewi"' in wrong.text and 'aria-describedby="nip-error"' in wrong.text
    post_form(web, attendance, {"name": "Sari Dewi", "nip": NIP, "unit": "RSUD"}, page=SOCIALIZATION)
    mine = web.get(SOCIALIZATION)
    assert "Sari Dewi" in mine.text and NIP in mine.text and "Dinas Pendidikan, RSUD" in mine.text
    sign_in(web, stakeholder)
    theirs = web.get(SOCIALIZATION)
    # This kind keeps participation to counts: neither the name nor the NIP reaches a stakeholder.
    assert "Sari Dewi" not in theirs.text and NIP not in theirs.text and "1 orang" in theirs.text


def test_the_reach_counts_the_acknowledgement_a_stakeholder_gives_on_the_policy_page(
    web: TestClient, db: str, drafter: str, stakeholder: str
) -> None:
    to_socialization(db, actor=DRAFTER)
    sign_in(web, stakeholder)
    policy_page = web.get(f"/policies/{SLUG}")
    assert f'action="/policies/{SLUG}/acknowledge"' in policy_page.text
    done = post_form(
        web, f"/policies/{SLUG}/acknowledge", {}, page=f"/policies/{SLUG}", follow_redirects=False
    )
    assert done.status_code == 303
    assert "Anda telah mengonfirmasi membaca kebijakan ini." in web.get(f"/policies/{SLUG}").text
    sign_in(web, drafter)
    reach = web.get(SOCIALIZATION).context["reach"]  # type: ignore[attr-defined]
    assert (reach.acknowledgements, reach.audience_size) == (1, 8500)
    assert "1 dari 8.500" in web.get(SOCIALIZATION).text


def test_only_those_the_domain_lets_acknowledge_are_offered_the_button(
    web: TestClient, db: str, drafter: str, admin: str, moderator: str, evaluator: str
) -> None:
    to_socialization(db, actor=DRAFTER)
    button = f'action="/policies/{SLUG}/acknowledge"'
    for token in (drafter, admin, moderator, evaluator):
        sign_in(web, token)
        page = web.get(f"/policies/{SLUG}")
        assert page.status_code == 200 and "Instrumen penetapan" in page.text
        assert button not in page.text, token  # the button would only lead to a 403 page
        refused = post_form(web, f"/policies/{SLUG}/acknowledge", {}, page=f"/policies/{SLUG}")
        assert refused.status_code == 403  # the domain refuses them, so the page does not offer it


def test_mentoring_pairs_are_added_by_the_unit_and_read_without_nips_by_others(
    web: TestClient, db: str, drafter: str, stakeholder: str
) -> None:
    sign_in(web, stakeholder)
    assert (
        post_form(
            web,
            MENTORING,
            {"mentor_name": "Ani", "mentee_name": "Budi", "started_on": "2026-09-01"},
            page="/",
        ).status_code
        == 403
    )
    sign_in(web, drafter)
    bad = post_form(
        web,
        MENTORING,
        {"mentor_name": "Ani Senior", "mentor_nip": NIP, "mentee_name": "", "started_on": "2026-09-01"},
        page=MENTORING,
    )
    assert bad.status_code == 422 and list(bad.context["errors"]) == ["mentee_name"]  # type: ignore[attr-defined]
    assert 'value="Ani Senior"' in bad.text and f'value="{NIP}"' in bad.text
    done = post_form(
        web,
        MENTORING,
        {
            "mentor_name": "Ani Senior",
            "mentor_nip": NIP,
            "mentee_name": "Budi Muda",
            "unit": "RSUD",
            "started_on": "2026-09-01",
        },
        page=MENTORING,
        follow_redirects=False,
    )
    assert done.status_code == 303
    mine = web.get(MENTORING)
    assert "Budi Muda" in mine.text and NIP in mine.text and "1 September 2026" in mine.text
    sign_in(web, stakeholder)
    theirs = web.get(MENTORING)
    assert theirs.context["count"] == 1 and NIP not in theirs.text and "Budi Muda" not in theirs.text  # type: ignore[attr-defined]


def test_the_roll_out_pages_read_in_english_and_say_when_sessions_come(
    web: TestClient, db: str, drafter: str
) -> None:
    closed_consultation(db, actor=DRAFTER)
    sign_in(web, drafter)
    early = web.get(SOCIALIZATION)
    assert "Sesi dijadwalkan dan daftar hadirnya dicatat pada tahap sosialisasi" in early.text
    assert 'name="held_on"' not in early.text
    use_english(web)
    assert "Record the adoption (penetapan)" in web.get(ADOPTION).text
    assert "Reach of cycle 1" in web.get(SOCIALIZATION).text and "8,500" in web.get(SOCIALIZATION).text
    assert "Add a mentoring pair" in web.get(MENTORING).text
    assert "A version can be edited until it is published" in web.get(f"/policies/{SLUG}/versions").text
