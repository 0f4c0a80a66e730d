"""From comment to change: links from accepted comments to the elements they changed, the reason a
text stayed, the gate before adoption, and the matriks perubahan, on a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.consultation import changes
from policies.consultation import windows as consultation
from policies.consultation.models import Campaign, Comment, DispositionChange
from policies.consultation.queries import current_window
from policies.consultation.report import build_report, render_report
from policies.consultation.trace import change_matrix, comment_trace, consulted_span, public_record
from policies.core.db import unit_of_work
from policies.core.errors import Conflict, GatesNotMet, InvalidInput, PermissionDenied
from policies.drafting import versions as drafts
from policies.drafting.queries import get_version
from policies.lifecycle import actions as lifecycle
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import gather_evidence, get_policy
from tests.policies.comment_setup import open_consultation
from tests.policies.trace_setup import (
    CLOSED,
    DRAFTER,
    LATER,
    NEW_WORDS,
    OLD_WORDS,
    SLUG,
    Traced,
    consult_and_revise,
)

STRANGER = Actor(id=None, name="Dinas Lain", role=Role.DRAFTER, unit="Dinas Pendidikan")


@pytest.fixture
def traced(db: str, catalog: None) -> Traced:
    return consult_and_revise(db)


def _untraced(db: str) -> list[tuple[int, str]]:
    with unit_of_work(db) as s:
        evidence = gather_evidence(s, policy=get_policy(s, slug=SLUG), now=CLOSED)
        return [(u.comment_id, u.clause) for u in evidence.untraced_acceptances]


def _link(db: str, comment_id: int, key: str, *, number: int = 2) -> list[DispositionChange]:
    with unit_of_work(db) as s:
        return changes.link_change(
            s, actor=DRAFTER, slug=SLUG, comment_id=comment_id, version_number=number, element_key=key
        )


def test_the_gate_names_each_accepted_comment_without_a_trace_until_each_has_one(
    db: str, traced: Traced
) -> None:
    assert _untraced(db) == [(traced.accepted, "Pasal 2"), (traced.partly, "Pasal 2")]
    with unit_of_work(db) as s, pytest.raises(GatesNotMet) as refused:
        lifecycle.advance(s, actor=DRAFTER, slug=SLUG, to_stage=Stage.SOCIALIZATION, now=CLOSED)
    gate = next(f for f in refused.value.failed if f.gate == "every_acceptance_traced")
    assert f"masukan #{traced.accepted} (Pasal 2), masukan #{traced.partly} (Pasal 2)" in gate.reason
    _link(db, traced.accepted, traced.huruf_b)
    assert _untraced(db) == [(traced.partly, "Pasal 2")]
    with unit_of_work(db) as s:
        changes.state_unchanged(
            s, actor=DRAFTER, slug=SLUG, comment_id=traced.partly, reason="Tunjangan diatur di Perwal lain."
        )
    assert _untraced(db) == []


def test_a_link_names_the_element_of_the_later_version_and_its_text(db: str, traced: Traced) -> None:
    rows = _link(db, traced.accepted, traced.huruf_b)
    assert [(r.element_key, r.eid) for r in rows] == [(traced.huruf_b, rows[0].eid)]
    assert "huruf_b" in rows[0].eid
    # Linking again changes nothing.
    assert [r.id for r in _link(db, traced.accepted, traced.huruf_b)] == [rows[0].id]
    with unit_of_work(db) as s:
        trace = comment_trace(s, policy=get_policy(s, slug=SLUG), comment_id=traced.accepted)
        assert trace.clause_label == "Pasal 2"
        [change] = trace.changes
        assert change.version_number == 2 and "huruf b" in change.label
        assert "meningkatkan kesejahteraan" in change.text
        assert "menjaga kesejahteraan" in change.old_text and "meningkatkan" not in change.old_text


@pytest.mark.parametrize(
    ("which", "number", "key", "error", "field", "phrase"),
    [
        ("refused", 2, "huruf_b", Conflict, "comment_id", "tidak diterima"),
        ("accepted", 1, "huruf_b", InvalidInput, "version_number", "bukan versi sesudah versi 1"),
        ("accepted", 2, "e-00000000", InvalidInput, "element_key", "tidak ada pada versi 2"),
        ("accepted", 2, "x" * 41, InvalidInput, "element_key", "tidak ada pada versi 2"),
    ],
)
def test_a_link_is_refused_with_a_reason_naming_the_field(
    db: str, traced: Traced, which: str, number: int, key: str, error: type, field: str, phrase: str
) -> None:
    comment_id = getattr(traced, which)
    element = traced.huruf_b if key == "huruf_b" else key
    with pytest.raises(error) as refused:
        _link(db, comment_id, element, number=number)
    assert refused.value.extra["field"] == field and phrase in refused.value.detail
    assert refused.value.detail_en


def test_only_the_owning_unit_links_and_only_a_published_version(db: str, catalog: None) -> None:
    traced = consult_and_revise(db, publish=False)
    with pytest.raises(InvalidInput, match="belum diterbitkan"):
        _link(db, traced.accepted, traced.huruf_b)
    with unit_of_work(db) as s:
        drafts.publish_version(s, actor=DRAFTER, slug=SLUG, number=2, now=CLOSED)
    for actor in (STRANGER, traced.author):
        with unit_of_work(db) as s, pytest.raises(PermissionDenied):
            changes.link_change(
                s,
                actor=actor,
                slug=SLUG,
                comment_id=traced.accepted,
                version_number=2,
                element_key=traced.huruf_b,
            )
        with unit_of_work(db) as s, pytest.raises(PermissionDenied):
            changes.state_unchanged(s, actor=actor, slug=SLUG, comment_id=traced.partly, reason="Tetap.")


def test_a_reason_the_text_stayed_and_a_link_exclude_each_other(db: str, traced: Traced) -> None:
    with unit_of_work(db) as s:
        changes.state_unchanged(
            s, actor=DRAFTER, slug=SLUG, comment_id=traced.accepted, reason="Sudah diatur."
        )
    # The text did change after all: the link replaces the reason.
    _link(db, traced.accepted, traced.huruf_b)
    with unit_of_work(db) as s:
        trace = comment_trace(s, policy=get_policy(s, slug=SLUG), comment_id=traced.accepted)
        assert trace.disposition.unchanged_reason == "" and len(trace.changes) == 1
        with pytest.raises(Conflict, match="lepaskan tautannya"):
            changes.state_unchanged(s, actor=DRAFTER, slug=SLUG, comment_id=traced.accepted, reason="Tetap.")
    with unit_of_work(db) as s:
        removed = changes.unlink_change(
            s,
            actor=DRAFTER,
            slug=SLUG,
            comment_id=traced.accepted,
            version_number=2,
            element_key=traced.huruf_b,
        )
        assert removed == 1
    assert (traced.accepted, "Pasal 2") in _untraced(db)
    with unit_of_work(db) as s, pytest.raises(Conflict):
        changes.state_unchanged(s, actor=DRAFTER, slug=SLUG, comment_id=traced.refused, reason="Tetap.")


def test_the_links_of_one_element_follow_the_ticked_boxes(db: str, traced: Traced) -> None:
    shown = [traced.accepted, traced.partly]
    with unit_of_work(db) as s:
        assert (
            changes.set_element_links(
                s,
                actor=DRAFTER,
                slug=SLUG,
                version_number=2,
                element_key=traced.huruf_b,
                linked=shown,
                shown=shown,
            )
            == 2
        )
    assert _untraced(db) == []
    with unit_of_work(db) as s:
        changed = changes.set_element_links(
            s,
            actor=DRAFTER,
            slug=SLUG,
            version_number=2,
            element_key=traced.huruf_b,
            linked=[traced.partly],
            shown=shown,
        )
        assert changed == 1
        with pytest.raises(InvalidInput, match="tidak ada di antara"):
            changes.set_element_links(
                s,
                actor=DRAFTER,
                slug=SLUG,
                version_number=2,
                element_key=traced.huruf_b,
                linked=[traced.refused],
                shown=shown,
            )
    assert _untraced(db) == [(traced.accepted, "Pasal 2")]


def test_one_link_covers_every_member_of_a_campaign_answered_at_once(db: str, catalog: None) -> None:
    traced = consult_and_revise(db, campaign=3)
    with unit_of_work(db) as s:
        [group] = s.exec(select(Campaign)).all()
        members = sorted(c.id for c in s.exec(select(Comment).where(Comment.campaign_id == group.id)))
    assert len(members) == 3
    assert [i for i, _ in _untraced(db)] == sorted([traced.accepted, traced.partly, *members])
    rows = _link(db, members[1], traced.huruf_b)
    assert len(rows) == 3
    assert [i for i, _ in _untraced(db)] == [traced.accepted, traced.partly]
    with unit_of_work(db) as s:
        assert (
            changes.unlink_change(
                s,
                actor=DRAFTER,
                slug=SLUG,
                comment_id=members[0],
                version_number=2,
                element_key=traced.huruf_b,
            )
            == 3
        )
        changes.state_unchanged(
            s, actor=DRAFTER, slug=SLUG, comment_id=members[2], reason="Diatur Perwal lain."
        )
    assert [i for i, _ in _untraced(db)] == [traced.accepted, traced.partly]


def test_the_matrix_puts_each_change_beside_the_comments_that_led_to_it(db: str, traced: Traced) -> None:
    _link(db, traced.accepted, traced.huruf_b)
    _link(db, traced.partly, traced.huruf_b)
    with unit_of_work(db) as s:
        span = consulted_span(s, policy=get_policy(s, slug=SLUG))
        assert (span.consulted.number, span.later.number) == (1, 2)  # type: ignore[union-attr]
        [row] = change_matrix(s, window_ids=span.window_ids)
        assert not row.unchanged and row.version_number == 2 and "huruf b" in row.label
        assert "menjaga kesejahteraan" in row.old_text and "tunjangan kinerja" in row.new_text
        assert row.comment_ids == [traced.accepted, traced.partly]
        assert row.reasons[0] == "Huruf b kini menyebut peningkatan kesejahteraan."
    with unit_of_work(db) as s:
        changes.unlink_change(
            s,
            actor=DRAFTER,
            slug=SLUG,
            comment_id=traced.partly,
            version_number=2,
            element_key=traced.huruf_b,
        )
        changes.state_unchanged(
            s, actor=DRAFTER, slug=SLUG, comment_id=traced.partly, reason="Rincian tunjangan di Perwal lain."
        )
    with unit_of_work(db) as s:
        changed, stayed = change_matrix(s, window_ids=span.window_ids)
        assert changed.comment_ids == [traced.accepted]
        assert stayed.unchanged and stayed.label == "Pasal 2" and stayed.comment_ids == [traced.partly]
        assert stayed.reasons == ["Rincian tunjangan di Perwal lain."]
        data = build_report(s, slug=SLUG, now=CLOSED)
        markdown = render_report(data, fmt="md")
        html = render_report(data, fmt="html", locale="en")
    assert "## Matriks perubahan" in markdown
    assert "| Unsur | Rumusan semula | Rumusan baru | Alasan | Masukan |" in markdown
    line = next(x for x in markdown.splitlines() if "tunjangan kinerja;" in x and x.startswith("| Pasal 2"))
    assert f"#{traced.accepted} |" in line and "menjaga kesejahteraan" in line
    assert "Change matrix (matriks perubahan)" in html and "Rincian tunjangan di Perwal lain." in html
    assert f'<a href="#masukan-{traced.partly}">#{traced.partly}</a>' in html


def test_the_matrix_escapes_what_people_wrote(db: str, traced: Traced) -> None:
    with unit_of_work(db) as s:
        changes.state_unchanged(
            s, actor=DRAFTER, slug=SLUG, comment_id=traced.accepted, reason="a | b <script>x</script>\nbaris"
        )
        markdown = render_report(build_report(s, slug=SLUG, now=CLOSED), fmt="md")
    line = next(x for x in markdown.splitlines() if "baris" in x and x.startswith("| Pasal 2"))
    assert "a \\| b &lt;script&gt;x&lt;/script&gt;" in line and line.count(" | ") == 4


def test_the_public_record_shows_each_clause_with_its_answers_and_result(db: str, traced: Traced) -> None:
    _link(db, traced.accepted, traced.huruf_b)
    with unit_of_work(db) as s:
        span = consulted_span(s, policy=get_policy(s, slug=SLUG))
        records = {r.label: r for r in public_record(s, version=span.consulted, window_ids=span.window_ids)}  # type: ignore[arg-type]
    assert set(records) == {"Pasal 2", "Pasal 3"}
    pasal_2 = records["Pasal 2"]
    assert [t.comment.id for t in pasal_2.traces] == [traced.accepted, traced.partly]
    assert "meningkatkan kesejahteraan" in pasal_2.traces[0].changes[0].text
    assert pasal_2.traces[1].changes == []
    assert [c.id for c, _ in records["Pasal 3"].answered] == [traced.refused]


def test_the_revised_text_is_written_only_once_the_consultation_closed(db: str, catalog: None) -> None:
    open_consultation(db)
    with unit_of_work(db) as s:
        # The walk's window ends by its date; one still open keeps the consulted text frozen.
        window = current_window(s, policy=get_policy(s, slug=SLUG))
        assert window is not None
        window.closes_at = CLOSED + timedelta(days=3650)
        s.add(window)
        body = get_version(s, policy_id=window.policy_id, number=1).body
    with unit_of_work(db) as s, pytest.raises(Conflict, match="setelah konsultasi publik ditutup"):
        drafts.write_draft(s, actor=DRAFTER, slug=SLUG, body=body.replace(OLD_WORDS, NEW_WORDS))
    with unit_of_work(db) as s:
        consultation.close_window(s, actor=DRAFTER, slug=SLUG, reason="Masukan sudah cukup.", now=LATER)
    with unit_of_work(db) as s:
        revised = drafts.write_draft(s, actor=DRAFTER, slug=SLUG, body=body.replace(OLD_WORDS, NEW_WORDS))
        assert (revised.number, revised.published_at) == (2, None)
