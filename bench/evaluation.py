"""Bench: a survey round of 10,000 responses — results (closing the round) and the report render.

Run: .venv/bin/python -m bench.evaluation [--database-url URL] [--responses N] [--runs K]
Without a URL it uses a fresh SQLite file; with a PostgreSQL URL it works in a throwaway schema.
The target (issue 5) is under 2 s for the results and for each report render; medians are printed.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from bench.common import scratch_database
from policies.accounts.access import Actor
from policies.accounts.models import Role
from policies.catalog import load_catalog
from policies.core.db import get_engine, unit_of_work
from policies.core.migrate import upgrade
from policies.evaluation import ikm
from policies.evaluation.models import SurveyParticipation, SurveyRespondent, SurveyResponse, SurveyRound
from policies.evaluation.report import render_report
from policies.evaluation.results import compute_results
from policies.evaluation.rounds import close_round, open_round
from policies.evaluation.tokens import hash_token
from policies.lifecycle.models import Stage
from policies.lifecycle.queries import get_policy

SLUG = "perwal-peningkatan-kualitas-asn-2026"
NOW = datetime(2026, 8, 17, 7, 30, tzinfo=UTC)
# An evaluator of the policy's unit (other units' evaluators may not run its rounds).
EVALUATOR = Actor(id=None, name="Bench Evaluator", role=Role.EVALUATOR, unit="BKPSDM Kota Tangerang Selatan")
UNITS = [f"Perangkat Daerah {i}" for i in range(12)]
TARGET_SECONDS = 2.0


def seed(url: str, *, n: int) -> int:
    """Load the catalogue, open a round and store n respondents and n answer sheets; return the round id."""
    rng = random.Random(20260817)
    with unit_of_work(url) as s:
        load_catalog(s)
        policy = get_policy(s, slug=SLUG)
        policy.stage = Stage.EVALUATION
        s.add(policy)
        s.flush()
        survey = open_round(
            s, actor=EVALUATOR, slug=SLUG, opens_at=NOW, closes_at=NOW + timedelta(days=30), now=NOW
        )
        questions = survey.questions
        round_id = survey.id
    assert round_id is not None
    people, sheets = [], []
    sheet_ids = rng.sample(range(1, 2**31 - 1), n)
    for i in range(n):
        people.append(
            {
                "round_id": round_id,
                "token_hash": hash_token(secrets.token_urlsafe(16)),
                "nip": str(198001012005010000 + i),
                "name": f"ASN {i}",
                "unit": UNITS[i % len(UNITS)],
                "email": f"asn{i}@example.go.id",
                "reminders_sent": 0,
                "created_at": NOW,
            }
        )
        answers: dict[str, object] = {c: rng.choice((2, 3, 3, 4)) for c in ikm.UNSUR_CODES}
        for q in questions:
            if q["group"] != "kind":
                continue
            if q["type"] == "scale":
                answers[q["code"]] = rng.randint(1, 4)
            elif q["type"] == "single":
                answers[q["code"]] = rng.choice(q["options"])
            elif q["type"] == "multi":
                answers[q["code"]] = rng.sample(q["options"], 2)
            elif rng.random() < 0.1:
                answers[q["code"]] = f"Usulan <materi> nomor {i}: literasi data & layanan digital."
        sheets.append(
            {
                "round_id": round_id,
                "unit": UNITS[i % len(UNITS)],
                "golongan": rng.choice(("II", "III", "IV")),
                "years_of_service": rng.randint(1, 30),
                "answers": answers,
                # Random, as submissions get them (a sequence would order the sheets by arrival).
                "id": sheet_ids[i],
            }
        )
    with unit_of_work(url) as s:
        s.execute(sa.insert(SurveyRespondent), people)
        ids = list(
            s.execute(sa.select(SurveyRespondent.id).where(SurveyRespondent.round_id == round_id)).scalars()
        )
        s.execute(sa.insert(SurveyResponse), sheets)
        s.execute(
            sa.insert(SurveyParticipation),
            [
                {"id": pid, "round_id": round_id, "respondent_id": rid}
                for pid, rid in zip(sheet_ids, ids, strict=True)
            ],
        )
    return round_id


def timed(label: str, runs: int, fn: Callable[[], object]) -> float:
    """Run fn `runs` times and print the median, best and worst in seconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    median = statistics.median(samples)
    verdict = "OK" if median < TARGET_SECONDS else "TOO SLOW"
    print(
        f"  {label:<34} median {median:6.3f} s  (min {min(samples):.3f}, max {max(samples):.3f})  {verdict}"
    )
    return median


def bench(url: str, *, n: int, runs: int) -> dict[str, float]:
    """Seed a round and time its results, its closing and its report renders."""
    upgrade(url)
    t0 = time.perf_counter()
    round_id = seed(url, n=n)
    backend = sa.engine.make_url(url).get_backend_name()
    print(f"{backend}: seeded {n:,} responses in {time.perf_counter() - t0:.1f} s")
    engine = get_engine(url)

    def results() -> None:
        with Session(engine) as s:
            compute_results(s, survey=s.get(SurveyRound, round_id))  # type: ignore[arg-type]

    def close() -> None:
        # Closing computes results, stores measurements and the recommendation; rolled back to repeat.
        with Session(engine) as s:
            close_round(s, actor=EVALUATOR, round_id=round_id, now=NOW + timedelta(days=30))
            s.rollback()

    def report(fmt: str, locale: str) -> Callable[[], None]:
        def run() -> None:
            with Session(engine) as s:
                render_report(s, round_id=round_id, fmt=fmt, locale=locale)

        return run

    out = {
        "results": timed("results (compute_results)", runs, results),
        "close": timed("close round (results+measurements)", runs, close),
    }
    # A report exists once its round has closed (nobody previews a running round): close it for good.
    with unit_of_work(url) as s:
        close_round(s, actor=EVALUATOR, round_id=round_id, now=NOW + timedelta(days=30))
    out["report_html_id"] = timed("report HTML, Bahasa Indonesia", runs, report("html", "id"))
    out["report_md_en"] = timed("report Markdown, English", runs, report("md", "en"))
    engine.dispose()
    return out


def main() -> None:
    """Parse arguments and run the bench on SQLite or PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL; default a temporary SQLite file.")
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with scratch_database(args.database_url) as url:
        bench(url, n=args.responses, runs=args.runs)


if __name__ == "__main__":
    main()
