"""Reading a population CSV: each row accepted or rejected with its reasons, before anything is saved."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from policies.core.errors import InvalidInput
from policies.core.i18n import format_number
from policies.evaluation.common import clean_csv

NIP = re.compile(r"^\d{18}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
HEADERS = {
    "nip": "nip",
    "nama": "name",
    "name": "name",
    "unit": "unit",
    "unit_kerja": "unit",
    "email": "email",
}
MAX_ROWS = 200_000
LIMITS = {"name": 200, "unit": 200, "email": 254}
Problem = tuple[str, str]  # (Indonesian, English)


@dataclass(frozen=True)
class RejectedRow:
    """A row that cannot be imported: its line in the file (the header is line 1) and every reason."""

    line: int
    nip: str
    name: str
    reasons: tuple[Problem, ...]

    def reason_text(self, *, locale: str) -> str:
        """Return the reasons in one language, joined."""
        return "; ".join(r[1] if locale == "en" else r[0] for r in self.reasons)


@dataclass
class PopulationRows:
    """A population CSV read row by row: who would be added, and which rows are rejected and why."""

    accepted: list[dict[str, str]] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)


def _problems(rec: dict[str, str], nip: str, seen: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    if not NIP.match(nip):
        problems.append((f"NIP '{nip}' harus 18 angka", f"NIP '{nip}' must be 18 digits"))
    elif nip in seen:
        problems.append((f"NIP {nip} ganda", f"NIP {nip} appears twice"))
    if not rec.get("name"):
        problems.append(("nama kosong", "the name is empty"))
    for column, longest in LIMITS.items():
        if len(rec.get(column, "")) > longest:
            problems.append(
                (
                    f"{column} lebih dari {format_number(longest)} karakter",
                    f"{column} is longer than {format_number(longest, locale='en')} characters",
                )
            )
    if rec.get("email") and not EMAIL.match(rec["email"]):
        problems.append((f"email '{rec['email']}' tidak valid", f"email '{rec['email']}' is not valid"))
    return problems


def _rows(sample: str, dialect: type[csv.Dialect] | csv.Dialect) -> PopulationRows:
    reader = csv.DictReader(io.StringIO(sample), dialect=dialect)
    columns = {HEADERS.get((h or "").strip().lower()) for h in reader.fieldnames or []}
    if not {"nip", "name"} <= columns:
        raise InvalidInput(
            "CSV harus berkolom nip dan nama (opsional: unit, email).",
            en="The CSV needs the columns nip and nama/name (optional: unit, email).",
            field="file",
        )
    read = PopulationRows()
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        rec = {
            HEADERS[k.strip().lower()]: (v or "").strip()
            for k, v in raw.items()
            if k and k.strip().lower() in HEADERS
        }
        nip = rec.get("nip", "").replace(" ", "")
        problems = _problems(rec, nip, seen)
        seen.add(nip)
        if problems:
            read.rejected.append(RejectedRow(line, nip, rec.get("name", ""), tuple(problems)))
        else:
            person = {
                "nip": nip,
                "name": rec["name"],
                "unit": rec.get("unit", ""),
                "email": rec.get("email", ""),
            }
            read.accepted.append(person)
        if len(read.accepted) + len(read.rejected) > MAX_ROWS:
            raise InvalidInput(
                f"CSV paling banyak {format_number(MAX_ROWS)} baris.",
                en=f"The CSV may have at most {format_number(MAX_ROWS, locale='en')} rows.",
                field="file",
            )
    return read


def read_population_csv(csv_text: str) -> PopulationRows:
    """Read a population CSV (nip, nama/name, unit, email): every row accepted or rejected with reasons.

    A file that cannot be read as a population at all (no nip or name column, not CSV, no row) is
    refused as a whole, on the field `file`.
    """
    sample = clean_csv(csv_text).lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(sample[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    try:
        read = _rows(sample, dialect)
    except csv.Error as exc:
        raise InvalidInput(
            f"Berkas CSV tidak dapat dibaca: {exc}.", en=f"The CSV file cannot be read: {exc}.", field="file"
        ) from exc
    if not read.accepted and not read.rejected:
        raise InvalidInput("CSV populasi kosong.", en="The population CSV is empty.", field="file")
    return read


def _shown(rejected: list[RejectedRow], *, locale: str) -> str:
    en = locale == "en"
    errors = [
        f"{'line' if en else 'baris'} {row.line}: {reason[1] if en else reason[0]}"
        for row in rejected
        for reason in row.reasons
    ]
    text = "; ".join(errors[:10])
    more = format_number(len(errors) - 10, locale=locale)
    return text + (
        f"; {'and' if en else 'dan'} {more} {'more' if en else 'lainnya'}" if len(errors) > 10 else ""
    )


def refuse_rejected(read: PopulationRows) -> None:
    """Refuse a file with any rejected row, naming the first ten reasons (the all-or-nothing upload)."""
    if read.rejected:
        raise InvalidInput(
            f"CSV populasi tidak dapat diterima: {_shown(read.rejected, locale='id')}. "
            "Perbaiki lalu unggah ulang.",
            en=f"The population CSV was not accepted: {_shown(read.rejected, locale='en')}. "
            "Correct it and upload it again.",
            field="file",
        )
