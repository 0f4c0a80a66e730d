"""Attendance and mentoring pairs: NIPs only for the owning unit's staff and admins; names only where
the kind makes them public; counts for everyone else (issue 20, finding 6)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from policies.accounts.models import Role
from policies.core.db import unit_of_work
from policies.lifecycle.queries import get_kind, get_policy
from tests.service.conftest import SLUG, UNIT, auth, make_token

BASE = f"/api/v1/policies/{SLUG}"
ATTENDEE_NIP = "199001012015031001"
MENTOR_NIP = "197505052000032001"
MENTEE_NIP = "199512122020121002"
# Each reader: (role, unit); None is a visitor without an account.
READERS: dict[str, tuple[Role, str] | None] = {
    "anonymous": None,
    "stakeholder": (Role.STAKEHOLDER, "Dinas Pendidikan"),
    "stakeholder_of_the_unit": (Role.STAKEHOLDER, UNIT),
    "drafter_of_another_unit": (Role.DRAFTER, "BKPSDM Kabupaten Lampung Selatan"),
    "moderator": (Role.MODERATOR, ""),
    "evaluator_of_another_unit": (Role.EVALUATOR, "BKPSDM Kabupaten Lampung Selatan"),
    "evaluator_of_the_unit": (Role.EVALUATOR, UNIT),
    "moderator_of_the_unit": (Role.MODERATOR, UNIT),
    "drafter_of_the_unit": (Role.DRAFTER, UNIT),
    "admin": (Role.ADMIN, ""),
}
STAFF = {"evaluator_of_the_unit", "moderator_of_the_unit", "drafter_of_the_unit", "admin"}


@pytest.fixture
def people(client: TestClient, drafter_token: str) -> int:
    """A workshop with two attendees and a mentoring pair, all with NIPs; return the workshop id."""
    headers = auth(drafter_token)
    assert client.post(f"{BASE}/advance", headers=headers, json={"to_stage": "workshop"}).is_success
    made = client.post(
        f"{BASE}/workshops",
        headers=headers,
        json={"title": "Lokakarya Uji", "starts_at": "2026-09-01T09:00:00+07:00", "location": "Aula"},
    )
    workshop = made.json()["id"]
    for name, nip in (("Ahmad Fauzi", ATTENDEE_NIP), ("Siti Aminah", "")):
        line = {"name": name, "nip": nip, "unit": "Kecamatan Pamulang"}
        sent = client.post(f"{BASE}/workshops/{workshop}/attendance", headers=headers, json=line)
        assert sent.status_code == 201, sent.text
    pair = {
        "mentor_name": "Dr. Sri Wahyuni",
        "mentor_nip": MENTOR_NIP,
        "mentee_name": "Andi Pratama",
        "mentee_nip": MENTEE_NIP,
        "unit": "Dinas Kesehatan",
        "started_on": "2026-10-01",
    }
    assert client.post(f"{BASE}/mentoring", headers=headers, json=pair).status_code == 201
    return workshop


def _headers(db: str, reader: str) -> dict[str, str]:
    who = READERS[reader]
    if who is None:
        return {}
    role, unit = who
    return auth(make_token(db, email=f"{reader.replace('_', '-')}@siklus.test", role=role, unit=unit))


def _reads(client: TestClient, headers: dict[str, str], workshop: int) -> tuple[Any, Any, str]:
    detail = client.get(f"{BASE}/workshops/{workshop}", headers=headers)
    pairs = client.get(f"{BASE}/mentoring", headers=headers)
    assert detail.status_code == 200 and pairs.status_code == 200, (detail.text, pairs.text)
    return detail.json(), pairs.json(), detail.text + pairs.text


def _publish_attendance(db: str) -> None:
    # An agency's choice in the catalogue file, applied as loading the edited file would.
    with unit_of_work(db) as s:
        kind = get_kind(s, kind_id=get_policy(s, slug=SLUG).kind_id)
        kind.rules = {**kind.rules, "attendance_public": True}
        s.add(kind)


@pytest.mark.parametrize("reader", list(READERS))
def test_by_default_only_the_owning_units_staff_see_anyone_and_the_rest_see_counts(
    client: TestClient, db: str, people: int, reader: str
) -> None:
    detail, pairs, text = _reads(client, _headers(db, reader), people)
    assert detail["attendance_count"] == 2 and pairs["count"] == 1
    if reader in STAFF:
        assert detail["attendance_shown"] == "full" and pairs["shown"] == "full"
        assert [a["nip"] for a in detail["attendance"]] == [ATTENDEE_NIP, ""]
        assert (pairs["pairs"][0]["mentor_nip"], pairs["pairs"][0]["mentee_nip"]) == (MENTOR_NIP, MENTEE_NIP)
        return
    assert detail["attendance_shown"] == "count" and pairs["shown"] == "count"
    assert detail["attendance"] == [] and pairs["pairs"] == []
    for private in (ATTENDEE_NIP, MENTOR_NIP, MENTEE_NIP, "Ahmad Fauzi", "Andi Pratama", "Sri Wahyuni"):
        assert private not in text, (reader, private)


@pytest.mark.parametrize("reader", [r for r in READERS if r not in STAFF])
def test_where_the_kind_makes_attendance_public_the_public_sees_names_and_units_never_nips(
    client: TestClient, db: str, people: int, reader: str
) -> None:
    _publish_attendance(db)
    detail, pairs, text = _reads(client, _headers(db, reader), people)
    assert detail["attendance_shown"] == "names" and pairs["shown"] == "names"
    assert [(a["name"], a["unit"], a["nip"], a["account_id"]) for a in detail["attendance"]] == [
        ("Ahmad Fauzi", "Kecamatan Pamulang", None, None),
        ("Siti Aminah", "Kecamatan Pamulang", None, None),
    ]
    pair = pairs["pairs"][0]
    assert (pair["mentor_name"], pair["mentee_name"], pair["unit"]) == (
        "Dr. Sri Wahyuni",
        "Andi Pratama",
        "Dinas Kesehatan",
    )
    assert pair["mentor_nip"] is None and pair["mentee_nip"] is None
    for nip in (ATTENDEE_NIP, MENTOR_NIP, MENTEE_NIP):
        assert nip not in text


def test_the_kinds_list_the_setting_not_public_by_default(client: TestClient) -> None:
    kinds = client.get("/api/v1/kinds").json()
    assert kinds and all(k["rules"]["attendance_public"] is False for k in kinds)
