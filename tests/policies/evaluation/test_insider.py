"""The insider: full database access after a round with known respondents, trying every join it can.

The round: 48 ASN in four units, 40 of whom answer, in a known (seeded) order at known moments over
three weeks, reminder sweeps in between, two links reissued. Each sheet carries its author's number
in u1..u3 (base 4), so the test knows the truth. The insider knows even more than a real one would:
the exact moment and order in which each person answered (as if the access log named them), every
respondent's receipt (as if each had been made to show it), and every row of every table in storage
order and by id. Each attack pairs answer sheets with people; chance pairs about one in 40 correctly
overall (one per unit when the attacker uses the declared unit too). Every attack must stay within
what chance gives (P < 0,001 under chance), with the scenario and the system's random ids seeded.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from policies.core.db import get_engine, unit_of_work
from policies.evaluation import models, population, responses, rounds
from policies.evaluation.ikm import UNSUR_CODES
from policies.evaluation.receipts import receipt_hash
from policies.evaluation.tokens import derive_token
from policies.tables import metadata
from tests.conftest import NOW
from tests.policies.evaluation.conftest import SECRET, answers, open_now, populate

UNITS = ("Dinas Kesehatan", "Dinas Pendidikan", "Dinas Sosial", "Kecamatan Serpong")
PER_UNIT = 12
ANSWERING = 40
# Chance: a random pairing gets ~Poisson(1) right, ~Poisson(4) right within the four units.
MAX_CORRECT = 5  # P(Poisson(1) >= 6) = 0,0006
MAX_CORRECT_WITHIN_UNITS = 11  # P(Poisson(4) >= 12) = 0,0009
MAX_RANK_CORRELATION = 0.5  # |Spearman| over 40 ranks: 3,1 standard deviations


def _sheet(index: int, unit: str, rng: random.Random) -> dict[str, Any]:
    digits = [index // 16 % 4 + 1, index // 4 % 4 + 1, index % 4 + 1]
    scores = digits + [rng.randint(1, 4) for _ in range(6)]
    return answers(
        scores,
        unit=unit,
        golongan=rng.choice(("II", "III", "IV")),
        years_of_service=rng.randint(1, 30),
    )


def _author(sheet: dict[str, Any]) -> int:
    u1, u2, u3 = (sheet[c] - 1 for c in UNSUR_CODES[:3])
    return u1 * 16 + u2 * 4 + u3


def dump(db: str) -> dict[str, list[dict[str, Any]]]:
    """Read every row of every table as stored (no ORDER BY: the order a dump or a scan gives)."""
    with get_engine(db).connect() as conn:
        return {
            name: [dict(r) for r in conn.execute(sa.select(table)).mappings()]
            for name, table in metadata.tables.items()
        }


class Round:
    """A played round: the snapshot after it closed, the truth, and what the insider was told."""

    def __init__(self) -> None:
        self.snapshot: dict[str, list[dict[str, Any]]] = {}
        self.person_of_index: dict[int, int] = {}  # the number in the sheet -> respondent id
        self.unit_of: dict[int, str] = {}  # respondent id -> unit
        self.arrivals: list[tuple[datetime, int]] = []  # (moment, respondent id), in order
        self.receipt_of: dict[int, str] = {}  # respondent id -> receipt
        self.round_id = 0

    def truth(self, sheet_row: dict[str, Any]) -> int:
        """Return the respondent who wrote a stored sheet (the test's knowledge, not the insider's)."""
        return self.person_of_index[_author(sheet_row["answers"])]


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make the system's random ids and shuffles repeatable (the statistics stay those of chance)."""
    monkeypatch.setattr(models, "ROW_RNG", random.Random(2026))
    yield


@pytest.fixture
def played(db: str, in_evaluation: str, staff: dict, seeded: None) -> Round:
    rng = random.Random(26)
    game = Round()
    lines = ["nip,nama,unit,email"]
    for i in range(PER_UNIT * len(UNITS)):
        lines.append(f"1985010120100{i:05d},ASN {i},{UNITS[i % len(UNITS)]},asn{i}@tangsel.go.id")
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=30)
        issued = population.import_population_csv(
            s,
            actor=staff["evaluator"],
            round_id=survey.id,
            secret=SECRET,
            csv_text="\n".join(lines) + "\n",
            now=NOW,
        ).issued
        game.round_id = survey.id
    tokens = {}
    for index, person in enumerate(issued):
        game.person_of_index[index] = person.respondent_id
        game.unit_of[person.respondent_id] = UNITS[index % len(UNITS)]
        tokens[person.respondent_id] = (index, person.token)
    answering = rng.sample(sorted(tokens), ANSWERING)
    moments = sorted(NOW + timedelta(minutes=rng.randint(5, 21 * 24 * 60)) for _ in answering)
    # Two links are lost and reissued on day 3, one of someone who answers later, one of someone who doesn't.
    reissued = {answering[-1], next(p for p in tokens if p not in answering)}
    events: list[tuple[datetime, str, int]] = [
        (m, "answer", p) for m, p in zip(moments, answering, strict=True)
    ]
    events += [(NOW + timedelta(days=d), "sweep", 0) for d in (7, 14, 21)]
    events += [(NOW + timedelta(days=3), "reissue", p) for p in sorted(reissued)]
    for moment, what, person in sorted(events):
        with unit_of_work(db) as s:
            if what == "sweep":
                rounds.queue_respondent_reminders(s, now=moment)
            elif what == "reissue":
                population.reissue_token(
                    s,
                    actor=staff["evaluator"],
                    respondent_id=person,
                    secret=SECRET,
                    reason="Hilang.",
                    now=moment,
                )
                row = s.get(models.SurveyRespondent, person)
                token = derive_token(
                    secret=SECRET, round_id=game.round_id, respondent_id=person, salt=row.token_salt
                )
                tokens[person] = (tokens[person][0], token)
            else:
                index, token = tokens[person]
                sheet = _sheet(index, game.unit_of[person], rng)
                done = responses.submit_response(s, token=token, answers=sheet, now=moment)
                game.receipt_of[person] = done.receipt
                game.arrivals.append((moment, person))
    with unit_of_work(db) as s:
        rounds.close_round(s, actor=staff["evaluator"], round_id=game.round_id, now=NOW + timedelta(days=30))
    game.snapshot = dump(db)
    return game


def _sheets(game: Round) -> list[dict[str, Any]]:
    return [r for r in game.snapshot["survey_response"] if r["round_id"] == game.round_id]


def _score(game: Round, guess: dict[int, int]) -> int:
    """Count the sheets an attack paired with their true author."""
    truth = {r["id"]: game.truth(r) for r in _sheets(game)}
    return sum(1 for sheet_id, person in guess.items() if truth[sheet_id] == person)


def _pair(sheet_ids: list[int], people: list[int]) -> dict[int, int]:
    return dict(zip(sheet_ids, people, strict=False))


def _within_units(game: Round, sheet_order: list[dict[str, Any]], people: list[int]) -> dict[int, int]:
    """Pair in order inside each declared unit: the attacker uses the unit too."""
    guess: dict[int, int] = {}
    for unit in UNITS:
        mine = [r["id"] for r in sheet_order if r["unit"] == unit]
        theirs = [p for p in people if game.unit_of[p] == unit]
        guess |= _pair(mine, theirs)
    return guess


def _orders_of_sheets(game: Round) -> dict[str, list[dict[str, Any]]]:
    stored = _sheets(game)
    return {"storage": stored, "id": sorted(stored, key=lambda r: r["id"])}


def _orders_of_people(game: Round) -> dict[str, list[int]]:
    """Every order of the people who answered the insider can read or derive."""
    arrived = [p for _, p in game.arrivals]
    snap = game.snapshot
    part = [r for r in snap["survey_participation"] if r["round_id"] == game.round_id]
    orders = {
        "access log (true arrival)": arrived,
        "participation, storage order": [r["respondent_id"] for r in part],
        "participation, by id": [r["respondent_id"] for r in sorted(part, key=lambda r: r["id"])],
    }
    # Receipts every respondent was made to show: their rows' positions, stored and by id.
    by_hash = {receipt_hash(code): person for person, code in game.receipt_of.items()}
    kept = [r for r in snap["survey_receipt"] if r["round_id"] == game.round_id]
    orders["receipts, storage order"] = [by_hash[r["receipt_hash"]] for r in kept]
    orders["receipts, by id"] = [by_hash[r["receipt_hash"]] for r in sorted(kept, key=lambda r: r["id"])]
    # Every time on a respondent's side: their own row's columns, their link issues, their messages.
    answered = set(arrived)
    people = [r for r in snap["survey_respondent"] if r["id"] in answered]
    for column in ("invited_at", "last_reminded_at", "created_at", "reminders_sent", "token_salt"):
        orders[f"respondent.{column}"] = [
            r["id"] for r in sorted(people, key=lambda r: (str(r[column]), r["id"]))
        ]
    issues: dict[int, str] = defaultdict(str)
    for r in snap["survey_link_issue"]:
        issues[r["respondent_id"]] = max(issues[r["respondent_id"]], str(r["issued_at"]))
    orders["last link issue"] = sorted(answered, key=lambda p: (issues[p], p))
    last_message: dict[int, str] = defaultdict(str)
    for r in snap["reminder"]:
        person = r["context"].get("respondent_id")
        if person in answered:
            seen = max(str(r[c] or "") for c in ("due_at", "sent_at", "created_at", "updated_at") if c in r)
            last_message[person] = max(last_message[person], f"{seen}|{r['state']}")
    orders["outbox: last message"] = sorted(answered, key=lambda p: (last_message[p], p))
    return orders


def test_no_order_of_people_pairs_with_any_order_of_sheets_better_than_chance(played: Round) -> None:
    sheets = _orders_of_sheets(played)
    assert len(sheets["storage"]) == ANSWERING
    # The test's own scoring works: the true pairing scores every sheet.
    assert _score(played, {r["id"]: played.truth(r) for r in sheets["storage"]}) == ANSWERING
    results = {}
    for sheet_name, sheet_order in sheets.items():
        for people_name, people in _orders_of_people(played).items():
            overall = _score(played, _pair([r["id"] for r in sheet_order], people))
            within = _score(played, _within_units(played, sheet_order, people))
            results[(sheet_name, people_name)] = (overall, within)
    failing = {k: v for k, v in results.items() if v[0] > MAX_CORRECT or v[1] > MAX_CORRECT_WITHIN_UNITS}
    print("\n".join(f"{k}: {v}" for k, v in results.items()))  # shown with -s
    assert failing == {}, results


def _spearman(xs: list[int], ys: list[int]) -> float:
    n = len(xs)
    d2 = sum((x - y) ** 2 for x, y in zip(xs, ys, strict=True))
    return 1 - 6 * d2 / (n * (n * n - 1))


@pytest.mark.parametrize("table", ["survey_response", "survey_participation", "survey_receipt"])
def test_neither_storage_order_nor_ids_follow_the_order_of_arrival(played: Round, table: str) -> None:
    arrival_rank = {p: i for i, (_, p) in enumerate(played.arrivals)}
    by_hash = {receipt_hash(code): person for person, code in played.receipt_of.items()}
    author: Callable[[dict[str, Any]], int] = {
        "survey_response": played.truth,
        "survey_participation": lambda r: r["respondent_id"],
        "survey_receipt": lambda r: by_hash[r["receipt_hash"]],
    }[table]
    rows = [r for r in played.snapshot[table] if r["round_id"] == played.round_id]
    for order in (rows, sorted(rows, key=lambda r: r["id"])):
        ranks = [arrival_rank[author(r)] for r in order]
        assert abs(_spearman(list(range(len(ranks))), ranks)) < MAX_RANK_CORRELATION, table


def test_no_row_about_answering_holds_a_time(played: Round) -> None:
    for table in ("survey_response", "survey_participation", "survey_receipt"):
        for row in played.snapshot[table]:
            assert not any(isinstance(v, (datetime, date)) for v in row.values()), (table, row)
    # The respondent's own row says nothing of answering: the answered and the silent look alike.
    answered = {p for _, p in played.arrivals}
    looks = defaultdict(set)
    for r in played.snapshot["survey_respondent"]:
        if r["round_id"] == played.round_id:
            looks[r["id"] in answered].add((r["invited_at"], r["reminders_sent"], r["last_reminded_at"]))
    # (Two looks on each side: the plain one, and that of a link reissued on day 3.)
    assert looks[True] == looks[False] and len(looks[True]) == 2


def test_the_outbox_treats_those_who_answered_like_those_who_did_not(played: Round) -> None:
    answered = {p for _, p in played.arrivals}
    story: dict[int, tuple[Any, ...]] = defaultdict(tuple)
    for r in sorted(
        played.snapshot["reminder"], key=lambda r: (str(r["due_at"]), r["template"], r["channel"])
    ):
        person = r["context"].get("respondent_id")
        if person is None or r["template"] == "survey_link_reissued":
            continue  # the reissue notice went to one who answered and one who did not, alike
        # Everything but the addressee and the link's salt: what was sent, when, and what became of it.
        story[person] += ((r["template"], r["context"].get("reminder_number"), r["due_at"], r["state"]),)
    kinds = {
        answered_or_not: {story[p] for p in story if (p in answered) == answered_or_not}
        for answered_or_not in (True, False)
    }
    # The same stories on both sides: the plain one, and that of a reissued link (one of each kind had it).
    assert kinds[True] == kinds[False] and len(kinds[True]) == 2


def test_answering_writes_three_unlinked_undated_rows_and_changes_nothing_else(
    db: str, in_evaluation: str, staff: dict, seeded: None
) -> None:
    with unit_of_work(db) as s:
        survey = open_now(s, staff["evaluator"], days=30)
        issued = populate(s, staff["evaluator"], survey, n=3).issued
    for person in issued:
        before = dump(db)
        with unit_of_work(db) as s:
            responses.submit_response(s, token=person.token, answers=answers(), now=NOW + timedelta(hours=5))
        after = dump(db)
        changed = {t for t in after if after[t] != before[t]}
        assert changed == {"survey_response", "survey_participation", "survey_receipt"}
        for table in changed:
            new = [r for r in after[table] if r not in before[table]]
            assert len(new) == 1 and all(r in after[table] for r in before[table])
            assert not any(isinstance(v, (datetime, date)) for v in new[0].values())
        [sheet] = [r for r in after["survey_response"] if r not in before["survey_response"]]
        respondent = next(r for r in after["survey_respondent"] if r["id"] == person.respondent_id)
        # The sheet names nobody: no respondent id, token hash, salt, NIP or email in it.
        secrets_of_person = {str(respondent[c]) for c in ("id", "token_hash", "token_salt", "nip", "email")}
        assert not secrets_of_person & {str(v) for v in sheet.values() if not isinstance(v, dict)} - {
            str(sheet["round_id"])
        }
