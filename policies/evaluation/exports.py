"""CSV exports of a closed round: its breakdowns, and its raw answer sheets for the agency's statistician.

Both follow the breakdowns' rule: no group smaller than the kind's minimum is told apart.
- `breakdowns.csv` is the published breakdowns as rows, a hidden cell written "< 5".
- `responses.csv` holds one row per sheet, in the order of their random ids (never arrival), with the
  years of service as a band, and its profile coarsened until every combination of (unit, golongan,
  band) that appears is shared by at least the minimum of sheets: first the band is dropped, then the
  golongan, then the unit (written "Lainnya"), for the sheets whose combination is still too rare.
  With no time and no order, a sheet can then be traced to a group of at least that many people,
  never to one. Only the evaluation staff (admins, the unit's evaluators and drafters) read it, and
  only once the round has closed.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from policies.accounts.access import Actor
from policies.evaluation import breakdowns, queries
from policies.evaluation.common import get_round, policy_of, require_evaluator
from policies.evaluation.ikm import UNSUR_CODES
from policies.evaluation.results import ResultsPublic
from policies.evaluation.views import require_results_published, results_of

HIDDEN = breakdowns.UNKNOWN
Profile = tuple[str, str, str]


def _csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def breakdown_table(results: ResultsPublic) -> list[list[str]]:
    """Return the breakdowns as rows (dimension, group, respondents, IKM, category, status)."""
    rows = []
    for b in results.breakdowns:
        hidden = f"< {b.min_group_size}"
        for g in b.groups:
            label = breakdowns.OTHER if g.status == "other" else g.label
            if g.ikm is None:
                rows.append([b.dimension, label, hidden, "", "", g.status])
            else:
                rows.append([b.dimension, label, str(g.respondents), g.ikm, g.category or "", g.status])
    return rows


def breakdowns_csv(session: Session, *, round_id: int) -> str:
    """Return a closed round's breakdowns as CSV, small groups hidden exactly as on its pages."""
    results = results_of(session, round_id=round_id)
    header = ["dimension", "group", "respondents", "ikm", "category", "status"]
    return _csv(header, breakdown_table(results))


def coarsen(profiles: Sequence[Profile], *, minimum: int) -> list[Profile]:
    """Coarsen each (unit, golongan, band) until every combination is shared by `minimum` sheets."""
    current = list(profiles)
    # Each pass hides one more trait of the sheets whose combination is still rarer than the minimum.
    steps = (
        lambda p: (p[0], p[1], HIDDEN),
        lambda p: (p[0], HIDDEN, HIDDEN),
        lambda p: (breakdowns.OTHER, HIDDEN, HIDDEN),
    )
    for step in steps:
        counts = Counter(current)
        current = [step(p) if counts[p] < minimum else p for p in current]
    # The fully hidden sheets form a group too: while it is non-empty but too small, the smallest
    # remaining profile joins it (as in the breakdowns' secondary suppression).
    hidden = (breakdowns.OTHER, HIDDEN, HIDDEN)
    counts = Counter(current)
    while 0 < counts[hidden] < minimum and len(counts) > 1:
        smallest = min((p for p in counts if p != hidden), key=lambda p: (counts[p], p))
        current = [hidden if p == smallest else p for p in current]
        counts = Counter(current)
    return current


def responses_csv(session: Session, *, actor: Actor | None, round_id: int) -> str:
    """Return a closed round's answer sheets as CSV for the evaluation staff, rare profiles coarsened."""
    survey = get_round(session, round_id=round_id)
    policy = policy_of(session, survey=survey)
    require_evaluator(actor, policy=policy)
    require_results_published(session, survey=survey)
    minimum = breakdowns.min_group_size(session, policy=policy)
    sheets = list(queries.answer_sheet_rows(session, round_id=round_id))
    profiles = [
        (s.unit or HIDDEN, s.golongan or HIDDEN, breakdowns.years_band(s.years_of_service)) for s in sheets
    ]
    coarse = coarsen(profiles, minimum=minimum)
    own = [q["code"] for q in survey.questions if q["group"] == "kind"]
    header = ["unit", "golongan", "years_of_service", *UNSUR_CODES, *own]
    rows = []
    for sheet, profile in zip(sheets, coarse, strict=True):
        values = [_cell(sheet.answers.get(code)) for code in (*UNSUR_CODES, *own)]
        rows.append([*profile, *values])
    return _csv(header, rows)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    # A free-text answer starting like a formula would run as one in a spreadsheet: quote it.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
