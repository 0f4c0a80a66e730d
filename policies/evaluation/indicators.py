"""Indicators and their measurements: computed each round, entered, or imported; trends."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, func, select

from policies.access import Actor
from policies.db import utcnow
from policies.errors import Conflict, InvalidInput, NotFound
from policies.evaluation.common import get_round, policy_of, require_evaluator
from policies.evaluation.results import RoundResults
from policies.i18n import JAKARTA
from policies.models import (
    Acknowledgement,
    Indicator,
    Measurement,
    MentoringPair,
    Policy,
    SurveyRound,
)
from policies.queries import get_policy, latest_adoption

COMPUTED = ("ikm", "acknowledgement_reach", "mentoring_coverage")


def meets_target(indicator: Indicator, value: float) -> bool:
    """Tell whether a value meets the target, reading the indicator's direction."""
    return value <= indicator.target if indicator.direction == "down" else value >= indicator.target


def shortfall(indicator: Indicator, value: float) -> float:
    """Return how far a value falls short of the target (0 when it meets it)."""
    gap = value - indicator.target if indicator.direction == "down" else indicator.target - value
    return round(max(0.0, gap), 4)


def list_indicators(session: Session, *, policy_id: int) -> list[Indicator]:
    """Return a policy's indicators by code."""
    stmt = select(Indicator).where(Indicator.policy_id == policy_id).order_by(col(Indicator.code))
    return list(session.exec(stmt))


def get_indicator(session: Session, *, indicator_id: int) -> Indicator:
    """Return an indicator or raise NotFound."""
    row = session.get(Indicator, indicator_id)
    if row is None:
        raise NotFound(f"Indikator {indicator_id} tidak ditemukan.")
    return row


def _check_fields(*, target: float, direction: str, source: str) -> None:
    if direction not in ("up", "down"):
        raise InvalidInput("Arah indikator harus 'up' (naik lebih baik) atau 'down'.", field="direction")
    if source not in (*COMPUTED, "manual") and not source.startswith("survey_question:"):
        raise InvalidInput(
            "Sumber indikator: ikm, acknowledgement_reach, mentoring_coverage, "
            "survey_question:<kode> atau manual.",
            field="source",
        )
    if target != target:  # NaN
        raise InvalidInput("Target harus berupa angka.", field="target")


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
    require_evaluator(actor, policy)
    _check_fields(target=target, direction=direction, source=source)
    if not code or not code.replace("_", "").isalnum() or not code.islower():
        raise InvalidInput("Kode indikator: huruf kecil, angka dan garis bawah.", field="code")
    exists = select(Indicator.id).where(Indicator.policy_id == policy.id, Indicator.code == code)
    if session.exec(exists).first() is not None:
        raise Conflict(f"Indikator '{code}' sudah ada pada kebijakan ini.", field="code")
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
    require_evaluator(actor, session.get(Policy, row.policy_id))  # type: ignore[arg-type]
    allowed = {"name", "name_en", "unit", "baseline", "target", "direction", "source"}
    for key, value in changes.items():
        if key not in allowed:
            raise InvalidInput(f"Isian '{key}' tidak dapat diubah.", field=key)
        if value is None and key != "baseline":
            raise InvalidInput(f"Isian '{key}' tidak boleh kosong.", field=key)
    for key, value in changes.items():
        setattr(row, key, value)
    _check_fields(target=row.target, direction=row.direction, source=row.source)
    session.add(row)
    session.flush()
    return row


def delete_indicator(session: Session, *, actor: Actor, indicator_id: int) -> None:
    """Remove an indicator that has no measurements yet."""
    row = get_indicator(session, indicator_id=indicator_id)
    require_evaluator(actor, session.get(Policy, row.policy_id))  # type: ignore[arg-type]
    used = select(func.count()).select_from(Measurement).where(Measurement.indicator_id == row.id)
    if session.exec(used).one():
        raise Conflict("Indikator yang sudah memiliki pengukuran tidak dapat dihapus; ubah saja targetnya.")
    session.delete(row)
    session.flush()


def _upsert(
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
        row = session.exec(
            select(Measurement).where(
                Measurement.indicator_id == indicator.id, Measurement.round_id == round_id
            )
        ).first()
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


def record_measurement(
    session: Session,
    *,
    actor: Actor,
    indicator_id: int,
    value: float,
    round_id: int | None = None,
    measured_on: date | None = None,
    note: str = "",
) -> Measurement:
    """Enter a value of a manual indicator, for a round (replacing that round's value) or a date."""
    indicator = get_indicator(session, indicator_id=indicator_id)
    policy = session.get(Policy, indicator.policy_id)
    require_evaluator(actor, policy)  # type: ignore[arg-type]
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidInput("Nilai pengukuran harus berupa angka.", field="value")
    if round_id is not None:
        survey = get_round(session, round_id=round_id)
        if survey.policy_id != indicator.policy_id:
            raise InvalidInput("Putaran survei itu milik kebijakan lain.", field="round_id")
    if indicator.source != "manual" and round_id is not None:
        raise Conflict(
            f"Indikator '{indicator.code}' dihitung otomatis dari {indicator.source} saat putaran ditutup."
        )
    return _upsert(
        session,
        indicator=indicator,
        round_id=round_id,
        value=float(value),
        measured_on=measured_on or utcnow().astimezone(JAKARTA).date(),
        note=note,
        entered_by_id=actor.id,
    )


def import_measurements_csv(
    session: Session, *, actor: Actor, slug: str, csv_text: str, round_id: int | None = None
) -> list[Measurement]:
    """Import manual values from CSV with columns code,value[,measured_on,note]; all or nothing."""
    policy = get_policy(session, slug=slug)
    require_evaluator(actor, policy)
    by_code = {i.code: i for i in list_indicators(session, policy_id=policy.id)}  # type: ignore[arg-type]
    try:
        records = list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
        fieldnames = set(records[0]) if records else set()
    except csv.Error as exc:
        raise InvalidInput(f"Berkas CSV tidak dapat dibaca: {exc}.", field="file") from exc
    if not {"code", "value"} <= fieldnames:
        raise InvalidInput(
            "CSV harus berkolom 'code' dan 'value' (opsional: measured_on, note).", field="file"
        )
    parsed: list[tuple[Indicator, float, date | None, str]] = []
    for line, rec in enumerate(records, start=2):
        indicator = by_code.get((rec.get("code") or "").strip())
        if indicator is None:
            raise InvalidInput(f"Baris {line}: indikator '{rec.get('code')}' tidak dikenal.", field="file")
        try:
            value = float((rec.get("value") or "").replace(",", "."))
            on = date.fromisoformat(rec["measured_on"].strip()) if rec.get("measured_on") else None
        except ValueError as exc:
            raise InvalidInput(
                f"Baris {line}: nilai atau tanggal tidak valid ({exc}).", field="file"
            ) from exc
        parsed.append((indicator, value, on, (rec.get("note") or "").strip()))
    return [
        record_measurement(
            session,
            actor=actor,
            indicator_id=i.id,  # type: ignore[arg-type]
            value=v,
            round_id=round_id,
            measured_on=on,
            note=note,
        )
        for i, v, on, note in parsed
    ]


def _acknowledgement_reach(session: Session, policy: Policy) -> float | None:
    adoption = latest_adoption(session, policy_id=policy.id)  # type: ignore[arg-type]
    if adoption is None or policy.audience_size <= 0:
        return None
    stmt = (
        select(func.count())
        .select_from(Acknowledgement)
        .where(Acknowledgement.version_id == adoption.version_id)
    )
    return round(100 * min(1.0, session.exec(stmt).one() / policy.audience_size), 2)


def _mentoring_coverage(session: Session, policy: Policy) -> float | None:
    if policy.audience_size <= 0:
        return None
    stmt = select(func.count(func.distinct(MentoringPair.mentee_name + MentoringPair.mentee_nip))).where(
        MentoringPair.policy_id == policy.id, MentoringPair.cycle == policy.cycle
    )
    return round(100 * min(1.0, session.exec(stmt).one() / policy.audience_size), 2)


def computed_value(
    session: Session, *, indicator: Indicator, policy: Policy, results: RoundResults
) -> float | None:
    """Return an automatic indicator's value for a round, or None if it cannot be computed."""
    source = indicator.source
    if source == "ikm":
        return float(results.overall.index) if results.overall else None
    if source == "acknowledgement_reach":
        return _acknowledgement_reach(session, policy)
    if source == "mentoring_coverage":
        return _mentoring_coverage(session, policy)
    if source.startswith("survey_question:"):
        q = results.questions.get(source.split(":", 1)[1])
        return q.index if q is not None else None
    return None


def compute_measurements(
    session: Session, *, survey: SurveyRound, results: RoundResults, now: datetime
) -> list[Measurement]:
    """Record every automatic indicator's value for a closed round (safe to run again)."""
    policy = policy_of(session, survey)
    out = []
    for indicator in list_indicators(session, policy_id=policy.id):  # type: ignore[arg-type]
        value = computed_value(session, indicator=indicator, policy=policy, results=results)
        if value is None:
            continue
        out.append(
            _upsert(
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


def trends(session: Session, *, policy_id: int) -> dict[int, list[TrendPoint]]:
    """Return each indicator's values across rounds, oldest first."""
    indicators = {i.id: i for i in list_indicators(session, policy_id=policy_id)}
    stmt = (
        select(Measurement, SurveyRound.number)
        .join(SurveyRound, col(SurveyRound.id) == Measurement.round_id)
        .where(col(Measurement.indicator_id).in_(list(indicators)))
        .order_by(col(SurveyRound.number))
    )
    out: dict[int, list[TrendPoint]] = {i: [] for i in indicators}  # type: ignore[misc]
    for m, number in session.exec(stmt):
        ind = indicators[m.indicator_id]
        out[m.indicator_id].append(TrendPoint(number, m.round_id, m.value, meets_target(ind, m.value)))  # type: ignore[arg-type]
    return out
