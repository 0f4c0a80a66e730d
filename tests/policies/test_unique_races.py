"""Lost races on unique keys: the loser hears what happened (a Conflict), not a bare database error.

A concurrent twin is simulated on the real database: just before the action's insert is flushed,
a copy of the row is written on the same connection, exactly as if another request had committed
it between the action's check and its write. Nothing of Siklus itself is replaced.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session, SQLModel

from policies.accounts.models import Role
from policies.consultation import comments
from policies.consultation.models import CommentVote, Disposition, Outcome
from policies.core.db import unit_of_work
from policies.core.errors import Conflict
from policies.drafting import versions as drafts
from policies.drafting.models import DraftVersion
from policies.lifecycle import actions as lifecycle
from policies.lifecycle.models import Policy
from policies.rollout.models import Adoption
from tests.conftest import DRAFTER
from tests.lifecycle_walk import adopt
from tests.policies.comment_setup import LATER, SLUG, account, clause_keys, open_consultation


@contextmanager
def twin_wins(session: Session, model: type[SQLModel]) -> Iterator[None]:
    """Write a copy of the first new `model` row just before the session flushes it."""
    table = model.__table__  # type: ignore[attr-defined]
    done = False

    def copy_first(flushing: Session, _context: object, _instances: object) -> None:
        nonlocal done
        row = next((o for o in flushing.new if isinstance(o, model)), None)
        if done or row is None:
            return
        done = True
        values = {c.name: getattr(row, c.key) for c in table.columns if c.name != "id"}
        flushing.connection().execute(sa.insert(table).values(**values))

    event.listen(session, "before_flush", copy_first)
    try:
        yield
    finally:
        event.remove(session, "before_flush", copy_first)
    assert done, f"no {model.__name__} row was flushed"


@pytest.fixture
def comment_id(db: str, catalog: None) -> int:
    """A comment of an open consultation."""
    open_consultation(db)
    budi = account(db, email="budi@asn.test", group="asn")
    with unit_of_work(db) as s:
        return comments.create_comment(
            s, actor=budi, slug=SLUG, clause_key=clause_keys(db)[0], body="Masukan.", now=LATER
        ).id


def test_a_twin_vote_is_a_conflict_saying_you_already_voted(db: str, comment_id: int) -> None:
    sari = account(db, email="sari@warga.test")
    with unit_of_work(db) as s, twin_wins(s, CommentVote), pytest.raises(Conflict) as lost:
        comments.vote(s, actor=sari, slug=SLUG, comment_id=comment_id, value=1, now=LATER)
    assert "Anda baru saja memberi dukungan" in lost.value.detail
    assert "You just voted" in lost.value.detail_en


def test_a_twin_disposition_is_a_conflict_saying_it_was_just_answered(db: str, comment_id: int) -> None:
    with unit_of_work(db) as s, twin_wins(s, Disposition), pytest.raises(Conflict) as lost:
        comments.dispose(
            s, actor=DRAFTER, slug=SLUG, comment_id=comment_id, outcome=Outcome.NOTED, reason="Dicatat."
        )
    assert "baru saja diberi tindak lanjut" in lost.value.detail and "just answered" in lost.value.detail_en


def test_a_twin_version_is_a_conflict_saying_which_number_was_taken(db: str, catalog: None) -> None:
    with unit_of_work(db) as s, twin_wins(s, DraftVersion), pytest.raises(Conflict) as lost:
        drafts.create_version(s, actor=DRAFTER, slug=SLUG, body="### Pasal 1\n\nTeks.")
    assert lost.value.detail.startswith("Versi 2 baru saja disimpan")


def test_a_twin_adoption_is_a_conflict_saying_it_is_recorded(db: str, comment_id: int) -> None:
    with unit_of_work(db) as s, twin_wins(s, Adoption), pytest.raises(Conflict) as lost:
        adopt(s, actor=DRAFTER)
    assert "sudah dicatat" in lost.value.detail and "already recorded" in lost.value.detail_en


def test_a_twin_slug_is_a_conflict_naming_the_slug(db: str, catalog: None) -> None:
    drafter = account(db, email="rina@bkpsdm.test", role=Role.DRAFTER, unit=DRAFTER.unit)
    with unit_of_work(db) as s, twin_wins(s, Policy), pytest.raises(Conflict) as lost:
        lifecycle.create_policy(
            s,
            actor=drafter,
            slug="perwal-mutasi-2027",
            title="Mutasi ASN",
            kind_code="pengelolaan-jabatan",
            region="Kota Tangerang Selatan",
            unit=DRAFTER.unit,
        )
    assert lost.value.detail == "Slug 'perwal-mutasi-2027' sudah dipakai kebijakan lain."
    assert lost.value.extra["field"] == "slug"
    with unit_of_work(db) as s:  # the losing request left nothing behind
        assert s.exec(sa.select(Policy).where(Policy.slug == "perwal-mutasi-2027")).first() is None
