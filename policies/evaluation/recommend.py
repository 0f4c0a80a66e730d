"""Revision recommendations: why a closed round says the policy should be revised, in both languages.

A reason is a dict stored on the recommendation: `kind` (indicator or unsur), `code`, the figures
(`value`, `target`/`category`, `shortfall`) and the sentence in Indonesian (`text`) and English
(`text_en`). A drafter decides whether to revise; once the policy is in revision, each reason of the
last closed round of the previous cycle becomes a revision note of the new cycle.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.core.db import utcnow
from policies.core.errors import Conflict, PermissionDenied
from policies.core.fields import clean_text
from policies.core.i18n import format_date
from policies.core.listing import cursor_id, id_cursor
from policies.drafting.models import RevisionNote
from policies.drafting.queries import recommendation_note_codes
from policies.evaluation import outreach, queries
from policies.evaluation.common import get_round, num, policy_of, require_evaluator
from policies.evaluation.ikm import classify
from policies.evaluation.indicators import meets_target, shortfall, unit_in
from policies.evaluation.models import Indicator, RevisionRecommendation, SurveyRound
from policies.evaluation.results import ResultsPublic
from policies.lifecycle.models import Policy, Stage
from policies.lifecycle.queries import get_policy

WEAK_CATEGORIES = ("C", "D")
# A reason an evaluator writes in their own words (the others are computed from the round's figures).
EVALUATOR_KIND = "evaluator"
MAX_RECOMMENDATION_CHARS = 2_000
CATEGORY_B_FLOOR = Decimal("76.61")


def _indicator_reason(indicator: Indicator, value: float) -> dict[str, Any]:
    gap = shortfall(indicator, value=value)
    down = indicator.direction == "down"
    name_en = indicator.name_en or indicator.name
    unit, unit_en = unit_in(indicator.unit, locale="id"), unit_in(indicator.unit, locale="en")
    return {
        "kind": "indicator",
        "code": indicator.code,
        "value": value,
        "target": indicator.target,
        "direction": indicator.direction,
        "shortfall": gap,
        "text": (
            f"Indikator {indicator.name}: {num(value)} {unit}, {num(gap)} "
            f"{'di atas' if down else 'di bawah'} target {num(indicator.target)}."
        ),
        "text_en": (
            f"Indicator {name_en}: {num(value, locale='en')} {unit_en}, {num(gap, locale='en')} "
            f"{'above' if down else 'below'} the target of {num(indicator.target, locale='en')}."
        ),
    }


def indicator_reasons(session: Session, *, survey: SurveyRound) -> list[dict[str, Any]]:
    """List every indicator whose measurement for the round misses its target."""
    measured = {m.indicator_id: m for m in queries.measurements_of_round(session, round_id=survey.id)}  # type: ignore[arg-type]
    reasons = []
    for indicator in queries.list_indicators(session, policy_id=survey.policy_id):
        m = measured.get(indicator.id)  # type: ignore[arg-type]
        if m is not None and not meets_target(indicator, value=m.value):
            reasons.append(_indicator_reason(indicator, m.value))
    return reasons


def unsur_reasons(results: ResultsPublic) -> list[dict[str, Any]]:
    """List every unsur whose index falls in category C or D."""
    if results.ikm is None:
        return []
    reasons = []
    for u in results.ikm.unsur:
        if u.category not in WEAK_CATEGORIES:
            continue
        index = Decimal(u.ikm)
        category = classify(index)
        gap = CATEGORY_B_FLOOR - index
        reasons.append(
            {
                "kind": "unsur",
                "code": u.code,
                "value": float(index),
                "category": u.category,
                "shortfall": float(gap),
                "text": (
                    f"Unsur {u.name}: IKM {num(index)} kategori {u.category} ({category.name}), "
                    f"{num(gap)} di bawah kategori B."
                ),
                "text_en": (
                    f"Element {u.name_en}: index {num(index, locale='en')}, category {u.category} "
                    f"({category.name_en}), {num(gap, locale='en')} below category B."
                ),
            }
        )
    return reasons


def reasons_for(session: Session, *, survey: SurveyRound, results: ResultsPublic) -> list[dict[str, Any]]:
    """List every missed indicator target and every unsur in category C or D."""
    return indicator_reasons(session, survey=survey) + unsur_reasons(results)


def _summaries(survey: SurveyRound, count: int) -> tuple[str, str]:
    return (
        f"Putaran survei {survey.number} merekomendasikan revisi: {count} temuan.",
        f"Survey round {survey.number} recommends revision: {count} finding{'s' if count != 1 else ''}.",
    )


def _add_reasons(
    session: Session,
    *,
    survey: SurveyRound,
    row: RevisionRecommendation | None,
    reasons: list[dict[str, Any]],
    key: str,
    now: datetime,
    added: bool,
    by: str = "",
) -> RevisionRecommendation:
    """Record reasons on the round's recommendation (made if it has none) and tell the drafters once.

    `added` tells the drafters these reasons came after the round closed (measurements entered late).
    """
    if row is None:
        row = RevisionRecommendation(
            policy_id=survey.policy_id, cycle=survey.cycle, round_id=survey.id, reasons=[], created_at=now
        )
    # A new list, so the JSON column sees the change.
    row.reasons = [*row.reasons, *reasons]
    row.summary, row.summary_en = _summaries(survey, len(row.reasons))
    session.add(row)
    outreach.notify_staff(
        session,
        policy=policy_of(session, survey=survey),
        key=key,
        template="revision_recommended",
        now=now,
        evaluators=False,
        round_id=survey.id,
        round_number=survey.number,
        reasons=[r["text"] for r in reasons],
        reasons_en=[r["text_en"] for r in reasons],
        added=added,
        by=by,
    )
    session.flush()
    return row


def recommend(
    session: Session, *, survey: SurveyRound, results: ResultsPublic, now: datetime
) -> RevisionRecommendation | None:
    """Record a recommendation for a round that warrants one and notify the drafters (once)."""
    existing = queries.recommendation_of(session, round_id=survey.id)  # type: ignore[arg-type]
    if existing is not None:
        return existing
    reasons = reasons_for(session, survey=survey, results=results)
    if not reasons:
        return None
    key = f"survey:{survey.id}:revision-recommended"
    return _add_reasons(session, survey=survey, row=None, reasons=reasons, key=key, now=now, added=False)


def reevaluate(session: Session, *, survey: SurveyRound, now: datetime) -> list[dict[str, Any]]:
    """Add the reasons a closed round gained from measurements entered after it closed; return them.

    Running it again adds nothing; the drafters hear once about each new set of reasons. Reasons
    already recorded stay as they were (the round's record), even if a later value meets the target.
    """
    if survey.closed_at is None:
        return []
    row = queries.recommendation_of(session, round_id=survey.id)  # type: ignore[arg-type]
    known = {(r["kind"], r["code"]) for r in (row.reasons if row is not None else [])}
    added = [r for r in indicator_reasons(session, survey=survey) if (r["kind"], r["code"]) not in known]
    if not added:
        return []
    codes = ",".join(sorted(f"{r['kind']}:{r['code']}" for r in added))
    digest = hashlib.sha256(codes.encode()).hexdigest()[:12]
    key = f"survey:{survey.id}:revision-recommended:{digest}"
    _add_reasons(session, survey=survey, row=row, reasons=added, key=key, now=now, added=True)
    policy = policy_of(session, survey=survey)
    if policy.stage == Stage.REVISION and policy.cycle == survey.cycle + 1:
        # Already in revision: the new reasons join the notes if this round is the one they come from.
        attach_recommendations(session, slug=policy.slug)
    return added


@dataclass(frozen=True)
class RecommendationPage:
    """One page of recommendations and the cursor of the next (None on the last page)."""

    items: list[RevisionRecommendation]
    next_cursor: str | None


def recommendations_page(
    session: Session, *, slug: str, cycle: int | None = None, cursor: str | None = None, limit: int = 50
) -> RecommendationPage:
    """Return one keyset page of a cycle's recommendations (default: the current cycle), oldest first."""
    policy = get_policy(session, slug=slug)
    rows = queries.recommendations_after(
        session,
        policy_id=policy.id,  # type: ignore[arg-type]
        cycle=cycle or policy.cycle,
        after_id=cursor_id(cursor) if cursor else None,
        limit=limit + 1,
    )
    more = len(rows) > limit
    items = rows[:limit]
    return RecommendationPage(items, id_cursor(items[-1].id) if more else None)


def closing_recommendation(
    session: Session, *, policy_id: int, cycle: int
) -> tuple[SurveyRound | None, RevisionRecommendation | None]:
    """Return a cycle's last closed round and its recommendation (either may be missing)."""
    survey = queries.last_closed_round(session, policy_id=policy_id, cycle=cycle)
    if survey is None:
        return None, None
    return survey, queries.recommendation_of(session, round_id=survey.id)  # type: ignore[arg-type]


def _detail(reason: dict[str, Any], survey: SurveyRound, *, locale: str) -> str:
    en = locale == "en"
    closed = format_date(survey.closed_at, locale=locale)
    head = (
        f"Survey round {survey.number} (closed {closed})"
        if en
        else f"Putaran survei {survey.number} (ditutup {closed})"
    )
    if reason["kind"] == EVALUATOR_KIND:
        by = reason.get("by", "")
        return f"{head}: recommended by the evaluator {by}." if en else f"{head}: rekomendasi evaluator {by}."
    value, gap = num(reason["value"], locale=locale), num(reason["shortfall"], locale=locale)
    if reason["kind"] == "indicator":
        sign = "≤" if reason.get("direction") == "down" else "≥"
        target = num(reason["target"], locale=locale)
        if en:
            return f"{head}: value {value}, target {sign} {target}, short by {gap}."
        return f"{head}: nilai {value}, target {sign} {target}, kurang {gap}."
    if en:
        return (
            f"{head}: element index {value}, category {reason['category']}; {gap} below category B (76.61)."
        )
    return f"{head}: IKM unsur {value}, kategori {reason['category']}; {gap} di bawah kategori B (76,61)."


def attach_recommendations(session: Session, *, slug: str) -> int:
    """Attach each reason of the previous cycle's last closed round as a revision note (once each)."""
    policy = get_policy(session, slug=slug)
    if policy.stage != Stage.REVISION:
        return 0
    survey, rec = closing_recommendation(session, policy_id=policy.id, cycle=policy.cycle - 1)  # type: ignore[arg-type]
    if survey is None or rec is None:
        return 0
    have = recommendation_note_codes(
        session,
        policy_id=policy.id,  # type: ignore[arg-type]
        cycle=policy.cycle,
        recommendation_id=rec.id,  # type: ignore[arg-type]
    )
    added = 0
    for reason in rec.reasons:
        code = f"{reason['kind']}:{reason['code']}"
        if code in have:
            continue
        session.add(
            RevisionNote(
                policy_id=policy.id,  # type: ignore[arg-type]
                cycle=policy.cycle,
                source="recommendation",
                source_id=rec.id,  # type: ignore[arg-type]
                reason_code=code,
                round_id=survey.id,
                summary=reason["text"],
                summary_en=reason.get("text_en", ""),
                detail=_detail(reason, survey, locale="id"),
                detail_en=_detail(reason, survey, locale="en"),
            )
        )
        have.add(code)
        added += 1
    session.flush()
    return added


def require_recommender(actor: Actor | None, *, policy: Policy) -> Actor:
    """Refuse anyone but an admin or an evaluator of the policy's unit (the drafter decides, not writes)."""
    actor = require_evaluator(actor, policy=policy)
    if actor.role not in (Role.EVALUATOR, Role.ADMIN):
        raise PermissionDenied(
            "Rekomendasi revisi dicatat oleh evaluator atau admin; perancang yang memutuskan revisinya.",
            en="Revision recommendations are recorded by evaluators or admins; the drafter decides.",
        )
    return actor


def record_recommendation(
    session: Session,
    *,
    actor: Actor,
    round_id: int,
    text: str,
    text_en: str = "",
    now: datetime | None = None,
) -> RevisionRecommendation:
    """Add an evaluator's own reason to a closed round's recommendation and tell the drafters.

    The reason becomes a revision note once the policy enters revision, like the computed ones.
    """
    now = now or utcnow()
    survey = get_round(session, round_id=round_id, for_update=True)
    policy = policy_of(session, survey=survey)
    require_recommender(actor, policy=policy)
    if survey.closed_at is None:
        raise Conflict(
            f"Putaran survei {survey.number} masih berjalan: rekomendasi dicatat setelah putaran ditutup "
            "dan hasilnya terbit.",
            en=f"Survey round {survey.number} is still running: a recommendation is recorded once the "
            "round has closed and its results are out.",
        )
    text = clean_text(
        text,
        field="text",
        label="Rekomendasi",
        label_en="The recommendation",
        min_chars=1,
        max_chars=MAX_RECOMMENDATION_CHARS,
    )
    text_en = clean_text(
        text_en,
        field="text_en",
        label="Rekomendasi (Inggris)",
        label_en="The English recommendation",
        max_chars=MAX_RECOMMENDATION_CHARS,
    )
    row = queries.recommendation_of(session, round_id=survey.id)  # type: ignore[arg-type]
    number = 1 + sum(1 for r in (row.reasons if row is not None else []) if r["kind"] == EVALUATOR_KIND)
    reason = {
        "kind": EVALUATOR_KIND,
        "code": f"e{number}",
        "by": actor.name,
        "text": text,
        "text_en": text_en or text,
    }
    key = f"survey:{survey.id}:revision-recommended:evaluator:{number}"
    row = _add_reasons(
        session, survey=survey, row=row, reasons=[reason], key=key, now=now, added=False, by=actor.name
    )
    if policy.stage == Stage.REVISION and policy.cycle == survey.cycle + 1:
        attach_recommendations(session, slug=policy.slug)
    return row
