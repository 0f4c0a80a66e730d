"""Positions on the pages: the sign-up form keeps a jabatan; the owner maps a part to a position."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import select

from policies.accounts.models import Account
from policies.core.db import unit_of_work
from tests.policies.reack_setup import adopt_twice
from tests.web.conftest import SLUG, post_form, sign_in

SCOPES = f"/policies/{SLUG}/element-scopes"
SARI = {"name": "Sari Dewi", "email": "sari@warga.test", "password": "rahasia-123", "group": "public"}


def test_sign_up_keeps_a_trimmed_position_and_refuses_a_long_one_beside_the_field(
    web: TestClient, db: str
) -> None:
    form = web.get("/register")
    assert 'name="position"' in form.text and "Jabatan (opsional)" in form.text
    long = post_form(web, "/register", {**SARI, "position": "J" * 121}, page="/register")
    assert long.status_code == 422 and 'aria-describedby="position-error"' in long.text
    assert "J" * 121 in long.text  # what was typed is kept
    done = post_form(web, "/register", {**SARI, "position": "  Kepala Seksi "}, page="/register")
    assert done.status_code == 200
    with unit_of_work(db) as s:
        assert s.exec(select(Account.position).where(Account.email == SARI["email"])).one() == "Kepala Seksi"


def test_the_owner_maps_a_part_to_a_position_and_reads_the_reach_per_position(
    web: TestClient, db: str, drafter: str, stakeholder: str
) -> None:
    with unit_of_work(db) as s:
        budi = s.exec(select(Account).where(Account.email == "budi@asn.test")).one()
        budi.position = "Kepala Sekolah"
        s.add(budi)
    made = adopt_twice(db, scoped=False, people={"budi": budi})
    key = made.keys["Pasal 1 ayat (1)"]

    sign_in(web, stakeholder)
    refused = post_form(
        web, SCOPES, {"element_key": key, "position": "Guru"}, page="/", follow_redirects=False
    )
    assert refused.status_code == 403

    sign_in(web, drafter)
    page = web.get(SCOPES)
    assert page.status_code == 200 and 'id="position"' in page.text and "Jangkauan per jabatan" in page.text
    both = post_form(
        web, SCOPES, {"element_key": key, "unit": "Dinas Pendidikan", "position": "Guru"}, page=SCOPES
    )
    assert both.status_code == 422 and "bukan keduanya" in both.text and 'value="Guru"' in both.text
    none = post_form(web, SCOPES, {"element_key": key}, page=SCOPES)
    assert none.status_code == 422 and "Isi unit kerja atau jabatan" in none.text
    mapped = post_form(web, SCOPES, {"element_key": key, "position": "kepala sekolah"}, page=SCOPES)
    assert mapped.status_code == 200 and "Jabatan: kepala sekolah" in mapped.text

    asked = post_form(web, f"/policies/{SLUG}/reacknowledgements", {}, page=SCOPES)
    assert asked.status_code == 200 and "2" in asked.text
    row = asked.text.split("Jangkauan per jabatan", 1)[1]
    assert "<td>Kepala Sekolah</td><td>1</td><td>0</td><td>0</td><td>1</td><td>0</td>" in row
