"""The drafter's own revision notes: a point the next draft must consider that no comment, workshop
or survey raised, written in the revision stage next to those attached from the last cycle."""

from __future__ import annotations

import secrets

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.core.errors import InvalidInput
from policies.core.fields import TextField
from policies.drafting.models import RevisionNote
from policies.drafting.queries import clause_headings
from policies.lifecycle.models import Stage
from policies.lifecycle.owned import StageRule, owned_policy

DRAFTER_SOURCE = "drafter"
MAX_NOTE_CHARS = 4_000
NOTE_FIELD = TextField(
    "summary",
    "Catatan revisi",
    "The revision note",
    MAX_NOTE_CHARS,
    blank=("Tulis catatan revisinya.", "Write the revision note."),
)
NOTE_EN_FIELD = TextField(
    "summary_en", "Catatan revisi (Inggris)", "The English revision note", MAX_NOTE_CHARS
)
# Notes inform the draft being revised: before revision there is none to inform, after it they are the record.
NOTE_STAGES = StageRule(
    frozenset({Stage.REVISION}),
    "Catatan revisi hanya dapat ditulis pada tahap revisi (sekarang tahap {name}).",
    "Revision notes are written only in the revision stage (the policy is now in {name}).",
)


def write_revision_note(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    summary: str,
    summary_en: str = "",
    clause_key: str | None = None,
) -> RevisionNote:
    """Add the drafter's own note to the cycle being revised, optionally on one of its clauses."""
    policy = owned_policy(session, actor=actor, slug=slug, stage_rule=NOTE_STAGES)
    summary, summary_en = NOTE_FIELD.clean(summary), NOTE_EN_FIELD.clean(summary_en)
    if clause_key and clause_key not in clause_headings(session, policy_id=policy.id):  # type: ignore[arg-type]
        raise InvalidInput(
            "Pilih pasal dari draf kebijakan ini, atau kosongkan untuk catatan umum.",
            en="Choose a clause of this policy's draft, or leave it empty for a general note.",
            field="clause_key",
        )
    note = RevisionNote(
        policy_id=policy.id,  # type: ignore[arg-type]
        cycle=policy.cycle,
        source=DRAFTER_SOURCE,
        source_id=actor.id or 0,
        # Each note is its own point: a fresh code keeps the one-note-per-reason rule from merging them.
        reason_code=f"note:{secrets.token_hex(8)}",
        clause_key=clause_key or None,
        summary=summary,
        summary_en=summary_en,
        detail=f"Dicatat oleh perancang {actor.name}.",
        detail_en=f"Written by the drafter {actor.name}.",
    )
    session.add(note)
    session.flush()
    return note
