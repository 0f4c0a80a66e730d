"""Follow-up items feed the next cycle's revision notes: each cites its round and its unsur or indicator.

On entering revision every item of the cycle just evaluated becomes a note (and every item of an
earlier cycle still not done); a note follows its item while the policy stays in revision, so the
drafter reads whether the action is done and what it did.
"""

from __future__ import annotations

from sqlmodel import Session

from policies.core.i18n import format_date
from policies.drafting.models import RevisionNote
from policies.drafting.queries import revision_notes
from policies.evaluation.followup import queries
from policies.evaluation.followup.models import FollowUpItem, FollowUpStatus
from policies.evaluation.models import SurveyRound
from policies.lifecycle.models import Policy, Stage
from policies.lifecycle.queries import get_policy

SOURCE = "followup"
STATUS_WORDS = {
    FollowUpStatus.PLANNED: ("direncanakan", "planned"),
    FollowUpStatus.IN_PROGRESS: ("sedang berjalan", "in progress"),
    FollowUpStatus.DONE: ("selesai", "done"),
}


def _texts(item: FollowUpItem, survey: SurveyRound) -> tuple[str, str, str, str]:
    """Return the note's summary and detail in Indonesian and English."""
    word, word_en = STATUS_WORDS[FollowUpStatus(item.status)]
    kind, kind_en = ("unsur", "element") if item.subject == "unsur" else ("indikator", "indicator")
    figure = (
        f"NRR {item.baseline}, mutu {item.category}" if item.subject == "unsur" else f"nilai {item.baseline}"
    )
    figure_en = (
        f"NRR {item.baseline}, category {item.category}"
        if item.subject == "unsur"
        else f"value {item.baseline}"
    )
    summary = (
        f"Tindak lanjut putaran survei {survey.number}, {kind} {item.code.upper()} {item.label} "
        f"({figure}): {item.action}"
    )
    summary_en = (
        f"Follow-up of survey round {survey.number}, {kind_en} {item.code.upper()} "
        f"{item.label_en or item.label} ({figure_en}): {item.action}"
    )
    if item.status == FollowUpStatus.DONE.value and item.done_on is not None:
        detail = f"Selesai {format_date(item.done_on)} ({item.owner_unit}): {item.done_note}"
        detail_en = f"Done {format_date(item.done_on, locale='en')} ({item.owner_unit}): {item.done_note}"
    else:
        detail = f"Status: {word}; {item.owner_unit}, tenggat {format_date(item.due_on)}."
        detail_en = f"Status: {word_en}; {item.owner_unit}, due {format_date(item.due_on, locale='en')}."
    return summary, summary_en, detail, detail_en


def sync_notes(session: Session, *, policy: Policy) -> int:
    """Write or refresh the revision note of each follow-up item the cycle in revision inherits; count new."""
    if policy.stage != Stage.REVISION:
        return 0
    have = {
        (n.source_id): n
        for n in revision_notes(session, policy_id=policy.id, cycle=policy.cycle)  # type: ignore[arg-type]
        if n.source == SOURCE
    }
    added = 0
    for item, survey in queries.items_of_rounds_before(session, policy_id=policy.id, cycle=policy.cycle):  # type: ignore[arg-type]
        # The cycle just evaluated brings all its items; older cycles only what is still unfinished.
        if survey.cycle != policy.cycle - 1 and item.status == FollowUpStatus.DONE.value:
            continue
        summary, summary_en, detail, detail_en = _texts(item, survey)
        note = have.get(item.id)  # type: ignore[arg-type]
        if note is None:
            note = RevisionNote(
                policy_id=policy.id,  # type: ignore[arg-type]
                cycle=policy.cycle,
                source=SOURCE,
                source_id=item.id,  # type: ignore[arg-type]
                reason_code=f"{item.subject}:{item.code}",
                round_id=survey.id,
            )
            added += 1
        note.summary, note.summary_en, note.detail, note.detail_en = summary, summary_en, detail, detail_en
        session.add(note)
    session.flush()
    return added


def attach_followup_notes(session: Session, *, slug: str) -> str:
    """Attach the follow-up items of the last cycle's rounds as revision notes (stage work of revision)."""
    added = sync_notes(session, policy=get_policy(session, slug=slug))
    return f"Catatan revisi dari rencana tindak lanjut: {added} baru."
