"""Measurements entered by the evaluator or imported from CSV, and who may read which of them.

A value entered for a round that has already closed re-evaluates that round's recommendation, so
late data (training hours from SIASN, say) still counts.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.core.db import utcnow
from policies.core.errors import Conflict, InvalidInput
from policies.core.fields import clean_text
from policies.core.i18n import JAKARTA
from policies.core.listing import encode_cursor, typed_cursor
from policies.evaluation import queries
from policies.evaluation.common import clean_csv, get_round, is_staff, require_evaluator
from policies.evaluation.indicators import get_indicator, upsert_measurement
from policies.evaluation.models import Indicator, Measurement, SurveyRound
from policies.evaluation.recommend import reevaluate
from policies.lifecycle.models import Policy
from policies.lifecycle.queries import get_policy

# Indonesian first: "1.234,56" and "76,61"; also "76.61" and "1,234.56". A single separator is the
# decimal one ("1.234" is 1,234 — write "1234" or "1.234,0" for a thousand and more).
_ID_GROUPED = re.compile(r"^-?\d{1,3}(?:\.\d{3})+,\d+$|^-?\d{1,3}(?:\.\d{3}){2,}$")
_EN_GROUPED = re.compile(r"^-?\d{1,3}(?:,\d{3})+\.\d+$|^-?\d{1,3}(?:,\d{3}){2,}$")
_ID_PLAIN = re.compile(r"^-?\d+(?:,\d+)?$")
_EN_PLAIN = re.compile(r"^-?\d+(?:\.\d+)?$")
MAX_NOTE_CHARS = 2_000


def parse_number(text: str) -> float:
    """Read a number written the Indonesian or the English way, or raise ValueError."""
    raw = text.strip().replace("\u00a0", "").replace(" ", "")
    if _ID_GROUPED.match(raw):
        return float(raw.replace(".", "").replace(",", "."))
    if _EN_GROUPED.match(raw):
        return float(raw.replace(",", ""))
    if _ID_PLAIN.match(raw):
        return float(raw.replace(",", "."))
    if _EN_PLAIN.match(raw):
        return float(raw)
    raise ValueError(f"'{text}' bukan angka")


def _record(
    session: Session,
    *,
    actor: Actor,
    indicator: Indicator,
    value: float,
    round_id: int | None,
    measured_on: date | None,
    note: str,
) -> tuple[Measurement, SurveyRound | None]:
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidInput(
            "Nilai pengukuran harus berupa angka.", en="The measured value must be a number.", field="value"
        )
    note = clean_text(note, field="note", label="Catatan", label_en="The note", max_chars=MAX_NOTE_CHARS)
    survey = None
    if round_id is not None:
        survey = get_round(session, round_id=round_id)
        if survey.policy_id != indicator.policy_id:
            raise InvalidInput(
                "Putaran survei itu milik kebijakan lain.",
                en="That survey round belongs to another policy.",
                field="round_id",
            )
        if indicator.source != "manual":
            raise Conflict(
                f"Indikator '{indicator.code}' dihitung otomatis dari {indicator.source} "
                "saat putaran ditutup.",
                en=f"The indicator '{indicator.code}' is computed from {indicator.source} "
                "when the round closes.",
            )
    row = upsert_measurement(
        session,
        indicator=indicator,
        round_id=round_id,
        value=float(value),
        measured_on=measured_on or utcnow().astimezone(JAKARTA).date(),
        note=note,
        entered_by_id=actor.id,
    )
    return row, survey


def record_measurement(
    session: Session,
    *,
    actor: Actor,
    indicator_id: int,
    value: float,
    round_id: int | None = None,
    measured_on: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Measurement:
    """Enter a value of a manual indicator, for a round (replacing that round's value) or a date."""
    indicator = get_indicator(session, indicator_id=indicator_id)
    require_evaluator(actor, policy=session.get(Policy, indicator.policy_id))  # type: ignore[arg-type]
    row, survey = _record(
        session,
        actor=actor,
        indicator=indicator,
        value=value,
        round_id=round_id,
        measured_on=measured_on,
        note=note,
    )
    if survey is not None:
        reevaluate(session, survey=survey, now=now or utcnow())
    return row


def _fieldnames_and_rows(csv_text: str) -> tuple[set[str], list[dict[str, str]]]:
    text = csv_text.lstrip("\ufeff")
    header = text.split("\n", 1)[0]
    # Spreadsheets set to Indonesian write ';' between columns, because ',' is the decimal mark.
    delimiter = ";" if ";" in header else "\t" if "\t" in header else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    return {(f or "").strip() for f in reader.fieldnames or []}, rows


@dataclass(frozen=True)
class MeasurementRow:
    """A CSV row that can be imported: the indicator, the value, its date and note."""

    line: int
    indicator: Indicator
    value: float
    measured_on: date | None
    note: str


@dataclass(frozen=True)
class RejectedMeasurement:
    """A CSV row that cannot be imported: its line (the header is line 1), code and why (id, en)."""

    line: int
    code: str
    reason: tuple[str, str]


@dataclass(frozen=True)
class MeasurementRows:
    """A measurements CSV read row by row, saving nothing."""

    accepted: list[MeasurementRow]
    rejected: list[RejectedMeasurement]


def _read_row(line: int, rec: dict[str, str], by_code: dict[str, Indicator]) -> MeasurementRow:
    code = (rec.get("code") or "").strip()
    indicator = by_code.get(code)
    if indicator is None:
        raise InvalidInput(
            f"Baris {line}: indikator '{code}' tidak dikenal.",
            en=f"Line {line}: unknown indicator '{code}'.",
            field="file",
        )
    try:
        value = parse_number(rec.get("value") or "")
        raw_on = (rec.get("measured_on") or "").strip()
        on = date.fromisoformat(raw_on) if raw_on else None
    except ValueError as exc:
        raise InvalidInput(
            f"Baris {line}: nilai atau tanggal tidak valid ({exc}); tulis angka seperti 76,61 atau "
            "1.234,56 dan tanggal seperti 2026-09-01.",
            en=f"Line {line}: invalid value or date ({exc}); write numbers like 76,61, 76.61 or "
            "1.234,56 and dates like 2026-09-01.",
            field="file",
        ) from exc
    return MeasurementRow(line, indicator, value, on, (rec.get("note") or "").strip())


def read_measurements_csv(session: Session, *, policy: Policy, csv_text: str) -> MeasurementRows:
    """Read a measurements CSV (code,value[,measured_on,note]): each row accepted or rejected with why."""
    by_code = {i.code: i for i in queries.list_indicators(session, policy_id=policy.id)}  # type: ignore[arg-type]
    csv_text = clean_csv(csv_text)
    try:
        fieldnames, records = _fieldnames_and_rows(csv_text)
    except csv.Error as exc:
        raise InvalidInput(
            f"Berkas CSV tidak dapat dibaca: {exc}.", en=f"The CSV file cannot be read: {exc}.", field="file"
        ) from exc
    if not {"code", "value"} <= fieldnames:
        raise InvalidInput(
            "CSV harus berkolom 'code' dan 'value' (opsional: measured_on, note).",
            en="The CSV needs the columns 'code' and 'value' (optional: measured_on, note).",
            field="file",
        )
    accepted, rejected = [], []
    for line, rec in enumerate(records, start=2):
        rec = {(k or "").strip(): v for k, v in rec.items()}
        try:
            accepted.append(_read_row(line, rec, by_code))
        except InvalidInput as exc:
            code = (rec.get("code") or "").strip()
            rejected.append(RejectedMeasurement(line, code, (exc.detail, exc.detail_en or exc.detail)))
    return MeasurementRows(accepted, rejected)


def preview_measurements_csv(session: Session, *, actor: Actor, slug: str, csv_text: str) -> MeasurementRows:
    """Tell what importing a measurements CSV would record and which rows it would reject (no write)."""
    policy = get_policy(session, slug=slug)
    require_evaluator(actor, policy=policy)
    read = read_measurements_csv(session, policy=policy, csv_text=csv_text)
    if not read.accepted and not read.rejected:
        raise InvalidInput("CSV pengukuran kosong.", en="The measurements CSV is empty.", field="file")
    return read


def import_measurements_csv(
    session: Session,
    *,
    actor: Actor,
    slug: str,
    csv_text: str,
    round_id: int | None = None,
    now: datetime | None = None,
    skip_rejected: bool = False,
) -> list[Measurement]:
    """Import manual values from CSV with columns code,value[,measured_on,note]; all or nothing.

    With `skip_rejected` (the page's import after its preview showed every rejected row) only the
    accepted rows are recorded.
    """
    policy = get_policy(session, slug=slug)
    require_evaluator(actor, policy=policy)
    read = read_measurements_csv(session, policy=policy, csv_text=csv_text)
    if read.rejected and not skip_rejected:
        first = read.rejected[0]
        raise InvalidInput(first.reason[0], en=first.reason[1], field="file")
    if skip_rejected and not read.accepted:
        raise InvalidInput(
            "Tidak ada baris CSV yang dapat diimpor.", en="No row of the CSV can be imported.", field="file"
        )
    rows, survey = [], None
    for item in read.accepted:
        row, survey = _record(
            session,
            actor=actor,
            indicator=item.indicator,
            value=item.value,
            round_id=round_id,
            measured_on=item.measured_on,
            note=item.note,
        )
        rows.append(row)
    if survey is not None:
        # Once for the whole file, so the drafters hear about its new reasons in one message.
        reevaluate(session, survey=survey, now=now or utcnow())
    return rows


@dataclass(frozen=True)
class MeasurementView:
    """A measurement as a given viewer may see it (who entered it and why: staff only)."""

    id: int
    indicator_id: int
    round_id: int | None
    value: float
    measured_on: date
    note: str
    entered_by_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class MeasurementPage:
    """One page of measurements and the cursor of the next (None on the last page)."""

    items: list[MeasurementView]
    next_cursor: str | None


def measurements_page(
    session: Session,
    *,
    indicator_id: int,
    viewer: Actor | None,
    cursor: str | None = None,
    limit: int = 50,
) -> MeasurementPage:
    """Return an indicator's measurements, oldest first, one keyset page at a time."""
    indicator = get_indicator(session, indicator_id=indicator_id)
    policy = session.get(Policy, indicator.policy_id)
    staff = is_staff(viewer, policy=policy)  # type: ignore[arg-type]
    after = None
    if cursor:
        key = typed_cursor(cursor, fields={"on": date, "id": int})
        after = key["on"], key["id"]
    rows = queries.measurements_after(
        session, indicator_id=indicator_id, staff=staff, after=after, limit=limit + 1
    )
    items = [
        MeasurementView(
            id=m.id,  # type: ignore[arg-type]
            indicator_id=m.indicator_id,
            round_id=m.round_id,
            value=m.value,
            measured_on=m.measured_on,
            note=m.note if staff else "",
            entered_by_id=m.entered_by_id if staff else None,
            created_at=m.created_at,
        )
        for m in rows[:limit]
    ]
    next_cursor = None
    if len(rows) > limit:
        last_row = items[-1]
        next_cursor = encode_cursor({"on": last_row.measured_on.isoformat(), "id": last_row.id})
    return MeasurementPage(items=items, next_cursor=next_cursor)
