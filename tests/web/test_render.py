"""What every page shares: safe redirects, CSRF, the login trip, readable error pages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.secret_key import ensure_secret_key
from service.web.render import safe_next
from tests.web.conftest import DRAFT, SLUG, csrf_of, post_form, sign_in, use_english


@pytest.mark.parametrize(
    "value",
    [
        "//evil.example",
        "/\\evil.example",
        "\\evil.example",
        "\\\\evil.example",
        "http://evil.example",
        "https://evil.example/x",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "/%2fevil.example",
        "/%5Cevil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\\evil.example",
        " /evil",
        "evil.example",
        "",
    ],
)
def test_safe_next_refuses_every_way_off_the_site(value: str) -> None:
    assert safe_next(value) == "/"


@pytest.mark.parametrize(
    "value", ["/", "/me/comments", "/policies/a/versions/1?x=1&y=%2F#k", "/a/b\\c", "/login?next=/"]
)
def test_safe_next_keeps_paths_of_this_site(value: str) -> None:
    assert safe_next(value) == value


def test_login_comes_back_to_the_path_with_its_query(web: TestClient, stakeholder: str) -> None:
    sent = web.get("/me/comments?tab=semua&urut=baru", follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == "/login?next=/me/comments%3Ftab%3Dsemua%26urut%3Dbaru"
    form = web.get(sent.headers["location"])
    assert form.context["next"] == "/me/comments?tab=semua&urut=baru"  # type: ignore[attr-defined]
    done = post_form(
        web,
        "/login",
        {"email": "budi@asn.test", "password": "kata-sandi-uji-123", "next": form.context["next"]},  # type: ignore[attr-defined]
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/me/comments?tab=semua&urut=baru"
    forged = post_form(
        web,
        "/login",
        {"email": "budi@asn.test", "password": "kata-sandi-uji-123", "next": "/\\evil.example"},
        follow_redirects=False,
    )
    assert forged.headers["location"] == "/"


def test_a_form_sent_signed_out_returns_to_the_page_that_held_it(web: TestClient) -> None:
    token = csrf_of(web, f"/policies/{SLUG}")
    sent = web.post(
        f"/policies/{SLUG}/acknowledge",
        data={"csrf_token": token},
        headers={"referer": f"http://testserver/policies/{SLUG}?from=home"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/login?next=/policies/{SLUG}%3Ffrom%3Dhome"


@pytest.mark.parametrize(
    "path",
    [
        f"{DRAFT.rsplit('/', 1)[0]}/satu",
        f"{DRAFT.rsplit('/', 1)[0]}/99999999999",
        f"{DRAFT.rsplit('/', 1)[0]}/0/diff",
        "/evaluation/rounds/abc/report",
        "/evaluation/rounds/99999999999/report",
    ],
)
def test_bad_numbers_in_a_page_address_give_the_html_error_page(web: TestClient, path: str) -> None:
    page = web.get(path)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert page.template.name == "web/error.html"  # type: ignore[attr-defined]
    assert page.context["title"] == "Halaman tidak ditemukan"  # type: ignore[attr-defined]


def test_a_bad_number_in_a_form_address_is_an_html_page_too(web: TestClient, drafter: str) -> None:
    sign_in(web, drafter)
    page = post_form(web, f"/policies/{SLUG}/versions/tiga/publish", {}, page=f"/policies/{SLUG}/cockpit")
    assert page.status_code == 404 and page.template.name == "web/error.html"  # type: ignore[attr-defined]


def test_error_pages_speak_english_when_chosen(web: TestClient) -> None:
    use_english(web)
    page = web.get(f"{DRAFT.rsplit('/', 1)[0]}/satu")
    assert page.status_code == 404 and 'lang="en"' in page.text
    assert page.context["title"] == "Page not found"  # type: ignore[attr-defined]
    assert "check the numbers in it" in page.text
    unknown = web.get("/policies/tidak-ada")
    assert unknown.status_code == 404 and "<h1>Not found</h1>" in unknown.text
    assert "Log in" in unknown.text  # a signed-out visitor is offered the way in


def test_unknown_policy_is_a_readable_404_page(web: TestClient) -> None:
    page = web.get("/policies/tidak-ada")
    assert page.status_code == 404
    assert page.template.name == "web/error.html"  # type: ignore[attr-defined]
    assert "tidak ditemukan" in page.text


def test_a_form_without_csrf_token_is_refused(web: TestClient) -> None:
    page = web.post("/login", data={"email": "x@y.id", "password": "salah-sekali"})
    assert page.status_code == 403
    assert page.template.name == "web/error.html"  # type: ignore[attr-defined]
    assert page.context["title"] == "Formulir kedaluwarsa"  # type: ignore[attr-defined]
    forged = web.post("/login", data={"email": "x@y.id", "password": "p", "csrf_token": "forged"})
    assert forged.status_code == 403


def test_csrf_token_is_bound_to_the_browser_cookie(web: TestClient, stakeholder: str) -> None:
    token = csrf_of(web)
    other = TestClient(web.app)
    csrf_of(other)  # its own cookie, which the stolen token does not match
    stolen = other.post("/login", data={"csrf_token": token, "email": "budi@asn.test", "password": "x"})
    assert stolen.status_code == 403


def test_secret_key_is_generated_once_and_reused(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    blank = settings.model_copy(
        update={"secret_key": settings.secret_key.__class__(""), "data_dir": tmp_path}
    )
    first = ensure_secret_key(blank)
    assert len(first) > 40 and ensure_secret_key(blank) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_a_refused_form_links_back_to_the_page_that_held_it(web: TestClient, drafter: str) -> None:
    sign_in(web, drafter)
    page = f"/policies/{SLUG}/workshops"
    token = csrf_of(web, page)
    refused = web.post(
        f"{page}/schedule",
        data={"csrf_token": token, "title": "Lokakarya", "location": "Aula"},
        headers={"referer": f"http://testserver{page}?lihat=semua"},
    )
    assert refused.status_code == 422
    # The language form returns to the workshop page, not to the form's address (which has no GET).
    assert refused.context["current_path"] == f"{page}?lihat=semua"  # type: ignore[attr-defined]
    assert f'name="next" value="{page}?lihat=semua"' in refused.text
    elsewhere = web.post(
        f"{page}/schedule",
        data={"csrf_token": token, "title": "Lokakarya", "location": "Aula"},
        headers={"referer": "http://evil.example//evil.example/x"},
    )
    assert elsewhere.context["current_path"] == "/"  # type: ignore[attr-defined]
