"""Every window of a cycle owes its answers: a second window cannot hide the first one's comments.

The gate, the report, the statistics, the export and the list all read every window of the
current cycle; hidden comments stay out of "unanswered" (a moderator's recorded reason answers them).
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from policies.accounts.models import Role
from policies.consultation import comments
from policies.consultation import windows as consultation
from policies.consultation.export import export_csv, export_json
from policies.consultation.models import Outcome
from policies.consultation.pages import CommentFilter, list_comments
from policies.consultation.queries import cycle_window_ids
from policies.consultation.report import build_report, render_report
from policies.consultation.statistics import consultation_stats
from policies.core.db import unit_of_work
from policies.core.errors import Conflict, GatesNotMet, NotFound
from policies.lifecycle import actions as lifecycle
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import gather_evidence, get_policy
from tests.conftest import DRAFTER
from tests.lifecycle_walk import schedule_window
from tests.policies.comment_setup import LATER, SLUG, account, clause_keys, open_consultation

SECOND_OPENS = LATER + timedelta(hours=2)
AFTER = SECOND_OPENS + timedelta(days=22)


@pytest.fixture
def two_windows(db: str, catalog: None) -> dict[str, int]:
    """Window 1 with an unanswered and a hidden comment, closed; window 2 opened empty and closed."""
    open_consultation(db)
    key = clause_keys(db)[0]
    budi = account(db, email="budi@asn.test", group="asn")
    maya = account(db, email="maya@siklus.test", role=Role.MODERATOR)
    with unit_of_work(db) as s:
        unanswered = comments.create_comment(
            s, actor=budi, slug=SLUG, clause_key=key, body="Target JP perlu dirinci.", now=LATER
        ).id
        hidden = comments.create_comment(
            s, actor=budi, slug=SLUG, clause_key=key, body="Kata kasar.", now=LATER
        ).id
        comments.set_hidden(s, actor=maya, slug=SLUG, comment_id=hidden, hidden=True, reason="kasar")
        first = consultation.close_window(s, actor=DRAFTER, slug=SLUG, now=LATER + timedelta(hours=1)).id
    with unit_of_work(db) as s:
        second = schedule_window(s, actor=DRAFTER, opens_at=SECOND_OPENS, now=SECOND_OPENS).id
    with unit_of_work(db) as s:
        consultation.close_window(s, actor=DRAFTER, slug=SLUG, now=SECOND_OPENS + timedelta(hours=1))
    return {"first": first, "second": second, "unanswered": unanswered, "hidden": hidden}


def test_the_report_cannot_be_published_over_an_earlier_windows_silence(
    db: str, two_windows: dict[str, int]
) -> None:
    with unit_of_work(db) as s, pytest.raises(Conflict) as refused:
        consultation.publish_report(s, actor=DRAFTER, slug=SLUG, now=AFTER)
    assert refused.value.extra["missing"] == 1
    assert "semua jendela konsultasi siklus ini" in refused.value.detail
    assert "every consultation window" in refused.value.detail_en


def test_the_gate_counts_every_window_but_not_hidden_comments(db: str, two_windows: dict[str, int]) -> None:
    with unit_of_work(db) as s:
        evidence = gather_evidence(s, policy=get_policy(s, slug=SLUG), now=AFTER)
        assert evidence.comments_without_disposition == 1  # the hidden one is answered by its reason
    with unit_of_work(db) as s, pytest.raises(GatesNotMet) as info:
        lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=Stage.SOCIALIZATION, now=AFTER)
    gate = next(f for f in info.value.failed if f.gate == "every_comment_answered")
    assert gate.reason.startswith("1 masukan yang tampil, di semua jendela")
    assert "disembunyikan moderator" in gate.reason


def test_list_statistics_report_and_export_read_every_window(db: str, two_windows: dict[str, int]) -> None:
    ids = two_windows
    with unit_of_work(db) as s:
        listed = list_comments(s, slug=SLUG, viewer=None)
        assert [c.id for c in listed.items] == [ids["hidden"], ids["unanswered"]]
        only_second = list_comments(s, slug=SLUG, viewer=None, filters=CommentFilter(window_id=ids["second"]))
        assert only_second.items == []
        only_first = CommentFilter(window_id=ids["first"], undisposed=True)
        assert len(list_comments(s, slug=SLUG, viewer=None, filters=only_first).items) == 2
        with pytest.raises(NotFound):
            list_comments(s, slug=SLUG, viewer=None, filters=CommentFilter(window_id=ids["second"] + 99))
        window_ids = cycle_window_ids(s, policy=get_policy(s, slug=SLUG))
        assert window_ids == [ids["first"], ids["second"]]
        stats = consultation_stats(s, window_ids=window_ids)
        assert (stats.comments, stats.hidden, stats.unanswered) == (1, 1, 1)
        data = build_report(s, slug=SLUG, now=AFTER)
        assert [w.version_number for w in data.windows] == [1, 1] and data.window.id == ids["second"]
        page = render_report(data, fmt="html")
        assert "Target JP perlu dirinci." in page and "mencakup 2 jendela konsultasi" in page
        assert "Kata kasar." not in page
        assert "mencakup 2 jendela konsultasi" in render_report(data, fmt="md")
        exported = "".join(export_csv(s, window_ids=window_ids, full_text=False))
        rows = list(csv.DictReader(io.StringIO(exported)))
        assert {int(r["id"]) for r in rows} == {ids["unanswered"], ids["hidden"]}
        assert {r["window_id"] for r in rows} == {str(ids["first"])}
        assert len("".join(export_json(s, window_ids=window_ids, full_text=True))) > 2


def test_answering_the_first_windows_comment_lets_the_report_out(
    db: str, two_windows: dict[str, int]
) -> None:
    with unit_of_work(db) as s:
        comments.dispose(
            s,
            actor=DRAFTER,
            slug=SLUG,
            comment_id=two_windows["unanswered"],
            outcome=Outcome.ACCEPTED,
            reason="Dirinci dalam lampiran.",
            now=AFTER,
        )
        window = consultation.publish_report(s, actor=DRAFTER, slug=SLUG, now=AFTER)
        assert window.id == two_windows["second"] and window.report_published_at == AFTER
        evidence = gather_evidence(s, policy=get_policy(s, slug=SLUG), now=AFTER)
        assert evidence.comments_without_disposition == 0
