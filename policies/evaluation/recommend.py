"""Revision recommendations: why a closed round says the policy should be revised."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from policies.evaluation.common import policy_of, staff_to_notify
from policies.evaluation.indicators import list_indicators, meets_target, shortfall
from policies.evaluation.results import RoundResults
from policies.i18n import format_number
from policies.models import (
    Channel,
    Measurement,
    Reminder,
    RevisionNote,
    RevisionRecommendation,
    Stage,
    SurveyRound,
)
from policies.queries import get_policy

WEAK_CATEGORIES = ("C", "D")


def reasons_for(session: Session, *, survey: SurveyRound, results: RoundResults) -> list[dict[str, Any]]:
    """List every missed indicator target and every unsur in category C or D."""
    reasons: list[dict[str, Any]] = []
    measured = {
        m.indicator_id: m for m in session.exec(select(Measurement).where(Measurement.round_id == survey.id))
    }
    for indicator in list_indicators(session, policy_id=survey.policy_id):
        m = measured.get(indicator.id)  # type: ignore[arg-type]
        if m is None or meets_target(indicator, m.value):
            continue
        gap = shortfall(indicator, m.value)
        word = "di atas" if indicator.direction == "down" else "di bawah"
        reasons.append(
            {
                "kind": "indicator",
                "code": indicator.code,
                "value": m.value,
                "target": indicator.target,
                "direction": indicator.direction,
                "shortfall": gap,
                "text": (
                    f"Indikator {indicator.name}: {format_number(m.value, digits=2)} {indicator.unit}, "
                    f"{format_number(gap, digits=2)} {word} target "
                    f"{format_number(indicator.target, digits=2)}."
                ),
            }
        )
    if results.overall is not None:
        for u in results.overall.unsur:
            if u.category.letter in WEAK_CATEGORIES:
                reasons.append(
                    {
                        "kind": "unsur",
                        "code": u.code,
                        "value": float(u.index),
                        "category": u.category.letter,
                        "shortfall": round(76.61 - float(u.index), 2),
                        "text": (
                            f"Unsur {u.name}: IKM {format_number(u.index, digits=2)} kategori "
                            f"{u.category.letter} ({u.category.name}), "
                            f"{format_number(76.61 - float(u.index), digits=2)} di bawah kategori B."
                        ),
                    }
                )
    return reasons


def recommend(
    session: Session, *, survey: SurveyRound, results: RoundResults, now: datetime
) -> RevisionRecommendation | None:
    """Record a recommendation for a round that warrants one and notify the drafters (once)."""
    existing = session.exec(
        select(RevisionRecommendation).where(RevisionRecommendation.round_id == survey.id)
    ).first()
    if existing is not None:
        return existing
    reasons = reasons_for(session, survey=survey, results=results)
    if not reasons:
        return None
    policy = policy_of(session, survey)
    row = RevisionRecommendation(
        policy_id=policy.id,  # type: ignore[arg-type]
        cycle=survey.cycle,
        round_id=survey.id,  # type: ignore[arg-type]
        reasons=reasons,
        summary=f"Putaran survei {survey.number} merekomendasikan revisi: {len(reasons)} temuan.",
        created_at=now,
    )
    session.add(row)
    for account in staff_to_notify(session, policy=policy, evaluators=False):
        session.add(
            Reminder(
                dedupe_key=f"survey:{survey.id}:revision-recommended:{account.id}",
                template="revision_recommended",
                channel=Channel.EMAIL,
                recipient_account_id=account.id,
                recipient_email=account.email,
                locale=account.locale,
                policy_id=policy.id,
                context={
                    "slug": policy.slug,
                    "title": policy.title,
                    "round_id": survey.id,
                    "round_number": survey.number,
                    "reasons": [r["text"] for r in reasons],
                },
                due_at=now,
            )
        )
    session.flush()
    return row


def recommendations_for(session: Session, *, policy_id: int, cycle: int) -> list[RevisionRecommendation]:
    """Return a cycle's recommendations, oldest round first (revision notes for the drafter)."""
    stmt = (
        select(RevisionRecommendation)
        .where(RevisionRecommendation.policy_id == policy_id, RevisionRecommendation.cycle == cycle)
        .order_by(col(RevisionRecommendation.round_id))
    )
    return list(session.exec(stmt))


def attach_recommendations(session: Session, *, slug: str) -> int:
    """Attach the last cycle's recommendations to a policy in revision as revision notes (once)."""
    policy = get_policy(session, slug=slug)
    if policy.stage != Stage.REVISION:
        return 0
    have = set(
        session.exec(
            select(RevisionNote.source_id).where(
                RevisionNote.policy_id == policy.id,
                RevisionNote.cycle == policy.cycle,
                RevisionNote.source == "recommendation",
            )
        )
    )
    added = 0
    for rec in recommendations_for(session, policy_id=policy.id, cycle=policy.cycle - 1):  # type: ignore[arg-type]
        if rec.id in have:
            continue
        session.add(
            RevisionNote(
                policy_id=policy.id,  # type: ignore[arg-type]
                cycle=policy.cycle,
                source="recommendation",
                source_id=rec.id,  # type: ignore[arg-type]
                summary=rec.summary,
                detail="\n".join(f"- {r['text']}" for r in rec.reasons),
            )
        )
        added += 1
    session.flush()
    return added
