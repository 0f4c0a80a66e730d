"""The drafter writes revision notes of their own in the revision stage, beside the attached ones."""

from __future__ import annotations

import pytest
from sqlmodel import select

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import unit_of_work
from policies.core.errors import Conflict, InvalidInput, PermissionDenied
from policies.drafting import notes, revision
from policies.drafting.queries import clause_headings
from policies.lifecycle.models import Policy, Stage
from tests.conftest import DRAFTER
from tests.lifecycle_walk import SLUG


def _in_revision(db: str) -> str:
    """Put the catalogue policy in revision, cycle 2 (set up: the stages have their own tests); return a
    clause key of its draft."""
    with unit_of_work(db) as s:
        policy = s.exec(select(Policy).where(Policy.slug == SLUG)).one()
        policy.stage, policy.cycle = Stage.REVISION, 2
        s.add(policy)
        s.flush()
        return next(iter(clause_headings(s, policy_id=policy.id)))  # type: ignore[arg-type]


def test_the_drafters_notes_are_kept_each_with_its_author_and_clause(db: str, catalog: None) -> None:
    key = _in_revision(db)
    with unit_of_work(db) as s:
        notes.write_revision_note(s, actor=DRAFTER, slug=SLUG, summary="Selaraskan dengan PP 11/2017.")
        notes.write_revision_note(
            s,
            actor=DRAFTER,
            slug=SLUG,
            summary="Perjelas jam kerja.",
            summary_en="Clarify hours.",
            clause_key=key,
        )
    with unit_of_work(db) as s:
        written = revision.notes_of(s, slug=SLUG, cycle=2)
    assert [(n.source, n.summary, n.clause_key) for n in written] == [
        ("drafter", "Selaraskan dengan PP 11/2017.", None),
        ("drafter", "Perjelas jam kerja.", key),
    ]
    assert written[0].detail == "Dicatat oleh perancang Rina Perancang." and written[0].link == {}
    assert written[1].summary_en == "Clarify hours." and written[0].summary_en == written[0].summary


def test_a_note_is_refused_outside_revision_blank_on_an_unknown_clause_or_to_another_unit(
    db: str, catalog: None
) -> None:
    with unit_of_work(db) as s, pytest.raises(Conflict, match="hanya dapat ditulis pada tahap revisi"):
        notes.write_revision_note(s, actor=DRAFTER, slug=SLUG, summary="Terlalu awal.")
    _in_revision(db)
    with unit_of_work(db) as s, pytest.raises(InvalidInput) as blank:
        notes.write_revision_note(s, actor=DRAFTER, slug=SLUG, summary="   ")
    assert blank.value.field == "summary"
    with unit_of_work(db) as s, pytest.raises(InvalidInput) as unknown:
        notes.write_revision_note(s, actor=DRAFTER, slug=SLUG, summary="Ada.", clause_key="c-tidakada")
    assert unknown.value.field == "clause_key"
    other = Actor(id=None, name="Lain", role=Role.DRAFTER, unit="Dinas Lain")
    with unit_of_work(db) as s, pytest.raises(PermissionDenied):
        notes.write_revision_note(s, actor=other, slug=SLUG, summary="Bukan unit saya.")
    with unit_of_work(db) as s:
        assert revision.notes_of(s, slug=SLUG, cycle=2) == []
