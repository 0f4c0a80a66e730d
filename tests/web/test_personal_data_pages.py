"""On the pages, the daftar hadir with its NIPs is the owning unit's: nobody else meets a NIP anywhere."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.web.render import SESSION_COOKIE
from tests.service.conftest import auth
from tests.web.conftest import SLUG, post_form, sign_in

WORKSHOPS = f"/policies/{SLUG}/workshops"
NIP = "199001012015031001"
PUBLIC_PAGES = ["/", f"/policies/{SLUG}", f"/policies/{SLUG}/versions/1", WORKSHOPS]


def test_only_the_owning_unit_reads_the_attendance_nips_on_the_pages(
    web: TestClient, drafter: str, other_drafter: str, stakeholder: str
) -> None:
    assert web.post(
        f"/api/v1/policies/{SLUG}/advance", headers=auth(drafter), json={"to_stage": "workshop"}
    ).is_success
    sign_in(web, drafter)
    post_form(
        web,
        f"{WORKSHOPS}/schedule",
        {"title": "Lokakarya 1", "starts_at": "2026-08-20T09:00", "location": "Aula"},
        page=WORKSHOPS,
    )
    workshop = web.get(WORKSHOPS).context["workshops"][0][0]  # type: ignore[attr-defined]
    added = post_form(
        web,
        f"{WORKSHOPS}/attendance",
        {"workshop_id": str(workshop.id), "name": "Ahmad Fauzi", "nip": NIP, "unit": "Kecamatan Pamulang"},
        page=WORKSHOPS,
    )
    assert added.status_code == 200 and NIP in web.get(WORKSHOPS).text
    for who in (None, stakeholder, other_drafter):
        web.cookies.delete(SESSION_COOKIE)
        if who is not None:
            sign_in(web, who)
        for page in PUBLIC_PAGES:
            shown = web.get(page, headers={"Accept": "text/html"})
            assert shown.status_code < 500, page
            assert NIP not in shown.text and "Ahmad Fauzi" not in shown.text, (who, page)
        refused = web.get(WORKSHOPS, headers={"Accept": "text/html"}, follow_redirects=False)
        if who is None:  # a visitor is sent to sign in first
            assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
        else:
            assert refused.status_code == 403, refused.status_code
