"""Bench: server-side render time of the draft page for 200 clauses and 10,000 comments.

Run: .venv/bin/python -m bench.pages [--database-url URL] [--clauses 200] [--comments 10000] [--runs 200]
Without a URL it uses a fresh SQLite file; with a PostgreSQL URL it works in a throwaway schema.
Each request goes through the whole app in process (routing, queries, Jinja2, Markdown) with no
network in between; the target (issue 6) is p50 and p99 under 100 ms. A clause's thread page (its
comments with dispositions) is timed beside it.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from policies.access import Actor
from policies.actions.drafts import create_version, publish_version
from policies.actions.lifecycle import create_policy
from policies.catalog import load_catalog
from policies.db import get_engine, unit_of_work, utcnow
from policies.migrate import upgrade
from policies.models import Comment, ConsultationWindow, Disposition, Role, Stage
from policies.queries import clauses_of, get_policy
from policies.settings import Settings
from policies.text import text_hash
from service.app import create_app

SLUG = "bench-draf-besar"
UNIT = "BKPSDM Bench"
DRAFTER = Actor(id=None, name="Bench Perancang", role=Role.DRAFTER, unit=UNIT)
TARGET_MS = 100.0


def draft_text(clauses: int) -> str:
    """Write a draft of `clauses` clauses in 10 chapters, each with a list like a real pasal."""
    lines = ["# Rancangan Peraturan Bench tentang Pengembangan Kompetensi ASN", ""]
    for n in range(1, clauses + 1):
        if (n - 1) % (clauses // 10 or 1) == 0:
            lines += [f"## BAB {(n - 1) // (clauses // 10 or 1) + 1} Ketentuan", ""]
        lines += [
            f"### Pasal {n}",
            "",
            f"(1) Setiap ASN berhak atas pengembangan kompetensi paling sedikit 20 JP per tahun (butir {n}).",
            "(2) Pengembangan kompetensi dilaksanakan melalui:",
            "",
            "- pelatihan klasikal;",
            "- *coaching* dan *mentoring*;",
            "- **e-learning** yang diselenggarakan BKPSDM.",
            "",
        ]
    return "\n".join(lines)


def seed(url: str, *, clauses: int, comments: int) -> tuple[int, str]:
    """Store a policy with one published version under an open window and the comments; return ids."""
    rng = random.Random(17)
    now = utcnow()
    with unit_of_work(url) as s:
        load_catalog(s)
        create_policy(
            s,
            actor=DRAFTER,
            slug=SLUG,
            title="Bench: draf besar",
            kind_code="kebijakan-kepegawaian",
            region="Kota Bench",
            unit=UNIT,
        )
        version = create_version(s, actor=DRAFTER, slug=SLUG, body=draft_text(clauses))
        publish_version(s, actor=DRAFTER, slug=SLUG, number=1)
        policy = get_policy(s, slug=SLUG)
        window = ConsultationWindow(
            policy_id=policy.id,
            cycle=1,
            version_id=version.id,  # type: ignore[arg-type]
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
        )
        s.add(window)
        policy.stage = Stage.CONSULTATION
        s.add(policy)
        s.flush()
        keys = [c.key for c in clauses_of(s, version_id=version.id)]  # type: ignore[arg-type]
        ids = (policy.id, version.id, window.id)
    policy_id, version_id, window_id = ids
    rows = []
    for i in range(comments):
        body = f"Masukan nomor {i}: mohon pasal ini memperjelas **kewajiban** unit kerja."
        rows.append(
            {
                "policy_id": policy_id,
                "version_id": version_id,
                "window_id": window_id,
                "clause_key": keys[i % len(keys)],
                "quote": "",
                "body": body,
                "text_hash": text_hash(body),
                "stance": rng.choice(("for", "neutral", "against")),
                "author_name": f"Warga {i}",
                "author_group": "public",
                "source": "online",
                "support_count": 0,
                "oppose_count": 0,
                "hidden_reason": "",
                "created_at": datetime(2026, 8, 17, tzinfo=UTC) + timedelta(seconds=i),
            }
        )
    with unit_of_work(url) as s:
        s.execute(sa.insert(Comment), rows)
        answered = s.execute(sa.select(Comment.id).where(Comment.id % 2 == 0)).scalars().all()
        s.execute(
            sa.insert(Disposition),
            [
                {
                    "comment_id": cid,
                    "outcome": "noted",
                    "reason": "Dicatat untuk penjelasan pasal.",
                    "responded_at": datetime(2026, 9, 1, tzinfo=UTC),
                }
                for cid in answered
            ],
        )
    return version_id, keys[0]


class ServerTimer:
    """ASGI wrapper timing each request inside the server, from its arrival to its last byte."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.samples: list[float] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        start = time.perf_counter()
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            self.samples.append((time.perf_counter() - start) * 1000)


def timed(client: TestClient, timer: ServerTimer, label: str, path: str, runs: int) -> dict[str, float]:
    """Request a page `runs` times (after warming up) and print the server-side p50 and p99 in ms."""
    for _ in range(3):
        assert client.get(path).status_code == 200
    timer.samples.clear()
    for _ in range(runs):
        response = client.get(path)
        assert response.status_code == 200
    samples = list(timer.samples)
    samples.sort()
    p50 = statistics.median(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    verdict = "OK" if p99 < TARGET_MS else "TOO SLOW"
    print(f"  {label:<44} p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  ({len(response.content):,} bytes)  {verdict}")
    return {"p50_ms": p50, "p99_ms": p99}


def bench(url: str, *, clauses: int, comments: int, runs: int) -> dict[str, dict[str, float]]:
    """Seed the big draft and time its page and one clause's thread."""
    upgrade(url)
    t0 = time.perf_counter()
    _version_id, first_key = seed(url, clauses=clauses, comments=comments)
    backend = sa.engine.make_url(url).get_backend_name()
    print(
        f"{backend}: seeded {clauses} clauses and {comments:,} comments in {time.perf_counter() - t0:.1f} s"
    )
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(database_url=url, data_dir=Path(data), secret_key="bench", prefect_enabled=False)  # type: ignore[arg-type]
        timer = ServerTimer(create_app(settings))
        with TestClient(timer) as client:
            out = {
                "draft": timed(
                    client,
                    timer,
                    f"draft page ({clauses} clauses, {comments:,} comments)",
                    f"/policies/{SLUG}/versions/1",
                    runs,
                ),
                "thread": timed(
                    client,
                    timer,
                    f"clause thread ({comments // clauses} comments)",
                    f"/policies/{SLUG}/versions/1/clauses/{first_key}",
                    runs,
                ),
            }
    get_engine(url).dispose()
    return out


def main() -> None:
    """Parse arguments and run the bench on SQLite or PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL; default a temporary SQLite file.")
    parser.add_argument("--clauses", type=int, default=200)
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    kw = {"clauses": args.clauses, "comments": args.comments, "runs": args.runs}
    if args.database_url.startswith("postgresql"):
        schema = f"siklus_bench_{secrets.token_hex(4)}"
        admin = sa.create_engine(args.database_url)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        sep = "&" if "?" in args.database_url else "?"
        try:
            bench(f"{args.database_url}{sep}options=-csearch_path%3D{schema}", **kw)
        finally:
            with admin.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            bench(f"sqlite:///{Path(tmp) / 'bench.db'}", **kw)


if __name__ == "__main__":
    main()
