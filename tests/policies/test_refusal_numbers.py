"""Refusals print their numbers the Indonesian way ("1.201 masukan", "7,5 hari"), English the English way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from policies.consultation import comments
from policies.consultation import windows as consultation
from policies.consultation.models import Comment
from policies.core.db import unit_of_work
from policies.core.errors import Conflict, InvalidInput
from policies.drafting import versions as drafts
from policies.evaluation.population_csv import read_population_csv, refuse_rejected
from policies.lifecycle import actions as lifecycle
from policies.lifecycle.models import Stage
from tests.conftest import DRAFTER
from tests.policies.comment_setup import LATER, NOW, SLUG, account, clause_keys, open_consultation

# Enough unanswered comments for a thousands separator.
MANY = 1_200


def test_the_report_refusal_counts_unanswered_comments_with_a_thousands_separator(
    db: str, catalog: None
) -> None:
    open_consultation(db)
    key = clause_keys(db)[0]
    budi = account(db, email="budi@asn.test", group="asn")
    with unit_of_work(db) as s:
        first = comments.create_comment(
            s, actor=budi, slug=SLUG, clause_key=key, body="Perlu dirinci.", now=LATER
        )
        row = s.exec(select(Comment).where(Comment.id == first.id)).one()
        # Set up: copies of the one comment, written at once (creating each is tested elsewhere).
        fields = row.model_dump(exclude={"id", "tracking_number"})  # each copy draws its own number
        s.add_all(Comment(**fields) for _ in range(MANY))
        consultation.close_window(s, actor=DRAFTER, slug=SLUG, now=LATER + timedelta(hours=1))
    with unit_of_work(db) as s, pytest.raises(Conflict) as refused:
        consultation.publish_report(s, actor=DRAFTER, slug=SLUG, now=LATER + timedelta(days=31))
    assert refused.value.extra["missing"] == MANY + 1
    assert refused.value.detail.startswith("1.201 masukan yang tampil")
    assert refused.value.detail_en.startswith("1,201 visible comment(s)")


def test_a_short_window_refusal_writes_its_days_with_a_decimal_comma(db: str, catalog: None) -> None:
    with unit_of_work(db) as s:
        lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=Stage.WORKSHOP, now=NOW)
        drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=1, now=NOW)
    with unit_of_work(db) as s, pytest.raises(InvalidInput) as refused:
        consultation.open_window(
            s, actor=DRAFTER, slug=SLUG, version_number=1, opens_at=NOW, closes_at=NOW + timedelta(days=7.5)
        )
    assert "yang diminta 7,5 hari" in refused.value.detail
    assert "7.5 days were asked for" in refused.value.detail_en


def test_a_population_csv_refusal_counts_the_reasons_left_unnamed_with_a_separator() -> None:
    rows = "".join(f"{n:05d},Orang {n}\n" for n in range(1_015))  # every NIP too short
    read = read_population_csv("nip,nama\n" + rows)
    with pytest.raises(InvalidInput) as refused:
        refuse_rejected(read)
    assert "; dan 1.005 lainnya." in refused.value.detail
    assert "; and 1,005 more." in refused.value.detail_en
