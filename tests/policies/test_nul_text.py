"""Every typed text of the domain refuses NUL: PostgreSQL can neither store nor compare it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlmodel import Session

from policies.accounts import actions as accounts
from policies.accounts.access import Actor
from policies.accounts.models import Role, StakeholderGroup
from policies.consultation.comments import create_comment, create_reply, dispose, set_hidden
from policies.consultation.models import Outcome
from policies.consultation.pages import CommentFilter, list_comments
from policies.core.db import unit_of_work
from policies.core.errors import InvalidInput, NotFound
from policies.drafting.versions import create_version
from policies.lifecycle import actions as lifecycle
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from policies.rollout import actions as rollout
from policies.workshops import actions as workshops
from tests.conftest import DRAFTER, NOW
from tests.policies.comment_setup import LATER, SLUG, account, clause_keys, open_consultation

BAD = "teks\x00rusak"
ADMIN = Actor(id=None, name="Ani Admin", role=Role.ADMIN)
MODERATOR = Actor(id=None, name="Maya Moderator", role=Role.MODERATOR)
Call = Callable[[Session], object]


def _refused(db: str, call: Call, field: str) -> None:
    """Run the call and check it refuses the NUL naming the field, in both languages."""
    with unit_of_work(db) as s, pytest.raises(InvalidInput) as info:
        call(s)
    assert info.value.field == field
    assert "NUL" in info.value.detail and "NUL" in info.value.detail_en


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("comment", "body"),
        ("comment_key", "clause_key"),
        ("comment_quote", "quote"),
        ("reply", "body"),
        ("disposition", "reason"),
        ("disposition_next_clause", "next_clause_key"),
        ("moderation", "reason"),
        ("clause_filter", "clause_key"),
        ("adoption_instrument", "instrument_type"),
        ("adoption_number", "number"),
        ("adoption_signatory", "signed_by"),
    ],
)
def test_the_consultation_refuses_nul_in_every_text(db: str, catalog: None, case: str, field: str) -> None:
    open_consultation(db)
    budi = account(db, email="budi@asn.test")
    key = clause_keys(db)[0]
    with unit_of_work(db) as s:
        parent = create_comment(s, actor=budi, slug=SLUG, clause_key=key, body="Satu.", now=LATER).id or 0

    def adopt(**bad: str) -> Call:
        fields = {
            "instrument_type": "Peraturan Wali Kota",
            "number": "12 Tahun 2026",
            "signed_by": "Wali Kota",
        }
        return lambda s: rollout.record_adoption(
            s, actor=DRAFTER, slug=SLUG, version_number=1, adopted_on=date(2026, 9, 30), **(fields | bad)
        )

    calls: dict[str, Call] = {
        "comment": lambda s: create_comment(s, actor=budi, slug=SLUG, clause_key=key, body=BAD, now=LATER),
        "comment_key": lambda s: create_comment(
            s, actor=budi, slug=SLUG, clause_key=f"{key}\x00", body="Dua.", now=LATER
        ),
        "comment_quote": lambda s: create_comment(
            s, actor=budi, slug=SLUG, clause_key=key, body="Dua.", quote=BAD, now=LATER
        ),
        "reply": lambda s: create_reply(s, actor=budi, slug=SLUG, parent_id=parent, body=BAD, now=LATER),
        "disposition": lambda s: dispose(
            s, actor=DRAFTER, slug=SLUG, comment_id=parent, outcome=Outcome.NOTED, reason=BAD
        ),
        "disposition_next_clause": lambda s: dispose(
            s,
            actor=DRAFTER,
            slug=SLUG,
            comment_id=parent,
            outcome=Outcome.NOTED,
            reason="Dicatat.",
            next_clause_key=BAD,
        ),
        "moderation": lambda s: set_hidden(
            s, actor=MODERATOR, slug=SLUG, comment_id=parent, hidden=True, reason=BAD
        ),
        "clause_filter": lambda s: list_comments(
            s, slug=SLUG, viewer=None, filters=CommentFilter(clause_key=BAD)
        ),
        "adoption_instrument": adopt(instrument_type=BAD),
        "adoption_number": adopt(number=BAD),
        "adoption_signatory": adopt(signed_by=BAD),
    }
    _refused(db, calls[case], field)


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("draft_body", "body"),
        ("draft_note", "change_note"),
        ("draft_title", "title"),
        ("advance_reason", "reason"),
        ("withdraw_reason", "reason"),
        ("policy_title", "title"),
        ("policy_kind", "kind"),
        ("policy_region", "region"),
        ("policy_unit", "unit"),
        ("workshop_agenda", "agenda"),
        ("workshop_outcome", "text"),
        ("workshop_outcome_by", "raised_by"),
        ("mentor_name", "mentor_name"),
        ("mentee_nip", "mentee_nip"),
        ("mentoring_unit", "unit"),
        ("session_title", "title"),
        ("session_units", "audience_units"),
        ("session_location", "location"),
        ("session_notes", "notes"),
        ("account_name", "name"),
        ("account_unit", "unit"),
        ("registration_name", "name"),
        ("registration_unit", "unit"),
    ],
)
def test_drafting_roll_out_and_accounts_refuse_nul_in_every_text(
    db: str, catalog: None, case: str, field: str
) -> None:
    with unit_of_work(db) as s:
        workshop = workshops.schedule_workshop(
            s, actor=DRAFTER, slug=SLUG, title="Lokakarya 1", starts_at=NOW, location="Aula"
        )
        workshop_id = workshop.id or 0

    def new_policy(**bad: str) -> Call:
        fields = {
            "title": "Perwal baru",
            "kind_code": "kebijakan-kepegawaian",
            "region": "Kota",
            "unit": "BKD",
        }
        return lambda s: lifecycle.create_policy(s, actor=ADMIN, slug="perwal-baru-2026", **(fields | bad))

    def pair(**bad: str) -> Call:
        fields = {"mentor_name": "Ani", "mentee_name": "Budi"}
        return lambda s: rollout.add_mentoring_pair(
            s, actor=DRAFTER, slug=SLUG, started_on=date(2026, 9, 1), **(fields | bad)
        )

    def socialization(**bad: object) -> Call:
        def call(s: Session) -> object:
            get_policy(s, slug=SLUG).stage = Stage.SOCIALIZATION
            fields: dict[str, object] = {"title": "Sosialisasi 1"} | bad
            return rollout.add_session(
                s, actor=DRAFTER, slug=SLUG, held_on=date(2026, 9, 1), attendance_count=10, **fields
            )  # type: ignore[arg-type]

        return call

    def staff_account(**bad: str) -> Call:
        fields = {"email": "rina@bkd.test", "name": "Rina", "unit": "BKD"} | bad
        return lambda s: accounts.create_account(
            s, actor=ADMIN, password="rahasia-123", role=Role.DRAFTER, **fields
        )

    def registration(**bad: str) -> Call:
        fields = {"email": "budi@asn.test", "name": "Budi"} | bad
        return lambda s: accounts.register_stakeholder(
            s, password="rahasia-123", group=StakeholderGroup.PUBLIC, **fields
        )

    calls: dict[str, Call] = {
        "draft_body": lambda s: create_version(
            s, actor=DRAFTER, slug=SLUG, body=f"# Judul\n\n### Pasal 1\n\n{BAD}"
        ),
        "draft_note": lambda s: create_version(
            s, actor=DRAFTER, slug=SLUG, body="# J\n\n### P\n\nA.", change_note=BAD
        ),
        "draft_title": lambda s: create_version(
            s, actor=DRAFTER, slug=SLUG, body="# J\n\n### P\n\nA.", title=BAD
        ),
        "advance_reason": lambda s: lifecycle.advance(
            s, actor=DRAFTER, slug=SLUG, to_stage=Stage.WORKSHOP, reason=BAD
        ),
        "withdraw_reason": lambda s: lifecycle.withdraw(s, actor=DRAFTER, slug=SLUG, reason=BAD),
        "policy_title": new_policy(title=BAD),
        "policy_kind": new_policy(kind_code=BAD),
        "policy_region": new_policy(region=BAD),
        "policy_unit": new_policy(unit=BAD),
        "workshop_agenda": lambda s: workshops.schedule_workshop(
            s, actor=DRAFTER, slug=SLUG, title="Lokakarya 2", starts_at=NOW, location="Aula", agenda=BAD
        ),
        "workshop_outcome": lambda s: workshops.add_outcome(
            s, actor=DRAFTER, slug=SLUG, workshop_id=workshop_id, text=BAD
        ),
        "workshop_outcome_by": lambda s: workshops.add_outcome(
            s, actor=DRAFTER, slug=SLUG, workshop_id=workshop_id, text="Usul.", raised_by=BAD
        ),
        "mentor_name": pair(mentor_name=BAD),
        "mentee_nip": pair(mentee_nip=BAD),
        "mentoring_unit": pair(unit=BAD),
        "session_title": socialization(title=BAD),
        "session_units": socialization(audience_units=["Dinas Kesehatan", BAD]),
        "session_location": socialization(location=BAD),
        "session_notes": socialization(notes=BAD),
        "account_name": staff_account(name=BAD),
        "account_unit": staff_account(unit=BAD),
        "registration_name": registration(name=BAD),
        "registration_unit": registration(unit=BAD),
    }
    _refused(db, calls[case], field)


def test_a_slug_with_nul_is_not_found_rather_than_a_failed_query(db: str, catalog: None) -> None:
    with unit_of_work(db) as s, pytest.raises(NotFound) as info:
        get_policy(s, slug=f"{SLUG}\x00")
    assert "\x00" not in info.value.detail and SLUG in info.value.detail_en
