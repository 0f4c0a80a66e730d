"""Revision: the next cycle's draft starts from the adopted text, with everything learned attached."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from policies.accounts.access import SYSTEM
from policies.consultation.queries import top_level_comments_of_cycle
from policies.core.errors import Conflict
from policies.core.i18n import format_date
from policies.drafting.models import DraftVersion, RevisionNote
from policies.drafting.queries import first_version_of_cycle, latest_version_before, revision_notes
from policies.drafting.versions import create_version
from policies.evaluation import queries as evaluation
from policies.evaluation.common import num
from policies.evaluation.indicators import unit_in
from policies.evaluation.models import Indicator
from policies.evaluation.recommend import closing_recommendation
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_policy
from policies.rollout.queries import latest_adoption
from policies.workshops.queries import outcomes_in_cycle

OUTCOME_WORDS = {
    "accepted": "diterima",
    "partly": "diterima sebagian",
    "not_accepted": "tidak diterima",
    "noted": "dicatat",
}


def _base_version(session: Session, *, policy: Policy) -> tuple[DraftVersion, str]:
    adoption = latest_adoption(session, policy_id=policy.id, before_cycle=policy.cycle)  # type: ignore[arg-type]
    if adoption is not None:
        version = session.get(DraftVersion, adoption.version_id)
        assert version is not None  # a foreign key guarantees it
        return version, f"teks yang ditetapkan ({adoption.instrument_type} Nomor {adoption.number})"
    version = latest_version_before(session, policy=policy)
    if version is None:
        raise Conflict(
            "Tidak ada teks siklus sebelumnya yang dapat direvisi.",
            en="There is no text of an earlier cycle to revise.",
        )
    return version, f"versi {version.number} siklus sebelumnya"


def start_revision_draft(session: Session, *, slug: str) -> str:
    """Create the new cycle's first draft from the adopted text, once."""
    policy = get_policy(session, slug=slug)
    existing = first_version_of_cycle(session, policy=policy)
    if existing is not None:
        return f"Draf revisi siklus {policy.cycle} sudah ada (versi {existing.number})."
    base, origin = _base_version(session, policy=policy)
    version = create_version(
        session,
        actor=SYSTEM,
        slug=slug,
        body=base.body,
        title=base.title,
        change_note=f"Draf revisi siklus {policy.cycle} dari {origin}.",
    )
    return f"Draf revisi versi {version.number} dibuat dari {origin}."


OUTCOME_WORDS_EN = {
    "accepted": "accepted",
    "partly": "partly accepted",
    "not_accepted": "not accepted",
    "noted": "noted",
}


def _missed(indicator: Indicator, value: float) -> bool:
    return value < indicator.target if indicator.direction == "up" else value > indicator.target


def attach_revision_notes(session: Session, *, slug: str) -> str:
    """Attach every comment with its disposition, workshop outcome and missed indicator of the last cycle.

    Indicators the last closed round's recommendation already names are left to its reasons (one
    note each, with the round and the shortfall: `recommend.attach_recommendations`); here come only
    indicators whose latest measurement misses the target without such a reason.
    """
    policy = get_policy(session, slug=slug)
    previous = policy.cycle - 1
    have = {
        (n.source, n.source_id)
        for n in revision_notes(session, policy_id=policy.id, cycle=policy.cycle)  # type: ignore[arg-type]
    }
    notes: list[RevisionNote] = []

    def add(
        source: str, source_id: int, texts: tuple[str, str, str, str], clause_key: str | None = None
    ) -> None:
        if (source, source_id) not in have:
            summary, summary_en, detail, detail_en = texts
            notes.append(
                RevisionNote(
                    policy_id=policy.id,  # type: ignore[arg-type]
                    cycle=policy.cycle,
                    source=source,
                    source_id=source_id,
                    clause_key=clause_key,
                    summary=summary,
                    summary_en=summary_en,
                    detail=detail,
                    detail_en=detail_en,
                )
            )

    comments = top_level_comments_of_cycle(session, policy_id=policy.id, cycle=previous)  # type: ignore[arg-type]
    for comment, disposition in comments:
        if disposition is not None:
            answer = (
                f"Tindak lanjut: {OUTCOME_WORDS.get(disposition.outcome, disposition.outcome)} — "
                f"{disposition.reason}"
            )
            answer_en = (
                f"Disposition: {OUTCOME_WORDS_EN.get(disposition.outcome, disposition.outcome)} — "
                f"{disposition.reason}"
            )
        else:
            answer, answer_en = "Belum diberi tindak lanjut.", "No disposition yet."
        add(
            "comment",
            comment.id,  # type: ignore[arg-type]
            (
                f"Masukan {comment.author_name}: {comment.body}",
                f"Comment by {comment.author_name}: {comment.body}",
                answer,
                answer_en,
            ),
            comment.clause_key,
        )
    for outcome, workshop in outcomes_in_cycle(session, policy=policy, cycle=previous):
        add(
            "workshop_outcome",
            outcome.id,  # type: ignore[arg-type]
            (
                f"Hasil {workshop.title}: {outcome.text}",
                f"Outcome of {workshop.title}: {outcome.text}",
                outcome.raised_by,
                outcome.raised_by,
            ),
            outcome.clause_key,
        )
    _, rec = closing_recommendation(session, policy_id=policy.id, cycle=previous)  # type: ignore[arg-type]
    named = {r["code"] for r in rec.reasons if r["kind"] == "indicator"} if rec is not None else set()
    for indicator in evaluation.indicators_in_order_added(session, policy_id=policy.id):  # type: ignore[arg-type]
        if indicator.code in named:
            continue
        last = evaluation.latest_measurement(session, indicator_id=indicator.id)  # type: ignore[arg-type]
        if last is not None and _missed(indicator, last.value):
            value, target = num(last.value), num(indicator.target)
            value_en, target_en = num(last.value, locale="en"), num(indicator.target, locale="en")
            unit_en = unit_in(indicator.unit, locale="en")
            add(
                "indicator",
                indicator.id,  # type: ignore[arg-type]
                (
                    f"Indikator {indicator.name} belum mencapai target: {value} dari target "
                    f"{target} {indicator.unit} (diukur {format_date(last.measured_on)}).",
                    f"Indicator {indicator.name_en or indicator.name} misses its target: {value_en} against "
                    f"{target_en} {unit_en} (measured {format_date(last.measured_on, locale='en')}).",
                    last.note,
                    last.note,
                ),
            )
    session.add_all(notes)
    session.flush()
    return f"{len(notes)} catatan revisi baru ({len(have) + len(notes)} seluruhnya)."


class RevisionNotePublic(BaseModel):
    """A point the revision must consider, with its source and what it links to.

    `link` holds `comment_id`, `workshop_outcome_id`, `indicator_id`/`indicator_code`, nothing for
    the drafter's own note, or for a recommendation reason (`followup_item_id` for a follow-up item)
    `recommendation_id`, `round_id`, `round_number` and `indicator_code` or `unsur_code`.
    """

    id: int
    cycle: int
    source: str
    summary: str
    summary_en: str
    detail: str
    detail_en: str
    clause_key: str | None
    link: dict[str, Any]
    created_at: datetime


def _link(note: RevisionNote, rounds: dict[int, int], indicators: dict[int, str]) -> dict[str, Any]:
    if note.source == "comment":
        return {"comment_id": note.source_id}
    if note.source == "workshop_outcome":
        return {"workshop_outcome_id": note.source_id}
    if note.source == "indicator":
        return {"indicator_id": note.source_id, "indicator_code": indicators.get(note.source_id)}
    if note.source == "drafter":  # the drafter's own note: its detail names who wrote it
        return {}
    kind, _, code = note.reason_code.partition(":")
    link: dict[str, Any] = {
        # A follow-up item's note links the item; a recommendation's, the recommendation.
        "followup_item_id" if note.source == "followup" else "recommendation_id": note.source_id,
        "round_id": note.round_id,
        "round_number": rounds.get(note.round_id) if note.round_id is not None else None,
    }
    if kind in ("indicator", "unsur"):  # an evaluator's own reason names no figure
        link["indicator_code" if kind == "indicator" else "unsur_code"] = code
    return link


def notes_of(session: Session, *, slug: str, cycle: int | None = None) -> list[RevisionNotePublic]:
    """Return every revision note of a policy (or of one cycle) with its source and link, in order."""
    policy = get_policy(session, slug=slug)
    notes = revision_notes(session, policy_id=policy.id, cycle=cycle)  # type: ignore[arg-type]
    rounds = evaluation.round_numbers(session, policy_id=policy.id)  # type: ignore[arg-type]
    indicators = evaluation.indicator_codes(session, policy_id=policy.id)  # type: ignore[arg-type]
    return [
        RevisionNotePublic.model_validate(
            {
                **n.model_dump(),
                "summary_en": n.summary_en or n.summary,
                "detail_en": n.detail_en or n.detail,
                "link": _link(n, rounds, indicators),
            }
        )
        for n in notes
    ]
