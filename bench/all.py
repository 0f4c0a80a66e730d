"""Run every bench one after another (what `make bench` does) and say which targets were met.

Run: .venv/bin/python -m bench.all [--quick] [--only NAME ...]
Each bench runs in its own process, on SQLite and (where the bench does so) on PostgreSQL when
127.0.0.1:5432 answers; its own output is printed as it comes. `--quick` shrinks the data sizes
to check that the benches work (its figures are not the ones the issues ask for). The exit code
is non-zero when a bench failed or reported a missed target.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from bench.common import PG_URL, postgres_reachable

# name -> (full-size arguments, quick arguments); PostgreSQL variants are added below.
BENCHES: dict[str, tuple[list[str], list[str]]] = {
    "comments": ([], ["--comments", "20000", "--seconds", "2", "--rounds", "1"]),
    "flows": ([], ["--policies", "20", "--runs", "3"]),
    "evaluation": ([], ["--responses", "1000", "--runs", "2"]),
    "pages": ([], ["--comments", "1000", "--seconds", "1"]),
    "advance_notices": ([], ["--stakeholders", "200", "--runs", "1"]),
    "page_weight": ([], ["--clauses", "20", "--comments", "200", "--loads", "1"]),
    "anchors": ([], ["--pasal", "30", "--comments", "1000", "--runs", "1"]),
}
# Benches that take a database URL instead of running both backends themselves.
URL_BENCHES = {"evaluation", "pages", "advance_notices", "page_weight", "anchors"}
MISSED_MARKERS = ("TOO SLOW", "MISSED")


def _runs(names: list[str], *, quick: bool) -> list[tuple[str, list[str]]]:
    plan: list[tuple[str, list[str]]] = []
    postgres = postgres_reachable()
    for name in names:
        full, small = BENCHES[name]
        args = small if quick else full
        plan.append((name, args))
        if name in URL_BENCHES and postgres:
            # The web's pages are measured on PostgreSQL as it is deployed: two workers.
            workers = ["--workers", "2"] if name == "pages" else []
            plan.append((f"{name} (PostgreSQL)", [*args, "--database-url", PG_URL, *workers]))
    if not postgres:
        print("PostgreSQL on 127.0.0.1:5432 is not reachable: its passes do NOT run")
    return plan


def main() -> None:
    """Run the chosen benches and print a summary line per bench."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: check the benches run")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHES), default=sorted(BENCHES))
    args = parser.parse_args()
    summary: list[tuple[str, str, float]] = []
    for label, extra in _runs(args.only, quick=args.quick):
        module = f"bench.{label.split()[0]}"
        print(f"\n=== {label}: {sys.executable} -m {module} {' '.join(extra)}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", module, *extra], capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        sys.stdout.write(proc.stdout)
        if proc.returncode != 0:
            sys.stdout.write(proc.stderr[-4000:])
        missed = any(marker in proc.stdout for marker in MISSED_MARKERS)
        verdict = "failed" if proc.returncode != 0 and not missed else "target missed" if missed else "ok"
        summary.append((label, verdict, elapsed))
    print("\n=== summary")
    for label, verdict, elapsed in summary:
        print(f"{label:<28}{verdict:<16}{elapsed:8.0f} s")
    sys.exit(0 if all(v == "ok" for _, v, _ in summary) else 1)


if __name__ == "__main__":
    main()
