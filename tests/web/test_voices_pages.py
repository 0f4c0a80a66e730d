"""The pages of offline inputs, comments on behalf of signatories and "not me" reviews: who may open
them, what a refusal says, and what each role sees."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.consultation.models import Comment
from policies.consultation.queries import current_window
from policies.core.db import unit_of_work
from policies.drafting.queries.elements import elements_of
from policies.lifecycle.queries import get_policy
from tests.service.conftest import SLUG, open_consultation
from tests.web.conftest import clause_keys, csrf_of, post_form, sign_in

INPUTS = f"/policies/{SLUG}/offline-inputs"
BEHALF = f"/policies/{SLUG}/on-behalf"


def test_the_offline_form_is_for_officers_and_refusals_keep_what_was_typed(
    web: TestClient, drafter: str, stakeholder: str, moderator: str, db: str
) -> None:
    open_consultation(web, drafter)
    key = clause_keys(db)[0]
    sign_in(web, stakeholder)
    assert web.get(INPUTS).status_code == 403
    sign_in(web, moderator)
    assert web.get(INPUTS).status_code == 200  # moderators record too
    sign_in(web, drafter)
    typed = {
        "clause_key": key,
        "source": "letter",
        "attributed_to": "Serikat Guru Honorer",
        "author_group": "union",
        "occasion": "surat nomor 7/SGH/2026",
        "occasion_on": "",
        "body": "Kami mohon jam pelatihan dikurangi.",
    }
    refused = post_form(web, INPUTS, typed, page=INPUTS)
    assert refused.status_code == 422 and set(refused.context["errors"]) == {"occasion_on"}  # type: ignore[attr-defined]
    assert "Kami mohon jam pelatihan dikurangi." in refused.text
    made = post_form(web, INPUTS, {**typed, "occasion_on": "2026-01-05"}, page=INPUTS)
    assert made.status_code == 200 and "Disampaikan melalui surat oleh Serikat Guru Honorer" in made.text
    converted = post_form(web, f"{INPUTS}/workshops", {}, page=INPUTS)
    assert converted.status_code == 200 and "Hasil lokakarya dijadikan masukan: 0 baru." in converted.text


def test_a_comment_on_behalf_shows_its_count_and_only_moderators_open_the_names(
    web: TestClient, drafter: str, stakeholder: str, moderator: str, db: str
) -> None:
    open_consultation(web, drafter)
    key = clause_keys(db)[0]
    sign_in(web, stakeholder)
    empty = post_form(
        web,
        BEHALF,
        {"clause_key": key, "organisation": "KORPRI", "body": "Tolak.", "signatories": ""},
        page=BEHALF,
    )
    assert empty.status_code == 422 and "signatories" in empty.context["errors"]  # type: ignore[attr-defined]
    sent = web.post(
        BEHALF,
        data={
            "csrf_token": csrf_of(web, BEHALF),
            "clause_key": key,
            "organisation": "KORPRI Ranting",
            "body": "Tolak.",
        },
        files={"signatories_file": ("daftar.csv", b"nama,nip\nAni,\nBudi,\nAni,\n", "text/csv")},
    )
    assert sent.status_code == 200 and "Dikirim oleh KORPRI Ranting atas nama 2 penanda tangan." in sent.text
    assert "See the signatories" not in sent.text and "Lihat penanda tangan" not in sent.text
    comment_id = sent.context["thread"][0].id  # type: ignore[attr-defined]
    names = f"/policies/{SLUG}/comments/{comment_id}/signatories"
    assert web.get(names).status_code == 403
    sign_in(web, moderator)
    assert "Lihat penanda tangan" in web.get(sent.url.path).text
    listed = web.get(names)
    assert listed.status_code == 200 and listed.context["names"] == ["Ani", "Budi"]  # type: ignore[attr-defined]


def test_the_review_queue_is_for_moderators(web: TestClient, stakeholder: str, moderator: str) -> None:
    sign_in(web, stakeholder)
    assert web.get("/moderation/not-me").status_code == 403
    sign_in(web, moderator)
    page = web.get("/moderation/not-me")
    assert page.status_code == 200 and "Tidak ada laporan yang menunggu peninjauan." in page.text
    refused = post_form(
        web, f"/moderation/not-me/{SLUG}/99", {"verdict": "maybe", "reason": "x"}, page="/moderation/not-me"
    )
    assert refused.status_code == 422 and refused.context["errors"] == {  # type: ignore[attr-defined]
        "review-99": "Pilih hasil peninjauan: dikabulkan atau ditolak."
    }
    assert web.get("/bukan-saya?token=abc").status_code == 200  # opening the link changes nothing
    bad = post_form(web, "/bukan-saya", {"token": "abc"}, page="/bukan-saya")
    assert bad.status_code == 422 and "tidak berlaku" in bad.text


def test_the_not_me_form_answers_alike_whether_or_not_the_address_matched(
    web: TestClient, drafter: str, stakeholder: str, db: str
) -> None:
    open_consultation(web, drafter)
    key = clause_keys(db)[0]
    made = web.post(
        f"/api/v1/policies/{SLUG}/comments",
        headers={"Authorization": f"Bearer {stakeholder}"},
        json={"clause_key": key, "body": "Setuju."},
    )
    form = f"/policies/{SLUG}/comments/{made.json()['id']}/not-me"
    page = web.get(form)  # no account needed
    assert page.status_code == 200 and "Setuju." in page.text
    blank = post_form(web, form, {"email": "", "nip": ""}, page=form)
    assert blank.status_code == 422 and "email" in blank.context["errors"]  # type: ignore[attr-defined]
    other = post_form(web, form, {"email": "orang@lain.test"}, page=form)
    mine = post_form(web, form, {"email": "budi@asn.test"}, page=form)
    assert other.status_code == mine.status_code == 200
    assert other.context["sent"] and mine.context["sent"]  # type: ignore[attr-defined]
    notice = "tautan konfirmasi telah dikirim ke alamat email masukan tersebut"
    assert notice in other.text and notice in mine.text


def test_a_moderator_finds_the_offline_form_and_anchors_an_input_to_a_part_or_a_quote(
    web: TestClient, drafter: str, moderator: str, db: str
) -> None:
    open_consultation(web, drafter)
    first = clause_keys(db)[0]
    sign_in(web, moderator)
    assert f'href="{INPUTS}"' in web.get("/moderation").text  # where moderators work
    board = web.get("/board").text
    assert f'href="{INPUTS}"' in board and "/cockpit" not in board  # the cockpit is the drafters'
    page = web.get(INPUTS).text
    assert '<a href="/moderation">' in page  # back to where the moderator came from
    assert "/offline-inputs/workshops" not in page  # the workshops are the unit's to convert
    picker = re.search(r'<select id="element_key".*?</select>', page, re.S)
    assert picker is not None
    parts = re.findall(r'<option value="([^"]+)"', picker.group(0))
    assert parts, "the form offers the parts of each clause"
    with unit_of_work(db) as s:
        window = current_window(s, policy=get_policy(s, slug=SLUG))
        assert window is not None
        part = next(e for e in elements_of(session=s, version_id=window.version_id) if e.key == parts[-1])
        label, clause_of_part, words = part.label, part.clause_key, part.text.split()[:3]
    typed = {
        "clause_key": first,  # another clause: the part chosen names its own
        "source": "oral",
        "attributed_to": "Pak Darto",
        "author_group": "public",
        "occasion": "sosialisasi di Kecamatan Ciputat",
        "occasion_on": "2026-01-05",
        "body": "Bagian ini perlu contoh.",
        "element_key": part.key,
        "anchor_quote": "kata yang tidak ada di teks",
    }
    refused = post_form(web, INPUTS, typed, page=INPUTS)
    assert refused.status_code == 422 and set(refused.context["errors"]) == {"anchor_quote"}  # type: ignore[attr-defined]
    assert "Pak Darto" in refused.text
    made = post_form(web, INPUTS, {**typed, "anchor_quote": " ".join(words)}, page=INPUTS)
    assert made.status_code == 200 and label in made.text
    with unit_of_work(db) as s:
        stored = s.exec(select(Comment).where(Comment.author_name == "Pak Darto")).one()
        assert (stored.clause_key, stored.element_key, stored.quote) == (
            clause_of_part,
            part.key,
            " ".join(words),
        )
    assert stored.tracking_number in made.text  # the officer hands the number over
    web.cookies.clear()  # the status page needs no account, and says who gave the input and where
    tracked = web.get(f"/track/{stored.tracking_number}")
    assert tracked.status_code == 200 and "Disampaikan lisan oleh Pak Darto pada sosialisasi" in tracked.text
