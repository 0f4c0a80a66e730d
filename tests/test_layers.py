"""The layers of DESIGN.md: the domain imports neither FastAPI nor Prefect; service and flows stay apart."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(package: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(str(path.relative_to(ROOT)), a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((str(path.relative_to(ROOT)), node.module))
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("policies", ("fastapi", "starlette", "prefect", "service", "flows")),
        ("flows", ("fastapi", "starlette", "service")),
        ("service", ("flows",)),
    ],
)
def test_layer_imports(package: str, forbidden: tuple[str, ...]) -> None:
    # service/cli.py is the composition root: it alone may start flows and the web service.
    offenders = [
        (path, module)
        for path, module in _imports(package)
        if module.split(".")[0] in forbidden and path != "service/cli.py" and (path, module) not in SHARED
    ]
    assert offenders == []


# The one documented exception: Prefect's vocabulary (names, tags, state types, the one call that
# starts a stage's run) is shared by the dispatcher and the request's dispatch, so it is written
# once. It is no flow code: it may import only Prefect's client side, the domain and the stdlib.
SHARED = {("service/dispatch.py", "flows.orchestration")}


def test_the_shared_vocabulary_depends_on_prefect_and_the_domain_only() -> None:
    allowed = ("prefect", "policies", "__future__", "dataclasses", "datetime", "uuid")
    modules = [module for path, module in _imports("flows") if path == "flows/orchestration.py"]
    assert modules and [m for m in modules if m.split(".")[0] not in allowed] == []
    assert not [m for m in modules if m.startswith(("prefect.flows", "prefect.tasks", "prefect.serve"))]


def test_the_scan_sees_the_domain_imports() -> None:
    assert ("policies/core/db.py", "sqlalchemy") in _imports("policies")
