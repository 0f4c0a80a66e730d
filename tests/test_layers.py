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
        if module.split(".")[0] in forbidden and path != "service/cli.py"
    ]
    assert offenders == []


def test_the_scan_sees_the_domain_imports() -> None:
    assert ("policies/core/db.py", "sqlalchemy") in _imports("policies")
