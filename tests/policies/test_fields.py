"""Typed-text rules shared by API and pages: required, length, NUL — stored on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from policies.accounts import actions as accounts
from policies.accounts.models import StakeholderGroup
from policies.core.errors import InvalidInput, NotAuthenticated
from policies.core.fields import TextField, clean_text, one_line
from policies.workshops import actions as workshops
from tests.conftest import DRAFTER

SLUG = "perwal-kebijakan-kepegawaian-asn-2026"
WHEN = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)


def test_clean_text_strips_and_refuses_empty_long_and_nul_in_both_languages() -> None:
    assert (
        clean_text("  Aula  ", field="location", label="Tempat", label_en="The place", max_chars=10) == "Aula"
    )
    with pytest.raises(InvalidInput) as empty:
        clean_text(" ", field="title", label="Judul", label_en="The title", min_chars=1, max_chars=10)
    assert (empty.value.field, empty.value.detail, empty.value.detail_en) == (
        "title",
        "Judul wajib diisi.",
        "The title is required.",
    )
    with pytest.raises(InvalidInput) as long:
        clean_text("x" * 1001, field="agenda", label="Agenda", label_en="The agenda", max_chars=1000)
    assert long.value.detail == "Agenda paling panjang 1.000 karakter (yang dikirim 1.001)."
    assert long.value.detail_en == "The agenda may be at most 1,000 characters long (this one has 1,001)."
    with pytest.raises(InvalidInput) as nul:
        clean_text("a\x00b", field="name", label="Nama", label_en="The name", max_chars=10)
    assert "NUL" in nul.value.detail and "NUL" in nul.value.detail_en


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"title": "ab"}, "title"),
        ({"title": "L" * 301}, "title"),
        ({"location": "A" * 301}, "location"),
        ({"online_url": "https://x.id/" + "a" * 500}, "online_url"),
        ({"agenda": "a" * 20_001}, "agenda"),
        ({"title": "Lokakarya\x00"}, "title"),
    ],
)
def test_schedule_workshop_applies_the_api_limits(
    session: Session, catalog: None, kw: dict[str, str], field: str
) -> None:
    values = {"title": "Lokakarya 1", "location": "Aula"} | kw
    with pytest.raises(InvalidInput) as info:
        workshops.schedule_workshop(session, actor=DRAFTER, slug=SLUG, starts_at=WHEN, **values)
    assert info.value.field == field and info.value.detail_en


def test_attendance_and_minutes_apply_the_limits_and_store_at_the_limit(
    session: Session, catalog: None
) -> None:
    workshop = workshops.schedule_workshop(
        session, actor=DRAFTER, slug=SLUG, title="  Lokakarya 1  ", starts_at=WHEN, location="Aula"
    )
    assert workshop.title == "Lokakarya 1"
    wid = workshop.id or 0
    with pytest.raises(InvalidInput) as name:
        workshops.record_attendance(session, actor=DRAFTER, slug=SLUG, workshop_id=wid, name="N" * 201)
    assert name.value.field == "name"
    with pytest.raises(InvalidInput) as unit:
        workshops.record_attendance(
            session, actor=DRAFTER, slug=SLUG, workshop_id=wid, name="Ani", unit="U" * 201
        )
    assert unit.value.field == "unit"
    # Exactly at the limit fits the column on PostgreSQL too.
    row = workshops.record_attendance(
        session, actor=DRAFTER, slug=SLUG, workshop_id=wid, name="N" * 200, unit="U" * 200
    )
    assert len(row.name) == 200
    with pytest.raises(InvalidInput) as minutes:
        workshops.record_minutes(session, actor=DRAFTER, slug=SLUG, workshop_id=wid, minutes="a\x00")
    assert minutes.value.field == "minutes"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"name": "N" * 201}, "name"),
        ({"unit": "U" * 201}, "unit"),
        ({"email": "a" * 250 + "@x.id"}, "email"),
        ({"email": "bu\x00di@x.id"}, "email"),
        ({"password": "p" * 201}, "password"),
    ],
)
def test_registration_applies_the_api_limits(session: Session, kw: dict[str, str], field: str) -> None:
    values: dict[str, object] = {"email": "budi@example.id", "name": "Budi", "password": "rahasia-123"}
    values.update(kw)
    with pytest.raises(InvalidInput) as info:
        accounts.register_stakeholder(session, group=StakeholderGroup.PUBLIC, **values)  # type: ignore[arg-type]
    assert info.value.field == field and info.value.detail_en


@pytest.mark.parametrize(
    ("email", "password"), [("a@b.id\x00", "rahasia-123"), ("budi@example.id", "p" * 500)]
)
def test_login_refuses_unstorable_input_like_a_wrong_password(
    session: Session, email: str, password: str
) -> None:
    accounts.register_stakeholder(session, email="budi@example.id", name="Budi", password="rahasia-123")
    with pytest.raises(NotAuthenticated) as info:
        accounts.login(session, email=email, password=password, now=WHEN, ttl_hours=1)
    assert info.value.detail == accounts.BAD_CREDENTIALS and info.value.detail_en


def test_a_single_line_field_refuses_every_line_break_and_one_line_folds_them() -> None:
    title = TextField("title", "Judul", "The title", 400, single_line=True)
    assert title.clean("  Perwal ASN  ") == "Perwal ASN"
    for bad in ("Perwal\nBcc: x", "Perwal\rASN", "Perwal\u2028ASN", "Perwal\u0085ASN", "Perwal\tASN"):
        with pytest.raises(InvalidInput) as refused:
            title.clean(bad)
        assert refused.value.field == "title" and "satu baris" in str(refused.value)
    assert one_line(" Perwal\r\nBcc: x\u2028\x00 ASN ") == "Perwal Bcc: x ASN"
