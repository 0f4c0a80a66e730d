"""Bench of the comment register over the real service, on SQLite and (when reachable) PostgreSQL.

Run: .venv/bin/python -m bench.comments [--comments N] [--posts K] [--no-postgres]
Per backend it fills one policy with N comments in bulk (executemany, not HTTP), starts the web
service as `make run` does (uvicorn with uvloop and httptools, one process) and measures:
  (a) comment POST throughput with 32 concurrent clients (auth, Idempotency-Key, rate limit and
      campaign detection on) as a ratio of the same server's GET /healthz throughput; target >= 0.25
  (b) a 50-comment page deep in the list, one keep-alive client: p50 < 3 ms, p99 < 10 ms
      (beside it, shown without a target: the first page of the drafter's filters)
  (c) streamed CSV export of all N comments vs the driver + csv module dumping the same rows
      (sqlite3, or psycopg on PostgreSQL): ratio <= 1.2
  (d) consultation report (HTML) render for 10,000 comments, in-process: < 2 s
It prints a table and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import secrets
import statistics
import tempfile
import time
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench import wrk
from bench.comment_fill import MAIN_SLUG, REPORT_SLUG, bulk_fill, prepare
from bench.common import PG_URL, postgres_reachable, postgres_schema
from policies.consultation.export import export_query
from policies.consultation.pages import CommentSort, page_cursor
from policies.core.db import get_engine, read_session, utcnow

CLIENTS = 32
RESULTS = Path(__file__).parent / "results"


def siklus_env(url: str, data_dir: Path) -> dict[str, str]:
    """Return the web's environment: this database, Prefect off, the rate limit raised."""
    return {
        "SIKLUS_DATABASE_URL": url,
        "SIKLUS_DATA_DIR": str(data_dir),
        "SIKLUS_SECRET_KEY": "bench-secret-key",
        "SIKLUS_PREFECT_ENABLED": "false",
        # On (every POST counts the account's last minute), but high enough that 32 clients posting
        # flat out for the whole run measure the path, not the refusal.
        "SIKLUS_COMMENTS_PER_MINUTE": "1000000",
    }


def bench_post(
    bare: str,
    base: str,
    *,
    floor: str,
    tokens: list[str],
    clause_keys: list[str],
    seconds: float,
    rounds: int,
) -> dict[str, float]:
    """(a) POST /comments under 32 connections vs the bare app's GET /healthz, rounds interleaved.

    The floor app (bench/floor_app.py) takes the same POSTs with only validation and one committed
    insert: the most any design that commits each request alone could reach here.
    """
    from bench.comment_fill import CAMPAIGN_LETTER, WORDS

    params = [f"path /api/v1/policies/{MAIN_SLUG}/comments", f"run {secrets.token_hex(4)}"]
    params += [f"letter {CAMPAIGN_LETTER}"] + [f"token {t}" for t in tokens]
    params += [f"clause {k}" for k in clause_keys] + [f"word {w}" for w in WORDS]
    # Warm both: the first requests of a process import and compile what the rest reuse.
    wrk.get(bare, paths=["/healthz"], connections=CLIENTS, seconds=1)
    wrk.run(base, script="post_comments.lua", params=params, connections=CLIENTS, seconds=2)
    wrk.run(floor, script="post_comments.lua", params=params, connections=CLIENTS, seconds=1)
    bares, own, posts, floors = [], [], [], []
    for _ in range(rounds):
        bares.append(wrk.get(bare, paths=["/healthz"], connections=CLIENTS, seconds=seconds))
        own.append(wrk.get(base, paths=["/healthz"], connections=CLIENTS, seconds=seconds))
        params[1] = f"run {secrets.token_hex(4)}"
        posts.append(
            wrk.run(base, script="post_comments.lua", params=params, connections=CLIENTS, seconds=seconds)
        )
        if posts[-1].errors:
            raise RuntimeError(f"{posts[-1].errors} comment POSTs failed")
        floors.append(
            wrk.run(floor, script="post_comments.lua", params=params, connections=CLIENTS, seconds=seconds)
        )
    bare_rps = sum(x.requests for x in bares) / sum(x.seconds for x in bares)
    own_rps = sum(x.requests for x in own) / sum(x.seconds for x in own)
    post_rps = sum(x.requests for x in posts) / sum(x.seconds for x in posts)
    floor_rps = sum(x.requests for x in floors) / sum(x.seconds for x in floors)
    # The tail shows whether writers are served in turn (a starved one waits seconds).
    return {
        "bare_healthz_rps": bare_rps,
        "healthz_rps": own_rps,
        "post_rps": post_rps,
        "ratio": post_rps / bare_rps,
        "healthz_ratio": own_rps / bare_rps,
        "floor_rps": floor_rps,
        "floor_ratio": floor_rps / bare_rps,
        "floor_cpu_ms": statistics.median(x.cpu_ms for x in floors),
        "post_cpu_ms": statistics.median(x.cpu_ms for x in posts),
        "bare_cpu_ms": statistics.median(x.cpu_ms for x in bares),
        "post_p50_ms": statistics.median(x.p50_ms for x in posts),
        "post_p99_ms": max(x.p99_ms for x in posts),
        "post_max_ms": max(x.max_ms for x in posts),
        "rounds": [
            {"bare": b.as_dict(), "healthz": h.as_dict(), "post": p.as_dict(), "floor": f.as_dict()}
            for b, h, p, f in zip(bares, own, posts, floors, strict=True)
        ],
    }


def bench_latency(bare: str, base: str, *, window_max_id: int, clause_key: str, seconds: float) -> dict:
    """(b) One keep-alive client: a 50-comment page deep in the list, the filters, both healthz."""
    step = max(1, (window_max_id // 2 - 100) // 500)
    deep = [
        f"/api/v1/policies/{MAIN_SLUG}/comments?limit=50&cursor="
        + page_cursor(CommentSort.NEWEST, last_id=window_max_id // 2 - i * step)
        for i in range(500)
    ]
    for url in deep[:3]:
        body = httpx.get(base + url, timeout=30).json()
        assert len(body["items"]) == 50, body
    page = f"/api/v1/policies/{MAIN_SLUG}/comments?limit=50&"
    filters = {
        "undisposed": "undisposed=true",
        "support": "sort=support",
        "clause": f"clause_key={clause_key}",
        "undisposed_support": "undisposed=true&sort=support",
    }
    wrk.get(base, paths=deep, connections=1, seconds=1)  # warm
    out: dict[str, object] = {
        "bare_healthz": wrk.get(bare, paths=["/healthz"], connections=1, seconds=seconds).as_dict(),
        "healthz": wrk.get(base, paths=["/healthz"], connections=1, seconds=seconds).as_dict(),
        "deep": wrk.get(base, paths=deep, connections=1, seconds=seconds).as_dict(),
    }
    for name, query in filters.items():
        out[name] = wrk.get(
            base, paths=[page + query], connections=1, seconds=max(2.0, seconds / 3)
        ).as_dict()
    return out


def _baseline_dump(url: str, *, window_id: int, path: Path) -> float:
    """Dump the same rows with the driver and the csv module only."""
    query, params = export_query(window_ids=[window_id], full_text=False, guard=True)
    start = time.perf_counter()
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        if url.startswith("sqlite"):
            import sqlite3

            conn = sqlite3.connect(sa.engine.make_url(url).database)
            cursor = conn.execute(query, params)
            while rows := cursor.fetchmany(5000):
                writer.writerows(rows)
            conn.close()
        else:
            import psycopg

            sql = re.sub(r":(\w+)", r"%(\1)s", query)
            schema = url.rsplit("search_path%3D", 1)[1]
            with (
                psycopg.connect(
                    "postgresql://postgres@127.0.0.1:5432/test", options=f"-csearch_path={schema}"
                ) as c,
                c.cursor(name="dump") as cursor,
            ):
                cursor.execute(sql, params)
                while rows := cursor.fetchmany(5000):
                    writer.writerows(rows)
    return time.perf_counter() - start


def bench_export(base: str, url: str, *, window_id: int, tmp: Path) -> dict[str, float]:
    """(c) The streamed CSV export over HTTP vs the driver + csv baseline, each to a file.

    Each runs twice, alternating, and the faster of its two runs counts: whichever runs first
    also pays for reading a million rows into the page cache.
    """
    baselines: list[float] = []
    exports: list[float] = []
    size = 0
    for _ in range(2):
        baselines.append(_baseline_dump(url, window_id=window_id, path=tmp / "baseline.csv"))
        start = time.perf_counter()
        size = 0
        with (
            httpx.Client(base_url=base, timeout=600) as client,
            (tmp / "export.csv").open("wb") as out,
            client.stream("GET", f"/api/v1/policies/{MAIN_SLUG}/comments.csv") as response,
        ):
            assert response.status_code == 200
            for chunk in response.iter_raw():
                size += len(chunk)
                out.write(chunk)
        exports.append(time.perf_counter() - start)
    export, baseline = min(exports), min(baselines)
    return {"export_s": export, "baseline_s": baseline, "ratio": export / baseline, "mb": size / 1e6}


def bench_report(url: str) -> dict[str, float]:
    """(d) Build and render the HTML report of a window with 10,000 comments, in-process."""
    from policies.consultation.report import build_report, render_report

    samples = []
    for _ in range(3):
        start = time.perf_counter()
        with read_session(url) as s:
            html = render_report(build_report(s, slug=REPORT_SLUG, now=utcnow()), fmt="html")
        samples.append(time.perf_counter() - start)
    return {"report_s": statistics.median(samples), "kb": len(html) / 1e3}


def run_backend(name: str, url: str, *, n: int, workers: int, args: argparse.Namespace, tmp: Path) -> dict:
    """Fill, start Siklus and the bare app as `siklus serve` starts the web, measure (a)-(d)."""
    t0 = time.perf_counter()
    _, tokens = prepare(url, clients=CLIENTS)
    window_id = bulk_fill(url, slug=MAIN_SLUG, n=n, bands=True)
    if not args.only_load:
        bulk_fill(url, slug=REPORT_SLUG, n=10_000, bands=False, seed=11)
    with get_engine(url).connect() as conn:
        max_id = conn.execute(
            sa.text("SELECT max(id) FROM comment WHERE window_id = :w"), {"w": window_id}
        ).scalar_one()
        keys = [
            k
            for (k,) in conn.execute(
                sa.text("SELECT DISTINCT clause_key FROM comment WHERE window_id = :w AND id < 100"),
                {"w": window_id},
            )
        ]
    get_engine(url).dispose()
    print(f"{name}: filled {n:,} comments in {time.perf_counter() - t0:.0f} s; load {wrk.machine_load()}")
    env = {**siklus_env(url, tmp / f"data-{name}"), "SIKLUS_WORKERS": str(workers)}
    logs = tmp / f"data-{name}"
    floor_env = {"SIKLUS_FLOOR_DB": str(tmp / f"floor-{name}.db")}
    out: dict[str, object] = {"workers": workers, "load_before": wrk.machine_load()}
    try:
        with (
            wrk.serve(wrk.BARE_APP, env={}, workers=workers, log=logs / "bare.log") as bare,
            wrk.serve(wrk.SIKLUS_APP, env=env, workers=workers, log=logs / "web.log") as base,
            wrk.serve(wrk.FLOOR_APP, env=floor_env, workers=1, log=logs / "floor.log") as floor,
        ):
            out["latency"] = bench_latency(
                bare, base, window_max_id=max_id, clause_key=keys[0], seconds=args.seconds
            )
            out["post"] = bench_post(
                bare,
                base,
                floor=floor,
                tokens=tokens,
                clause_keys=keys,
                seconds=args.seconds,
                rounds=args.rounds,
            )
            out["load_after"] = wrk.machine_load()
            if not args.only_load:
                out["export"] = bench_export(base, url, window_id=window_id, tmp=tmp)
                out["report"] = bench_report(url)
    except Exception:
        print((logs / "web.log").read_text()[-3000:])  # the server's side of a failure
        raise
    return out


def _table(results: dict[str, dict]) -> None:
    def lat(r: dict, key: str) -> str:
        return f"{r['latency'][key]['p50_ms']:.2f} / {r['latency'][key]['p99_ms']:.2f}"

    print(f"\n{'measure':<46}{'target':>12}" + "".join(f"{b:>44}" for b in results))
    rows = [
        (
            "(a) POST / bare /healthz throughput",
            ">= 0.25",
            lambda r: (
                f"{r['post']['ratio']:.3f} "
                f"({r['post']['post_rps']:.0f}/{r['post']['bare_healthz_rps']:.0f} rps)"
            ),
            lambda r: r["post"]["ratio"] >= 0.25,
        ),
        (
            "    Siklus /healthz / bare /healthz",
            "-",
            lambda r: f"{r['post']['healthz_ratio']:.3f} ({r['post']['healthz_rps']:.0f} rps)",
            lambda r: True,
        ),
        (
            "    floor app (validate + 1 insert) / bare",
            "-",
            lambda r: f"{r['post']['floor_ratio']:.3f} ({r['post']['floor_rps']:.0f} rps)",
            lambda r: True,  # no target: what any commit-per-request design could reach here
        ),
        (
            "    server CPU ms a request: POST/floor/bare",
            "-",
            lambda r: " / ".join(
                f"{r['post'][k]:.2f}" for k in ("post_cpu_ms", "floor_cpu_ms", "bare_cpu_ms")
            ),
            lambda r: True,
        ),
        (
            "    POST latency p50 / p99 / max (ms)",
            "-",
            lambda r: " / ".join(f"{r['post'][f'post_{q}_ms']:.0f}" for q in ("p50", "p99", "max")),
            lambda r: True,  # no target: shown for the tail
        ),
        (
            "(b) deep page p50 / p99 (ms), one client",
            "< 3 / < 10",
            lambda r: f"{lat(r, 'deep')} (healthz {lat(r, 'healthz')}; bare {lat(r, 'bare_healthz')})",
            lambda r: r["latency"]["deep"]["p50_ms"] < 3 and r["latency"]["deep"]["p99_ms"] < 10,
        ),
        (
            "    first page p50: undisposed/support/clause/both",
            "-",
            lambda r: " / ".join(
                f"{r['latency'][q]['p50_ms']:.1f}"
                for q in ("undisposed", "support", "clause", "undisposed_support")
            ),
            lambda r: True,  # no target: the filters a drafter triages with
        ),
        (
            "(c) CSV export / driver+csv",
            "<= 1.2",
            lambda r: (
                f"{r['export']['ratio']:.2f} "
                f"({r['export']['export_s']:.1f}/{r['export']['baseline_s']:.1f} s)"
                if "export" in r
                else "-"
            ),
            lambda r: "export" not in r or r["export"]["ratio"] <= 1.2,
        ),
        (
            "(d) report, 10,000 comments (s)",
            "< 2",
            lambda r: f"{r['report']['report_s']:.2f}" if "report" in r else "-",
            lambda r: "report" not in r or r["report"]["report_s"] < 2,
        ),
    ]
    missed = []
    for label, target, cell, met in rows:
        print(f"{label:<46}{target:>12}" + "".join(f"  {cell(r):>42}" for r in results.values()))
        missed += [f"{label} on {backend}" for backend, r in results.items() if not met(r)]
    for backend, r in results.items():
        print(f"load average on {backend}: {r['load_before']} before, {r['load_after']} after the load runs")
    # bench/all.py looks for this word to report a missed target.
    for item in missed:
        print(f"MISSED: {item}")


def main() -> None:
    """Parse arguments, run each reachable backend, print the table and write the JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--comments", type=int, default=1_000_000, help="comments filled into the policy")
    parser.add_argument("--seconds", type=float, default=10, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of (a)")
    parser.add_argument("--workers", type=int, default=2, help="SIKLUS_WORKERS on PostgreSQL")
    parser.add_argument("--only-load", action="store_true", help="(a) and (b) only: no export, no report")
    parser.add_argument("--no-postgres", action="store_true", help="run SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="run PostgreSQL only")
    args = parser.parse_args()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="siklus-bench-comments-") as tmp_name:
        tmp = Path(tmp_name)
        if not args.no_sqlite:
            url = f"sqlite:///{tmp / 'bench.db'}"
            results["sqlite, 1 worker"] = run_backend(
                "sqlite", url, n=args.comments, workers=1, args=args, tmp=tmp
            )
        if not args.no_postgres and postgres_reachable():
            with postgres_schema(PG_URL) as url:
                results[f"postgresql, {args.workers} workers"] = run_backend(
                    "postgresql", url, n=args.comments, workers=args.workers, args=args, tmp=tmp
                )
                get_engine(url).dispose()
        elif not args.no_postgres:
            print("PostgreSQL on 127.0.0.1:5432 is not reachable: its pass did NOT run")
    _table(results)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"comments-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps({"comments": args.comments, "args": vars(args), "results": results}, indent=2))
    print(f"\nJSON: {path}")


if __name__ == "__main__":
    main()
