"""Tracking pages: the receipt after posting, the public status (no account), the calendar, the board."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.service.conftest import open_consultation
from tests.web.conftest import DRAFT, post_form, sign_in

NUMBER = re.compile(r"SKL-[2-9A-Z]{4}-[2-9A-Z]{4}")


def test_a_citizen_gets_a_number_and_anyone_can_look_it_up(
    web: TestClient, drafter: str, stakeholder: str
) -> None:
    open_consultation(web, drafter)
    key = web.get(DRAFT).context["chapters"][0][1][0].key  # type: ignore[attr-defined]
    thread = f"{DRAFT}/clauses/{key}"
    sign_in(web, stakeholder)
    sent = post_form(
        web, f"{thread}/comments", {"body": "Mohon dirinci per jabatan.", "stance": "for"}, page=thread
    )
    assert sent.status_code == 200 and sent.context["receipt"] is not None  # type: ignore[attr-defined]
    receipt = sent.context["receipt"]  # type: ignore[attr-defined]
    assert f"Nomor pelacakan Anda: {receipt.tracking_number}." in sent.text
    assert "Jawaban paling lambat" in sent.text
    inbox = web.get("/inbox")
    assert f"Tanda terima {receipt.tracking_number}" in inbox.text
    assert receipt.tracking_number in web.get("/me/comments").text

    web.cookies.clear()  # a visitor without an account
    form = web.get("/track")
    assert form.status_code == 200 and 'name="number"' in form.text
    found = web.get("/track", params={"number": receipt.tracking_number.lower()}, follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == f"/track/{receipt.tracking_number}"
    status = web.get(f"/track/{receipt.tracking_number}")
    assert status.status_code == 200 and status.context["status"].body == "Mohon dirinci per jabatan."  # type: ignore[attr-defined]
    assert 'id="track-state" class="pending">Menunggu jawaban, paling lambat' in status.text
    mistyped = web.get("/track", params={"number": "SKL-12"})
    assert mistyped.status_code == 404 and "bukan nomor pelacakan" in mistyped.text
    unknown = web.get("/track/SKL-2222-2222")
    assert (
        unknown.status_code == 404
        and "Tidak ada masukan dengan nomor pelacakan SKL-2222-2222" in unknown.text
    )

    sign_in(web, drafter)
    board = web.get("/board")
    (owed,) = board.context["clocks"].owed  # type: ignore[attr-defined]
    assert owed.tracking_number == receipt.tracking_number and owed.state == "due"
    assert f'<a href="/track/{owed.tracking_number}">' in board.text


def test_only_admins_amend_the_calendar_in_the_pages(web: TestClient, admin: str, drafter: str) -> None:
    sign_in(web, drafter)
    assert web.get("/admin/holidays").status_code == 403
    sign_in(web, admin)
    page = web.get("/admin/holidays", params={"year": "2026"})
    assert page.status_code == 200 and "Cuti bersama Idul Fitri 1447 H" in page.text
    assert "Hari Raya Idul Fitri" in page.text  # the national list, in Indonesian
    blank = post_form(
        web,
        "/admin/holidays",
        {"closed_on": "2026-10-02", "name": "", "kind": "regional"},
        page="/admin/holidays",
    )
    assert blank.status_code == 422 and 'id="name-error"' in blank.text
    made = post_form(
        web,
        "/admin/holidays",
        {"closed_on": "2026-10-02", "name": "Hari Jadi Kota", "kind": "regional", "basis": "Perwal 7/2026"},
        page="/admin/holidays",
    )
    assert made.status_code == 200 and "Hari Jadi Kota" in made.text
    (row,) = [h for h in made.context["recorded"] if h.name == "Hari Jadi Kota"]  # type: ignore[attr-defined]
    removed = post_form(web, f"/admin/holidays/{row.id}/delete", {}, page="/admin/holidays")
    assert removed.status_code == 200 and "Hari Jadi Kota" not in removed.text
