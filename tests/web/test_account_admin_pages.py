"""The admins' accounts pages: only admins read them; the English page; a typed value kept on refusal."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import post_form, sign_in, use_english


def test_only_admins_open_the_accounts_pages(web: TestClient, admin: str, drafter: str) -> None:
    sign_in(web, drafter)
    assert web.get("/admin/accounts").status_code == 403
    assert web.get("/admin/accounts/1").status_code == 403
    assert 'href="/admin/accounts"' not in web.get("/").text
    sign_in(web, admin)
    assert 'href="/admin/accounts"' in web.get("/").text
    listed = web.get("/admin/accounts")
    assert listed.status_code == 200 and "rina@bkpsdm.test" in listed.text
    assert web.get("/admin/accounts/99999").status_code == 404


def test_a_refused_staff_account_keeps_what_was_typed_but_never_the_password(
    web: TestClient, admin: str
) -> None:
    sign_in(web, admin)
    use_english(web)
    sent = post_form(
        web,
        "/admin/accounts",
        {"name": "Budi", "email": "budi@siklus.test", "password": "rahasia-baru-2026", "role": "drafter"},
        page="/admin/accounts",
    )
    assert sent.status_code == 422 and "A drafter must belong to one unit" in sent.text
    assert 'value="budi@siklus.test"' in sent.text and "rahasia-baru-2026" not in sent.text
    assert "Make a staff account" in sent.text
