"""The versions page: an unpublished version is edited in place and can be discarded after a
confirmation; a published one can be neither; only the owning unit may do either."""

from __future__ import annotations

from fastapi.testclient import TestClient

from policies.core.db import unit_of_work
from policies.drafting.queries import list_versions
from policies.lifecycle.queries import get_policy
from tests.web.conftest import SLUG, post_form, sign_in

VERSIONS = f"/policies/{SLUG}/versions"
TEXT = "# Perwal Uji\n## BAB I\n### Pasal 1\nIsi pertama."


def _numbers(db: str) -> list[tuple[int, bool]]:
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        return [(v.number, v.published_at is not None) for v in list_versions(s, policy_id=policy.id)]  # type: ignore[arg-type]


def test_other_roles_neither_edit_nor_discard_a_version(
    web: TestClient, db: str, stakeholder: str, other_drafter: str
) -> None:
    for token in (stakeholder, other_drafter):
        sign_in(web, token)
        assert web.get(f"{VERSIONS}/1/edit").status_code == 403
        assert web.get(f"{VERSIONS}/1/discard").status_code == 403
        edit = post_form(web, f"{VERSIONS}/1/edit", {"body": TEXT}, page="/")
        gone = post_form(web, f"{VERSIONS}/1/discard", {}, page="/")
        assert (edit.status_code, gone.status_code) == (403, 403)
        assert "Ubah versi 1" not in web.get(VERSIONS).text
    assert _numbers(db) == [(1, False)]


def test_an_unpublished_version_is_edited_in_place_with_errors_beside_the_text(
    web: TestClient, db: str, drafter: str
) -> None:
    sign_in(web, drafter)
    listed = web.get(VERSIONS)
    assert f'href="{VERSIONS}/1/edit"' in listed.text and f'href="{VERSIONS}/1/discard"' in listed.text
    form = web.get(f"{VERSIONS}/1/edit")
    assert "Menyimpan akan memperbarui versi 1" in form.text and "{#" in form.context["values"]["body"]  # type: ignore[attr-defined]
    empty = post_form(web, f"{VERSIONS}/1/edit", {"body": "", "change_note": "Catatan saya"}, page=VERSIONS)
    assert empty.status_code == 422 and list(empty.context["errors"]) == ["body"]  # type: ignore[attr-defined]
    assert 'value="Catatan saya"' in empty.text and 'aria-describedby="body-error"' in empty.text
    saved = post_form(
        web,
        f"{VERSIONS}/1/edit",
        {"body": TEXT, "change_note": "Ditulis ulang"},
        page=VERSIONS,
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"{VERSIONS}/1"
    assert _numbers(db) == [(1, False)] and "Isi pertama." in web.get(f"{VERSIONS}/1").text


def test_discarding_asks_first_and_a_published_version_stays(web: TestClient, db: str, drafter: str) -> None:
    sign_in(web, drafter)
    post_form(web, f"{VERSIONS}/1/publish", {"confirm": "1"}, page=VERSIONS)  # as its confirmation page sends
    post_form(web, f"/policies/{SLUG}/edit", {"body": TEXT, "change_note": "Versi 2"}, page=VERSIONS)
    assert _numbers(db) == [(1, True), (2, False)]
    assert web.get(f"{VERSIONS}/1/edit").status_code == 409
    assert web.get(f"{VERSIONS}/1/discard").status_code == 409
    kept = post_form(web, f"{VERSIONS}/1/discard", {}, page=VERSIONS)
    assert kept.status_code == 409 and "sudah diterbitkan" in kept.text
    asked = web.get(f"{VERSIONS}/2/discard")
    assert (
        asked.status_code == 200
        and "tidak dapat dikembalikan" in asked.text
        and _numbers(db) == [(1, True), (2, False)]
    )
    gone = post_form(web, f"{VERSIONS}/2/discard", {}, page=f"{VERSIONS}/2/discard", follow_redirects=False)
    assert gone.status_code == 303 and _numbers(db) == [(1, True)]
    assert "Versi 2 telah dibuang." in web.get(gone.headers["location"]).text
