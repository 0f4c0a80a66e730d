"""Closed rounds with chosen answers, for the follow-up and trend tests (domain, API, pages)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from policies.accounts.access import Actor
from policies.core.db import unit_of_work
from policies.evaluation import population, responses, rounds
from tests.policies.evaluation.conftest import SECRET, SLUG, answers, csv_of, open_at

# Round 1: eight of the nine unsur at 4 (A), u8 (complaints) at 2: NRR 2,00, index 50,00, mutu D.
WEAK_U8 = [4, 4, 4, 4, 4, 4, 4, 2, 4]
# Round 2: u8 up to 3: NRR 3,00, index 75,00, mutu C (still weak, but up by 1,00).
BETTER_U8 = [4, 4, 4, 4, 4, 4, 4, 3, 4]


def sheets(scores: list[int], *, units: dict[str, int]) -> list[dict[str, Any]]:
    """Return answer sheets with the same scores, `n` from each unit."""
    return [answers(scores, unit=unit) for unit, n in units.items() for _ in range(n)]


def closed_round(db: str, actor: Actor, *, opens_at: datetime, sheets: list[dict[str, Any]]) -> int:
    """Open a round at `opens_at`, answer every sheet a day later, close it ten days on; return its id."""
    units: dict[str, int] = {}
    for sheet in sheets:
        units[sheet["unit"]] = units.get(sheet["unit"], 0) + 1
    lines, start = ["nip,nama,unit,email"], 0
    for unit, n in units.items():
        lines += csv_of(n, unit=unit, start=start).strip().split("\n")[1:]
        start += n
    with unit_of_work(db) as s:
        survey = open_at(s, actor, opens_at=opens_at, days=10, slug=SLUG)
        issued = population.import_population_csv(
            s, actor=actor, round_id=survey.id, secret=SECRET, csv_text="\n".join(lines) + "\n"
        ).issued
        round_id = survey.id
    # Any token may carry any sheet: the unit a sheet states is the respondent's own answer.
    with unit_of_work(db) as s:
        for token, sheet in zip(issued, sheets, strict=True):
            responses.submit_response(s, token=token.token, answers=sheet, now=opens_at + timedelta(days=1))
    with unit_of_work(db) as s:
        rounds.close_round(s, actor=actor, round_id=round_id, now=opens_at + timedelta(days=10))
    return round_id  # type: ignore[return-value]
