"""Bench: what the 200-clause, 10,000-comment draft costs a browser, signed out and signed in.

Run: .venv/bin/python -m bench.page_weight [--database-url URL] [--clauses 200] [--comments 10000] [--loads 5]

It seeds the draft (bench/pages.py's seed) into a throwaway database, starts the web the way
`siklus serve` does (`python -m uvicorn service.app:create_app --factory` on a free 127.0.0.1
port, Prefect off), and opens the draft page in Debian's chromium (/usr/bin/chromium through
Playwright) as the public and as a signed-in stakeholder. For each it prints the page's weight
(bytes of the HTML answer), its DOM size (elements, and every node) and the time to the browser's
load event (median of `--loads` loads, from navigationStart; a first load warms the server).
Comparing trees: PYTHONPATH=<other tree> runs the same script against that tree's code.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import httpx
from playwright.sync_api import sync_playwright

from bench.common import free_port, scratch_database
from bench.pages import SLUG, seed, sign_in
from policies.accounts.models import Role
from policies.core.db import get_engine
from policies.core.migrate import upgrade

CHROMIUM = "/usr/bin/chromium"
COUNT_NODES = """() => {
  const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
  let nodes = 0;
  while (walker.nextNode()) { nodes++; }
  return [document.getElementsByTagName('*').length, nodes];
}"""
LOAD_MS = (
    "() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; }"
)


def serve(url: str, data_dir: str, port: int) -> subprocess.Popen[bytes]:
    """Start the web as `siklus serve` does (uvicorn's factory) on this database; wait until it answers."""
    env = {
        **os.environ,
        "SIKLUS_DATABASE_URL": url,
        "SIKLUS_DATA_DIR": data_dir,
        "SIKLUS_SECRET_KEY": "bench-page-weight",
        "SIKLUS_PREFECT_ENABLED": "false",
        "SIKLUS_BASE_URL": f"http://127.0.0.1:{port}",
    }
    command = [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    web = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return web
        except httpx.HTTPError:
            pass
        if web.poll() is not None or time.monotonic() > deadline:
            web.kill()
            raise SystemExit("the web did not start")
        time.sleep(0.2)


def measure(base: str, path: str, *, token: str | None, loads: int) -> dict[str, float]:
    """Open the page `loads` + 1 times in chromium; return its bytes, DOM size and median load time."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        context = browser.new_context(base_url=base)
        if token:
            context.add_cookies([{"name": "siklus_session", "value": token, "url": base}])
        page = context.new_page()
        times: list[float] = []
        size = elements = nodes = 0
        for n in range(loads + 1):
            response = page.goto(path, wait_until="load")
            assert response is not None and response.status == 200, path
            if n == 0:  # the first load warms the server's caches and is not timed
                size = len(response.body())
                elements, nodes = page.evaluate(COUNT_NODES)
                continue
            times.append(float(page.evaluate(LOAD_MS)))
        browser.close()
    return {"bytes": size, "elements": elements, "nodes": nodes, "load_ms": statistics.median(times)}


def main() -> None:
    """Seed the big draft, serve it, and print what it costs signed out and signed in."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (a throwaway schema); else SQLite")
    parser.add_argument("--clauses", type=int, default=200)
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    with scratch_database(args.database_url) as url, tempfile.TemporaryDirectory() as data:
        upgrade(url)
        seed(url, clauses=args.clauses, comments=args.comments)
        token = sign_in(url, email="warga@bench.test", role=Role.STAKEHOLDER)
        get_engine(url).dispose()
        port = free_port()
        web = serve(url, data, port)
        try:
            base, draft = f"http://127.0.0.1:{port}", f"/policies/{SLUG}/versions/1"
            label = f"{args.clauses} clauses, {args.comments:,} comments"
            for who, cookie in (("signed out", None), ("signed in", token)):
                r = measure(base, draft, token=cookie, loads=args.loads)
                print(
                    f"draft page ({label}), {who}: {r['bytes']:,} bytes, {r['elements']:,} elements "
                    f"({r['nodes']:,} DOM nodes), load event {r['load_ms']:.0f} ms (median of {args.loads})"
                )
        finally:
            web.terminate()
            web.wait(timeout=30)


if __name__ == "__main__":
    main()
