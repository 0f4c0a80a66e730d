"""The pages of email verification and of a throttled sign-in: what each state says, nothing typed lost."""

from __future__ import annotations

from fastapi.testclient import TestClient

from policies.core.settings import Settings
from tests.service.test_registration import emailed_link
from tests.web.conftest import post_form, use_english

SARI = {"name": "Sari Dewi", "email": "sari@warga.test", "password": "rahasia-sari-1", "group": "public"}


def _sign_in(web: TestClient, *, password: str = "rahasia-sari-1") -> object:
    sent = {"email": "sari@warga.test", "password": password}
    return post_form(web, "/login", sent, follow_redirects=False)


def test_the_emailed_link_opens_a_page_whose_button_verifies(web: TestClient, settings: Settings) -> None:
    post_form(web, "/register", SARI, page="/register")
    link = emailed_link(settings, email="sari@warga.test")
    path = link.removeprefix(settings.base_url)
    opened = web.get(path)
    assert opened.status_code == 200 and "Verifikasi email saya" in opened.text
    assert 'href="/login?next=' not in opened.text  # the token stays out of the login link
    token = path.split("token=", 1)[1]
    done = post_form(web, "/verify-email", {"token": token}, page=path)
    assert done.status_code == 200 and "sudah terverifikasi" in done.text
    assert _sign_in(web).status_code == 303  # type: ignore[attr-defined]
    assert "Alamat email Anda sudah terverifikasi." in web.get("/verify-email").text


def test_a_bad_link_says_what_to_do_on_the_page(web: TestClient) -> None:
    page = post_form(web, "/verify-email", {"token": "bukan-token"}, page="/verify-email?token=x")
    assert page.status_code == 422 and "Tautan verifikasi ini tidak berlaku" in page.text


def test_a_signed_in_unverified_account_can_ask_for_the_email_again(web: TestClient) -> None:
    post_form(web, "/register", SARI, page="/register")
    _sign_in(web)
    state = web.get("/verify-email")
    assert "belum terverifikasi" in state.text and "Kirim ulang email verifikasi" in state.text
    sent = post_form(web, "/verify-email/resend", {}, page="/verify-email")
    assert sent.status_code == 200 and "Email verifikasi baru sedang dikirim ke sari@warga.test" in sent.text


def test_a_throttled_login_says_how_long_to_wait_beside_the_form(web: TestClient, stakeholder: str) -> None:
    for _ in range(5):
        wrong = post_form(web, "/login", {"email": "budi@asn.test", "password": "salah-salah"})
        assert wrong.status_code == 401
    page = post_form(web, "/login", {"email": "budi@asn.test", "password": "salah-salah"})
    assert page.status_code == 429 and 1 <= int(page.headers["Retry-After"]) <= 30
    assert "Terlalu banyak percobaan masuk yang gagal" in page.text and "detik" in page.text
    assert 'value="budi@asn.test"' in page.text
    use_english(web)
    english = post_form(web, "/login", {"email": "budi@asn.test", "password": "salah-salah"})
    assert "Too many failed sign-ins for this email" in english.text


def test_a_weak_password_is_refused_beside_the_field(web: TestClient) -> None:
    page = post_form(web, "/register", {**SARI, "password": "password1"}, page="/register")
    assert page.status_code == 422
    assert list(page.context["errors"]) == ["password"]  # type: ignore[attr-defined]
    assert "paling sering dipakai" in page.text and 'aria-describedby="password-error"' in page.text
