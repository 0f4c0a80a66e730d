"""Revision: the next cycle's draft starts from the adopted text, with everything learned attached."""

from __future__ import annotations

from sqlmodel import Session, col, select

from policies.access import SYSTEM
from policies.actions.drafts import create_version
from policies.errors import Conflict
from policies.models import (
    Adoption,
    Comment,
    ConsultationWindow,
    Disposition,
    DraftVersion,
    Indicator,
    Measurement,
    Policy,
    RevisionNote,
    Workshop,
    WorkshopOutcome,
)
from policies.queries import get_policy

OUTCOME_WORDS = {
    "accepted": "diterima",
    "partly": "diterima sebagian",
    "not_accepted": "tidak diterima",
    "noted": "dicatat",
}


def _base_version(session: Session, *, policy: Policy) -> tuple[DraftVersion, str]:
    adoption = session.exec(
        select(Adoption)
        .where(Adoption.policy_id == policy.id, Adoption.cycle < policy.cycle)
        .order_by(col(Adoption.cycle).desc())
    ).first()
    if adoption is not None:
        version = session.get(DraftVersion, adoption.version_id)
        assert version is not None  # a foreign key guarantees it
        return version, f"teks yang ditetapkan ({adoption.instrument_type} Nomor {adoption.number})"
    version = session.exec(
        select(DraftVersion)
        .where(DraftVersion.policy_id == policy.id, DraftVersion.cycle < policy.cycle)
        .order_by(col(DraftVersion.number).desc())
    ).first()
    if version is None:
        raise Conflict("Tidak ada teks siklus sebelumnya yang dapat direvisi.")
    return version, f"versi {version.number} siklus sebelumnya"


def start_revision_draft(session: Session, *, slug: str) -> str:
    """Create the new cycle's first draft from the adopted text, once."""
    policy = get_policy(session, slug=slug)
    existing = session.exec(
        select(DraftVersion).where(DraftVersion.policy_id == policy.id, DraftVersion.cycle == policy.cycle)
    ).first()
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


def _missed(indicator: Indicator, value: float) -> bool:
    return value < indicator.target if indicator.direction == "up" else value > indicator.target


def attach_revision_notes(session: Session, *, slug: str) -> str:
    """Attach every comment with its disposition, workshop outcome and missed indicator of the last cycle."""
    policy = get_policy(session, slug=slug)
    previous = policy.cycle - 1
    have = {
        (n.source, n.source_id)
        for n in session.exec(
            select(RevisionNote).where(
                RevisionNote.policy_id == policy.id, RevisionNote.cycle == policy.cycle
            )
        )
    }
    notes: list[RevisionNote] = []

    def add(
        source: str, source_id: int, summary: str, detail: str = "", clause_key: str | None = None
    ) -> None:
        if (source, source_id) not in have:
            notes.append(
                RevisionNote(
                    policy_id=policy.id,  # type: ignore[arg-type]
                    cycle=policy.cycle,
                    source=source,
                    source_id=source_id,
                    clause_key=clause_key,
                    summary=summary,
                    detail=detail,
                )
            )

    comments = session.exec(
        select(Comment, Disposition)
        .join(ConsultationWindow, col(ConsultationWindow.id) == Comment.window_id)
        .outerjoin(Disposition, col(Disposition.comment_id) == Comment.id)
        .where(
            Comment.policy_id == policy.id,
            ConsultationWindow.cycle == previous,
            col(Comment.parent_id).is_(None),
            col(Comment.hidden_at).is_(None),
        )
        .order_by(col(Comment.id))
    )
    for comment, disposition in comments:
        answer = (
            f"Tindak lanjut: {OUTCOME_WORDS.get(disposition.outcome, disposition.outcome)} — "
            f"{disposition.reason}"
            if disposition is not None
            else "Belum diberi tindak lanjut."
        )
        add(
            "comment",
            comment.id,
            f"Masukan {comment.author_name}: {comment.body}",
            answer,
            comment.clause_key,
        )  # type: ignore[arg-type]
    outcomes = session.exec(
        select(WorkshopOutcome, Workshop)
        .join(Workshop, col(Workshop.id) == WorkshopOutcome.workshop_id)
        .where(Workshop.policy_id == policy.id, Workshop.cycle == previous)
        .order_by(col(WorkshopOutcome.id))
    )
    for outcome, workshop in outcomes:
        add(
            "workshop_outcome",
            outcome.id,
            f"Hasil {workshop.title}: {outcome.text}",
            outcome.raised_by,
            outcome.clause_key,
        )  # type: ignore[arg-type]
    for indicator in session.exec(
        select(Indicator).where(Indicator.policy_id == policy.id).order_by(col(Indicator.id))
    ):
        last = session.exec(
            select(Measurement)
            .where(Measurement.indicator_id == indicator.id)
            .order_by(col(Measurement.measured_on).desc(), col(Measurement.id).desc())
        ).first()
        if last is not None and _missed(indicator, last.value):
            add(
                "indicator",
                indicator.id,  # type: ignore[arg-type]
                f"Indikator {indicator.name} belum mencapai target: {last.value:g} dari target "
                f"{indicator.target:g} {indicator.unit}.",
                last.note,
            )
    session.add_all(notes)
    session.flush()
    return f"{len(notes)} catatan revisi baru ({len(have) + len(notes)} seluruhnya)."


def revision_notes(session: Session, *, policy_id: int, cycle: int) -> list[RevisionNote]:
    """Return a cycle's revision notes in the order they were attached."""
    stmt = select(RevisionNote).where(RevisionNote.policy_id == policy_id, RevisionNote.cycle == cycle)
    return list(session.exec(stmt.order_by(col(RevisionNote.id))))
