"""The notice settings page: each kind's cadence saved, a bad choice refused, duties said to stay."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import post_form, sign_in

SETTINGS = "/account/notifications"


def test_the_settings_save_a_cadence_refuse_an_unknown_one_and_say_duties_always_come(
    web: TestClient, stakeholder: str
) -> None:
    assert web.get(SETTINGS, follow_redirects=False).status_code == 303  # signed out: to the login
    sign_in(web, stakeholder)
    page = web.get(SETTINGS)
    assert page.status_code == 200 and 'id="duties-note"' in page.text
    assert "selalu dikirim" in page.text
    saved = post_form(web, SETTINGS, {"stage": "daily", "answer": "off"}, page=SETTINGS)
    assert saved.status_code == 200 and "tersimpan" in saved.text.lower()
    assert '<option value="daily" selected' in saved.text and '<option value="off" selected' in saved.text
    refused = post_form(web, SETTINGS, {"stage": "hourly"}, page=SETTINGS)
    assert refused.status_code == 422 and "hourly" in refused.text
