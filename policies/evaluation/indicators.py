"""Indicators and their measurements: computed each round, entered, or imported; trends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.core.errors import Conflict, InvalidInput, NotFound
from policies.core.fields import clean_text, finite_number
from policies.core.i18n import JAKARTA
from policies.core.listing import encode_cursor, typed_cursor
from policies.evaluation import queries
from policies.evaluation.common import is_staff, policy_of, require_evaluator
from policies.evaluation.models import Indicator, Measurement, SurveyRound
from policies.evaluation.results import ResultsPublic
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_policy
from policies.rollout.queries import acknowledgement_count, latest_adoption, mentee_count

COMPUTED = ("ikm", "acknowledgement_reach", "mentoring_coverage")
# The catalogue writes units in Indonesian; the English report and messages say them in English.
UNITS_EN = {
    "persen": "percent",
    "indeks": "index points",
    "JP per ASN": "JP per civil servant",
    "kegiatan": "activities",
}


def unit_in(unit: str, *, locale: str) -> str:
    """Return an indicator's unit in the given language (unknown units as written)."""
    return UNITS_EN.get(unit, unit) if locale == "en" else unit


def meets_target(indicator: Indicator, *, value: float) -> bool:
    """Tell whether a value meets the target, reading the indicator's direction."""
    return value <= indicator.target if indicator.direction == "down" else value >= indicator.target


def shortfall(indicator: Indicator, *, value: float) -> float:
    """Return how far a value falls short of the target (0 when it meets it)."""
    gap = value - indicator.target if indicator.direction == "down" else indicator.target - value
    return round(max(0.0, gap), 4)


def get_indicator(session: Session, *, indicator_id: int) -> Indicator:
    """Return an indicator or raise NotFound."""
    row = session.get(Indicator, indicator_id)
    if row is None:
        raise NotFound(
            f"Indikator {indicator_id} tidak ditemukan.", en=f"Indicator {indicator_id} was not found."
        )
    return row


# The indicator's typed texts: (Indonesian label, English label, required, longest), as the columns hold.
TEXTS = {
    "name": ("Nama indikator", "The indicator's name", True, 300),
    "name_en": ("Nama indikator (Inggris)", "The indicator's English name", False, 300),
    "unit": ("Satuan indikator", "The indicator's unit", True, 60),
}


def _clean(field: str, value: str) -> str:
    """Return an indicator's typed text stripped, or refuse it (empty, too long, NUL)."""
    label, label_en, required, longest = TEXTS[field]
    return clean_text(
        value, field=field, label=label, label_en=label_en, min_chars=int(required), max_chars=longest
    )


def _check_fields(*, target: float, baseline: float | None, direction: str, source: str) -> None:
    if direction not in ("up", "down"):
        raise InvalidInput(
            "Arah indikator harus 'up' (naik lebih baik) atau 'down'.",
            en="An indicator's direction is 'up' (higher is better) or 'down'.",
            field="direction",
        )
    if source not in (*COMPUTED, "manual") and not source.startswith("survey_question:"):
        raise InvalidInput(
            "Sumber indikator: ikm, acknowledgement_reach, mentoring_coverage, "
            "survey_question:<kode> atau manual.",
            en="An indicator's source is ikm, acknowledgement_reach, mentoring_coverage, "
            "survey_question:<code> or manual.",
            field="source",
        )
    finite_number(target, field="target", label="Target", label_en="The target")
    finite_number(baseline, field="baseline", label="Nilai dasar", label_en="The baseline")


def create_indicator(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    code: str,
    name: str,
    unit: str,
    target: float,
    direction: str = "up",
    source: str = "manual",
    baseline: float | None = None,
    name_en: str = "",
) -> Indicator:
    """Add an indicator to a policy."""
    policy = get_policy(session, slug=slug)
    require_evaluator(actor, policy=policy)
    _check_fields(target=target, baseline=baseline, direction=direction, source=source)
    name, name_en, unit = _clean("name", name), _clean("name_en", name_en), _clean("unit", unit)
    if not code or not code.replace("_", "").isalnum() or not code.islower():
        raise InvalidInput(
            "Kode indikator: huruf kecil, angka dan garis bawah.",
            en="An indicator code has lower-case letters, digits and underscores.",
            field="code",
        )
    if queries.indicator_code_taken(session, policy_id=policy.id, code=code):  # type: ignore[arg-type]
        raise Conflict(
            f"Indikator '{code}' sudah ada pada kebijakan ini.",
            en=f"The policy already has an indicator '{code}'.",
            field="code",
        )
    row = Indicator(
        policy_id=policy.id,  # type: ignore[arg-type]
        code=code,
        name=name,
        name_en=name_en,
        unit=unit,
        baseline=baseline,
        target=target,
        direction=direction,
        source=source,
    )
    session.add(row)
    session.flush()
    return row


def update_indicator(
    session: Session, *, actor: Actor, indicator_id: int, changes: dict[str, object]
) -> Indicator:
    """Change an indicator's name, unit, baseline, target, direction or source."""
    row = get_indicator(session, indicator_id=indicator_id)
    require_evaluator(actor, policy=session.get(Policy, row.policy_id))  # type: ignore[arg-type]
    allowed = {"name", "name_en", "unit", "baseline", "target", "direction", "source"}
    for key, value in changes.items():
        if key not in allowed:
            raise InvalidInput(
                f"Isian '{key}' tidak dapat diubah.", en=f"'{key}' cannot be changed.", field=key
            )
        if value is None and key != "baseline":
            raise InvalidInput(
                f"Isian '{key}' tidak boleh kosong.", en=f"'{key}' may not be empty.", field=key
            )
    for key, value in changes.items():
        setattr(row, key, _clean(key, value) if key in TEXTS and isinstance(value, str) else value)
    _check_fields(target=row.target, baseline=row.baseline, direction=row.direction, source=row.source)
    session.add(row)
    session.flush()
    return row


def delete_indicator(session: Session, *, actor: Actor, indicator_id: int) -> None:
    """Remove an indicator that has no measurements yet."""
    row = get_indicator(session, indicator_id=indicator_id)
    require_evaluator(actor, policy=session.get(Policy, row.policy_id))  # type: ignore[arg-type]
    if queries.measurement_count(session, indicator_id=row.id):  # type: ignore[arg-type]
        raise Conflict(
            "Indikator yang sudah memiliki pengukuran tidak dapat dihapus; ubah saja targetnya.",
            en="An indicator with measurements cannot be deleted; change its target instead.",
        )
    session.delete(row)
    session.flush()


def upsert_measurement(
    session: Session,
    *,
    indicator: Indicator,
    round_id: int | None,
    value: float,
    measured_on: date,
    note: str,
    entered_by_id: int | None,
) -> Measurement:
    row = None
    if round_id is not None:
        row = queries.round_measurement(session, indicator_id=indicator.id, round_id=round_id)  # type: ignore[arg-type]
    if row is None:
        row = Measurement(
            indicator_id=indicator.id,  # type: ignore[arg-type]
            round_id=round_id,
            value=value,
            measured_on=measured_on,
        )
    row.value, row.measured_on, row.note, row.entered_by_id = value, measured_on, note, entered_by_id
    session.add(row)
    session.flush()
    return row


def _acknowledgement_reach(session: Session, policy: Policy) -> float | None:
    adoption = latest_adoption(session, policy_id=policy.id)  # type: ignore[arg-type]
    if adoption is None or policy.audience_size <= 0:
        return None
    acknowledged = acknowledgement_count(session, version_id=adoption.version_id)
    return round(100 * min(1.0, acknowledged / policy.audience_size), 2)


def _mentoring_coverage(session: Session, policy: Policy) -> float | None:
    if policy.audience_size <= 0:
        return None
    mentees = mentee_count(session, policy_id=policy.id, cycle=policy.cycle)  # type: ignore[arg-type]
    return round(100 * min(1.0, mentees / policy.audience_size), 2)


def computed_value(
    session: Session, *, indicator: Indicator, policy: Policy, results: ResultsPublic
) -> float | None:
    """Return an automatic indicator's value for a round, or None if it cannot be computed."""
    source = indicator.source
    if source == "ikm":
        return float(results.ikm.ikm) if results.ikm else None
    if source == "acknowledgement_reach":
        return _acknowledgement_reach(session, policy)
    if source == "mentoring_coverage":
        return _mentoring_coverage(session, policy)
    if source.startswith("survey_question:"):
        q = results.question(source.split(":", 1)[1])
        return q.index if q is not None else None
    return None


def compute_measurements(
    session: Session, *, survey: SurveyRound, results: ResultsPublic, now: datetime
) -> list[Measurement]:
    """Record every automatic indicator's value for a closed round (safe to run again)."""
    policy = policy_of(session, survey=survey)
    out = []
    for indicator in queries.list_indicators(session, policy_id=policy.id):  # type: ignore[arg-type]
        value = computed_value(session, indicator=indicator, policy=policy, results=results)
        if value is None:
            continue
        out.append(
            upsert_measurement(
                session,
                indicator=indicator,
                round_id=survey.id,
                value=value,
                measured_on=now.astimezone(JAKARTA).date(),
                note=f"Dihitung otomatis dari {indicator.source}.",
                entered_by_id=None,
            )
        )
    return out


@dataclass(frozen=True)
class TrendPoint:
    """An indicator's value at one round."""

    round_number: int
    round_id: int
    value: float
    meets: bool


def trends(session: Session, *, policy_id: int, closed_only: bool = False) -> dict[int, list[TrendPoint]]:
    """Return each indicator's values across rounds, oldest first (only closed rounds, if asked)."""
    indicators = {i.id: i for i in queries.list_indicators(session, policy_id=policy_id)}
    rows = queries.measurements_by_round_number(
        session,
        indicator_ids=list(indicators),  # type: ignore[arg-type]
        closed_only=closed_only,
    )
    out: dict[int, list[TrendPoint]] = {i: [] for i in indicators}  # type: ignore[misc]
    for m, number in rows:
        ind = indicators[m.indicator_id]
        out[m.indicator_id].append(TrendPoint(number, m.round_id, m.value, meets_target(ind, value=m.value)))  # type: ignore[arg-type]
    return out


@dataclass(frozen=True)
class IndicatorView:
    """An indicator with its latest round value against the target and its trend."""

    indicator: Indicator
    latest: float | None
    meets_target: bool | None
    trend: list[TrendPoint]


@dataclass(frozen=True)
class IndicatorPage:
    """One page of a policy's indicators (by code) and the cursor of the next."""

    items: list[IndicatorView]
    next_cursor: str | None


def indicator_view(session: Session, *, indicator: Indicator, viewer: Actor | None) -> IndicatorView:
    """Return one indicator as the viewer may see it (open rounds' values for staff only)."""
    policy = session.get(Policy, indicator.policy_id)
    staff = is_staff(viewer, policy=policy)  # type: ignore[arg-type]
    trend = trends(session, policy_id=indicator.policy_id, closed_only=not staff).get(indicator.id, [])  # type: ignore[arg-type]
    last = trend[-1] if trend else None
    return IndicatorView(indicator, last.value if last else None, last.meets if last else None, trend)


def indicators_page(
    session: Session, *, slug: str, viewer: Actor | None, cursor: str | None = None, limit: int = 50
) -> IndicatorPage:
    """Return a policy's indicators by code, one keyset page at a time, each with its trend."""
    policy = get_policy(session, slug=slug)
    after = str(typed_cursor(cursor, fields={"code": str})["code"]) if cursor else None
    rows = queries.indicators_after(session, policy_id=policy.id, after_code=after, limit=limit + 1)  # type: ignore[arg-type]
    history = trends(session, policy_id=policy.id, closed_only=not is_staff(viewer, policy=policy))  # type: ignore[arg-type]
    items = []
    for ind in rows[:limit]:
        trend = history.get(ind.id, [])  # type: ignore[arg-type]
        last = trend[-1] if trend else None
        items.append(IndicatorView(ind, last.value if last else None, last.meets if last else None, trend))
    more = len(rows) > limit
    return IndicatorPage(items, encode_cursor({"code": items[-1].indicator.code}) if more else None)
