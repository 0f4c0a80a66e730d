"""Signing up, in and out on the pages: the API's rules beside each field, nothing typed lost."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from policies.accounts.models import ApiToken
from policies.core.db import unit_of_work
from tests.web.conftest import log_in, post_form, use_english

SARI = {"name": "Sari Dewi", "email": "sari@warga.test", "password": "rahasia-123", "group": "public"}


def test_register_keeps_what_was_typed_and_says_what_is_wrong(web: TestClient) -> None:
    page = post_form(
        web,
        "/register",
        {**SARI, "group": "asn", "nip": "123", "unit": "Dinas Kesehatan"},
        page="/register",
    )
    assert page.status_code == 422
    assert page.template.name == "web/register.html"  # type: ignore[attr-defined]
    assert page.context["errors"] == {"nip": "NIP ASN harus 18 digit angka."}  # type: ignore[attr-defined]
    assert 'value="Sari Dewi"' in page.text and 'value="Dinas Kesehatan"' in page.text
    assert 'aria-describedby="nip-error"' in page.text and "rahasia-123" not in page.text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "N" * 201),
        ("unit", "U" * 201),
        ("email", "a" * 250 + "@x.id"),
        ("password", "p" * 201),
        ("name", "Sari\x00Dewi"),
    ],
)
def test_register_applies_the_api_limits_beside_the_field(web: TestClient, field: str, value: str) -> None:
    page = post_form(web, "/register", {**SARI, field: value}, page="/register")
    assert page.status_code == 422, page.text[:500]
    assert list(page.context["errors"]) == [field]  # type: ignore[attr-defined]
    assert f'id="{field}-error"' in page.text and f'aria-describedby="{field}-error"' in page.text


def test_register_refuses_a_name_on_two_lines_beside_the_field(web: TestClient) -> None:
    page = post_form(web, "/register", {**SARI, "name": "Sari\nBcc: mallory@evil.example"}, page="/register")
    assert page.status_code == 422
    assert page.context["errors"] == {  # type: ignore[attr-defined]
        "name": "Nama harus satu baris: hapus baris baru, tab dan karakter kontrol lainnya lalu kirim lagi."
    }


def test_register_refusals_in_english(web: TestClient) -> None:
    use_english(web)
    page = post_form(web, "/register", {**SARI, "name": "N" * 201}, page="/register")
    assert page.context["errors"] == {  # type: ignore[attr-defined]
        "name": "The name may be at most 200 characters long (this one has 201)."
    }
    group = post_form(web, "/register", {**SARI, "group": "alien"}, page="/register")
    assert group.context["errors"] == {"group": "Choose whom you speak for."}  # type: ignore[attr-defined]


def test_register_says_to_check_the_email_the_same_way_for_a_known_email(web: TestClient) -> None:
    done = post_form(web, "/register", SARI, page="/register", follow_redirects=False)
    assert done.status_code == 200 and done.template.name == "web/registered.html"  # type: ignore[attr-defined]
    assert "Periksa email Anda" in done.text and "sari@warga.test" in done.text
    assert "siklus_session=" not in done.headers.get("set-cookie", "")  # nobody is signed in
    again = post_form(web, "/register", {**SARI, "password": "kata-sandi-lain-9"}, page="/register")
    assert again.status_code == done.status_code
    assert again.context["detail"] == done.context["detail"]  # type: ignore[attr-defined]
    signed = post_form(
        web, "/login", {"email": "sari@warga.test", "password": "rahasia-123"}, follow_redirects=False
    )
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"].lower()
    assert "siklus_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert web.get("/me/comments").context["actor"].name == "Sari Dewi"  # type: ignore[attr-defined]


def test_wrong_password_is_refused_beside_the_form(web: TestClient, stakeholder: str) -> None:
    page = post_form(web, "/login", {"email": "budi@asn.test", "password": "salah-salah"})
    assert page.status_code == 401
    assert "Email atau kata sandi salah" in page.text and 'value="budi@asn.test"' in page.text
    use_english(web)
    english = post_form(web, "/login", {"email": "budi@asn.test", "password": "salah-salah"})
    assert "Wrong email or password." in english.text


@pytest.mark.parametrize(("email", "password"), [("budi@asn.test", "p" * 5000), ("b\x00@asn.test", "x")])
def test_login_with_input_no_account_can_have_is_a_plain_refusal(
    web: TestClient, stakeholder: str, email: str, password: str
) -> None:
    page = post_form(web, "/login", {"email": email, "password": password})
    assert page.status_code == 401 and "Email atau kata sandi salah" in page.text


def test_logout_revokes_the_token_and_forgets_the_cookie(web: TestClient, stakeholder: str, db: str) -> None:
    log_in(web, "budi@asn.test")
    assert web.get("/me/comments").status_code == 200
    out = post_form(web, "/logout", {}, page="/", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/"
    forget = out.headers["set-cookie"].lower()
    assert forget.startswith('siklus_session="";') and "max-age=0" in forget
    with unit_of_work(db) as s:
        revoked = [t.revoked_at for t in s.exec(select(ApiToken)).all() if t.revoked_at is not None]
    assert len(revoked) == 1  # the browser's token, not the fixture's API token
    again = web.get("/me/comments", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/login?next=/me/comments"
    home = web.get("/")
    assert home.context["actor"] is None and "Keluar" not in home.text  # type: ignore[attr-defined]
