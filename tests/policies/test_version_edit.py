"""A version is edited in place until published, an unpublished one can be discarded, and revision's
draft is the cycle's one working version (the revised text stays version 2, not 3)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from policies.core.db import unit_of_work
from policies.core.errors import Conflict, NotFound
from policies.drafting import revision
from policies.drafting import versions as drafts
from policies.drafting.queries import clauses_of, get_version, list_versions
from policies.evaluation.models import SurveyRound
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy
from tests import lifecycle_walk as walk
from tests.conftest import DRAFTER
from tests.lifecycle_walk import SLUG

TEXT = "# Perwal Uji\n## BAB I\n### Pasal 1\nIsi pertama.\n### Pasal 2\nIsi kedua."


def _numbers(db: str) -> list[tuple[int, bool]]:
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        return [(v.number, v.published_at is not None) for v in list_versions(s, policy_id=policy.id)]  # type: ignore[arg-type]


def test_an_unpublished_version_is_edited_in_place_and_keeps_its_clause_keys(db: str, catalog: None) -> None:
    with unit_of_work(db) as s:
        drafts.edit_version(s, actor=DRAFTER, slug=SLUG, number=1, body=TEXT, change_note="Awal")
        keys = [
            c.key
            for c in clauses_of(
                s, version_id=get_version(s, policy_id=get_policy(s, slug=SLUG).id, number=1).id
            )
        ]  # type: ignore[arg-type]
    with unit_of_work(db) as s:
        edited = drafts.edit_version(
            s,
            actor=DRAFTER,
            slug=SLUG,
            number=1,
            body=TEXT.replace("Isi kedua.", "Isi kedua, diubah."),
            change_note="Pasal 2 diperjelas",
        )
        assert edited.number == 1 and edited.change_note == "Pasal 2 diperjelas"
        clauses = clauses_of(s, version_id=edited.id)  # type: ignore[arg-type]
        assert [c.key for c in clauses] == keys
        assert clauses[1].body == "Isi kedua, diubah."
    assert _numbers(db) == [(1, False)]


def test_a_published_version_is_neither_edited_nor_discarded(db: str, catalog: None) -> None:
    with unit_of_work(db) as s:
        drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=1)
    with unit_of_work(db) as s, pytest.raises(Conflict, match="sudah diterbitkan"):
        drafts.edit_version(s, actor=DRAFTER, slug=SLUG, number=1, body=TEXT)
    with unit_of_work(db) as s, pytest.raises(Conflict, match="sudah diterbitkan"):
        drafts.discard_version(s, actor=DRAFTER, slug=SLUG, number=1)
    assert _numbers(db) == [(1, True)]


def test_the_newest_unpublished_version_is_discarded_and_its_number_is_free_again(
    db: str, catalog: None
) -> None:
    with unit_of_work(db) as s:
        drafts.create_version(s, actor=DRAFTER, slug=SLUG, body=TEXT)
    with unit_of_work(db) as s, pytest.raises(Conflict, match="versi 2 ditulis sesudahnya"):
        drafts.discard_version(s, actor=DRAFTER, slug=SLUG, number=1)
    with unit_of_work(db) as s:
        assert drafts.discard_version(s, actor=DRAFTER, slug=SLUG, number=2) == 2
    assert _numbers(db) == [(1, False)]
    with unit_of_work(db) as s, pytest.raises(NotFound):
        drafts.discard_version(s, actor=DRAFTER, slug=SLUG, number=2)
    with unit_of_work(db) as s:
        assert drafts.create_version(s, actor=DRAFTER, slug=SLUG, body=TEXT).number == 2


def test_writing_the_draft_goes_into_the_working_version_until_it_is_published(
    db: str, catalog: None
) -> None:
    with unit_of_work(db) as s:
        assert drafts.write_draft(s, actor=DRAFTER, slug=SLUG, body=TEXT).number == 1
    with unit_of_work(db) as s:
        drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=1)
    with unit_of_work(db) as s:
        assert drafts.write_draft(s, actor=DRAFTER, slug=SLUG, body=TEXT + "\nLagi.").number == 2
    assert _numbers(db) == [(1, True), (2, False)]


def _to_revision(db: str) -> None:
    """Walk the catalogue policy through one cycle into revision (cycle 2 begins)."""
    people = walk.add_people(db)
    actor = walk.drafter(people)
    c = walk.Clock(start=walk.clock().start - timedelta(days=90))
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    walk.prepare_consultation(db, actor=actor, c=c)
    walk.advance(db, Stage.CONSULTATION, actor=actor, now=c.start)
    comment = walk.add_comment(db, c=c)
    with unit_of_work(db) as s:
        from policies.consultation import windows as consultation

        consultation.close_window(s, actor=actor, slug=SLUG, now=c.closed)
    walk.prepare_socialization(db, actor=actor, c=c, comment_id=comment)
    walk.advance(db, Stage.SOCIALIZATION, actor=actor, now=c.closed)
    walk.prepare_evaluation(db, actor=actor, c=c)
    walk.advance(db, Stage.EVALUATION, actor=actor, now=c.closed)
    with unit_of_work(db) as s:
        policy = get_policy(s, slug=SLUG)
        s.add(
            SurveyRound(
                policy_id=policy.id,  # type: ignore[arg-type]
                cycle=1,
                number=1,
                opens_at=c.closed,
                closes_at=c.evaluated,
                closed_at=c.evaluated,
                report_published_at=c.evaluated,
            )
        )
    walk.advance(db, Stage.REVISION, actor=actor, now=c.evaluated)


def test_the_revised_text_is_version_2_and_its_working_copy_can_go(db: str, catalog: None) -> None:
    _to_revision(db)
    with unit_of_work(db) as s:
        revision.start_revision_draft(s, slug=SLUG)
    assert _numbers(db) == [(1, True), (2, False)]
    with unit_of_work(db) as s:
        revised = drafts.write_draft(s, actor=DRAFTER, slug=SLUG, body=TEXT, change_note="Revisi siklus 2")
        assert (revised.number, revised.cycle) == (2, 2)
    assert _numbers(db) == [(1, True), (2, False)]
    with unit_of_work(db) as s:
        assert get_version(s, policy_id=get_policy(s, slug=SLUG).id, number=2).body == TEXT
        drafts.discard_version(s, actor=DRAFTER, slug=SLUG, number=2)
    assert _numbers(db) == [(1, True)]
    # Running the step again (the flow retries) gives the cycle its working copy back, once.
    with unit_of_work(db) as s:
        revision.start_revision_draft(s, slug=SLUG)
        revision.start_revision_draft(s, slug=SLUG)
    assert _numbers(db) == [(1, True), (2, False)]
