"""A browser that meets an error outside a page's own handling gets a page; the API keeps problem+json."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from policies.core.settings import Settings
from service.app import create_app
from tests.web.conftest import use_english

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_an_unknown_address_is_a_page_for_a_browser_and_a_problem_for_a_script(web: TestClient) -> None:
    page = web.get("/tidak/ada", headers=BROWSER)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert page.template.name == "web/error.html"  # type: ignore[attr-defined]
    assert page.context["title"] == "Tidak ditemukan"  # type: ignore[attr-defined]
    assert "Alamat /tidak/ada tidak ada." in page.text and 'href="/"' in page.text
    script = web.get("/tidak/ada")  # curl and httpx send */*
    assert script.status_code == 404 and script.headers["content-type"] == "application/problem+json"
    assert script.json()["type"].endswith("/http-404")
    api = web.get("/api/v1/tidak-ada", headers=BROWSER)  # the API never answers with a page
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"


def test_a_method_a_page_does_not_take_is_a_page_keeping_allow(web: TestClient) -> None:
    page = web.put("/login", headers=BROWSER)
    assert page.status_code == 405 and page.headers["content-type"].startswith("text/html")
    assert "Metode PUT tidak diizinkan pada /login." in page.text
    assert "GET" in page.headers["allow"]


def test_the_error_page_speaks_the_pages_language_not_the_browsers(web: TestClient) -> None:
    # A browser always sends Accept-Language; the page follows the language the visitor chose.
    indonesian = web.get("/tidak/ada", headers={**BROWSER, "Accept-Language": "en-US,en;q=0.9"})
    assert 'lang="id"' in indonesian.text and "<h1>Tidak ditemukan</h1>" in indonesian.text
    use_english(web)
    english = web.get("/tidak/ada", headers={**BROWSER, "Accept-Language": "id"})
    assert 'lang="en"' in english.text and "<h1>Not found</h1>" in english.text
    assert "There is nothing at /tidak/ada." in english.text


def test_a_database_out_of_reach_is_a_503_page_with_retry_after(tmp_path: Path, settings: Settings) -> None:
    url = f"sqlite:///{tmp_path}"  # a directory: SQLite cannot open it
    with TestClient(create_app(settings.model_copy(update={"database_url": url}))) as client:
        page = client.get("/", headers=BROWSER)
        api = client.get("/api/v1/policies", headers=BROWSER)
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    assert page.headers["retry-after"] == "5"
    assert "<h1>Basis data sedang sibuk</h1>" in page.text and "muat ulang" in page.text
    assert api.status_code == 503 and api.headers["content-type"] == "application/problem+json"
