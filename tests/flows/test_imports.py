"""A flow process imports only what its flows use: nothing of the web (FastAPI, uvicorn, `service`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What `python -m prefect.engine` loads for a pooled stage run, and what the in-process executor loads.
ENTRY_POINTS = ["flows.stages", "flows.dispatcher", "flows.sweeps", "flows.executor", "flows.runner"]
WEB = ("fastapi", "uvicorn", "service", "typer")


def test_the_flow_entry_points_import_nothing_of_the_web() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for name in {ENTRY_POINTS!r}: importlib.import_module(name)\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({WEB!r}))))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
