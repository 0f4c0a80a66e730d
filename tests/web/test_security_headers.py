"""Every answer carries the security headers: pages, the API, its docs, static files and errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policies.core.settings import Settings
from service.headers import CSP, DOCUMENT_CSP
from tests.conftest import app_for
from tests.web.conftest import csrf_of

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [*ROOT.glob("service/templates/**/*.html"), *ROOT.glob("policies/*/templates/*.j2")]
HTML = {"Accept": "text/html"}
ADDRESSES = [
    "/",  # a page
    "/login",  # a page with a form
    "/tidak/ada",  # an error page (as a browser asks for it below)
    "/static/siklus.css",
    "/static/siklus.js",
    "/api/v1/kinds",
    "/api/v1/tidak-ada",  # a problem
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/api/v1/docs/assets/swagger-ui-bundle.js",
    "/healthz",
]


def _has_the_headers(response: object, *, hsts: bool) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["content-security-policy"] == CSP, response
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert ("strict-transport-security" in headers) is hsts


@pytest.mark.parametrize("address", ADDRESSES)
def test_every_kind_of_answer_carries_the_headers_without_hsts_over_http(
    web: TestClient, address: str
) -> None:
    response = web.get(address, headers=HTML if not address.startswith("/api/") else {})
    assert response.status_code < 500, response.text
    _has_the_headers(response, hsts=False)


def test_an_https_base_url_adds_hsts_and_every_cookie_is_secure(settings: Settings, catalog: None) -> None:
    app = app_for(settings.model_copy(update={"base_url": "https://siklus.example"}))
    with TestClient(app, base_url="https://testserver") as client:
        for address in ("/", "/api/v1/kinds", "/api/v1/docs"):
            response = client.get(address)
            _has_the_headers(response, hsts=True)
            assert response.headers["strict-transport-security"].startswith("max-age=31536000")
        token = csrf_of(client, "/")
        switched = client.post(
            "/lang", data={"csrf_token": token, "lang": "en", "next": "/"}, follow_redirects=False
        )
        assert switched.status_code == 303
        cookies = switched.headers.get_list("set-cookie")
        language = [c for c in cookies if c.startswith("siklus_lang=")]
        assert language and all("secure" in c.lower().split("; ") for c in cookies), cookies
        first = client.get("/login")  # a fresh visitor's CSRF cookie, for comparison
    assert all("secure" in c.lower().split("; ") for c in first.headers.get_list("set-cookie"))


def test_over_http_the_language_cookie_is_not_marked_secure(web: TestClient) -> None:
    token = csrf_of(web, "/")
    switched = web.post(
        "/lang", data={"csrf_token": token, "lang": "en", "next": "/"}, follow_redirects=False
    )
    language = [c for c in switched.headers.get_list("set-cookie") if c.startswith("siklus_lang=")]
    assert language and "secure" not in language[0].lower().split("; ")


def test_a_page_that_sends_no_referrer_keeps_its_stricter_policy(web: TestClient) -> None:
    survey = web.get("/survei?token=tidak-dikenal")
    assert survey.headers["referrer-policy"] == "no-referrer"
    assert survey.headers["content-security-policy"] == CSP


def test_a_standalone_html_report_may_style_itself_but_runs_no_script(web: TestClient) -> None:
    report = web.get("/api/v1/policies/tidak-ada/consultation/report.html")
    assert report.headers["content-security-policy"] == DOCUMENT_CSP
    assert "script-src 'self'" in DOCUMENT_CSP and "style-src 'unsafe-inline'" in DOCUMENT_CSP


def test_the_api_docs_load_only_local_files_and_no_inline_script(web: TestClient) -> None:
    docs = web.get("/api/v1/docs")
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", docs.text, re.S)
    assert scripts and all(body.strip() == "" for _, body in scripts), scripts
    sources = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    for source in sources:
        asset = web.get(source)
        assert asset.status_code == 200, source
    bundle = web.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert "javascript" in bundle.headers["content-type"] and "SwaggerUIBundle" in bundle.text


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_holds_an_inline_script_or_event_handler(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text, re.I), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", text, re.I), "an on* event handler attribute"
    assert "javascript:" not in text.lower()
