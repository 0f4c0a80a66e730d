"""Each concept's SQL lives in its reads module: actions call named queries, never build a statement."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where statements may be built or run: each concept's queries (a module or a package), the comment
# register's reads and keyset pages, and the storage plumbing of core.
HOMES = {"comment_queries.py", "pages.py"}
CORE = {
    "policies/core/db.py",
    "policies/core/listing.py",
    "policies/core/rows.py",
    "policies/core/migrate.py",
}
BUILDERS = {"select", "update", "insert", "delete", "text", "exists", "union_all", "union"}
RUNNERS = {"exec", "execute", "scalar", "scalars"}
LIBRARIES = {"sqlalchemy", "sqlmodel"}


def _is_home(path: Path) -> bool:
    relative = path.relative_to(ROOT)
    text = relative.as_posix()
    return (
        path.name == "queries.py"
        or "queries" in relative.parts[:-1]
        or (path.name in HOMES and relative.parts[1] == "consultation")
        or text in CORE
        or "migrations" in relative.parts
    )


def _sql_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """The statement builders imported from SQLAlchemy/SQLModel by name, and the aliases of the modules."""
    names: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in {
            "sqlalchemy",
            "sqlmodel",
        }:
            names |= {a.asname or a.name for a in node.names if a.name in BUILDERS}
        elif isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name.split(".")[0] == "sqlalchemy"}
    return names, modules


def _statements(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names, modules = _sql_names(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        built = (isinstance(func, ast.Name) and func.id in names) or (
            isinstance(func, ast.Attribute) and func.attr in BUILDERS and ast.unparse(func.value) in modules
        )
        run = (
            isinstance(func, ast.Attribute) and func.attr in RUNNERS and "session" in ast.unparse(func.value)
        )
        if built or run:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(func)}(…)")
    return found


def test_statements_live_in_their_concepts_reads() -> None:
    outside = [
        found
        for path in sorted((ROOT / "policies").rglob("*.py"))
        if not _is_home(path)
        for found in _statements(path)
    ]
    assert outside == []


def test_the_scan_sees_a_statement() -> None:
    assert _statements(ROOT / "policies" / "lifecycle" / "queries.py")
