"""The outbox knows no concept's rules: concepts register hooks, and every deliverer has them registered."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from policies.evaluation.reminders import RESPONDENT_TEMPLATES
from policies.outbox import hooks

ROOT = Path(__file__).resolve().parents[2]
# What the outbox may name of another concept: the rows it addresses (accounts) or links (policies),
# and who is asking (the operator's view is for admins).
ALLOWED = {"policies.accounts.models", "policies.lifecycle.models", "policies.accounts.access"}
# What a concept may use of the outbox: enqueue and cancel, its rows, and registering hooks.
FOR_CONCEPTS = {
    "policies.outbox",  # the package itself, as in `from policies.outbox import hooks`
    "policies.outbox.hooks",
    "policies.outbox.models",
    "policies.outbox.notify",
}


def _imports(folder: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(), filename=where)):
            if isinstance(node, ast.Import):
                found += [(where, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((where, node.module))
                if node.module in ("policies", "policies.outbox"):
                    found += [(where, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def test_no_module_of_the_outbox_imports_another_concepts_rules() -> None:
    offenders = [
        (path, module)
        for path, module in _imports("policies/outbox")
        if module.startswith("policies.")
        and module.split(".")[1] not in ("outbox", "core")
        and module not in ALLOWED
    ]
    assert offenders == []


def test_evaluation_uses_the_outbox_only_to_enqueue_and_register() -> None:
    used = {module for _, module in _imports("policies/evaluation") if module.startswith("policies.outbox")}
    assert used and used <= FOR_CONCEPTS


def test_the_scan_sees_the_outbox_imports() -> None:
    assert ("policies/outbox/delivery.py", "policies.outbox.hooks") in _imports("policies/outbox")


def test_the_survey_messages_have_their_hooks() -> None:
    # tests/conftest.py imports policies.tables, as every deliverer does.
    assert set(RESPONDENT_TEMPLATES) <= set(hooks.checked_templates())


@pytest.mark.parametrize("entry", ["flows.delivery", "service.api.outbox.inbox"])
def test_every_deliverer_registers_the_hooks_on_its_own(entry: str) -> None:
    # A fresh interpreter that imports only the entry point: nothing else may have registered them.
    code = f"import {entry}; from policies.outbox import hooks; print(','.join(hooks.checked_templates()))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    # The same hooks as this process, which imported policies.tables (tests/conftest.py).
    assert out.stdout.strip() == ",".join(hooks.checked_templates())
    assert set(RESPONDENT_TEMPLATES) <= set(out.stdout.strip().split(","))


def test_the_outbox_refuses_to_decide_before_the_hooks_are_registered() -> None:
    code = (
        "from policies.outbox import hooks\n"
        "try:\n    hooks.checked_templates()\nexcept hooks.HooksNotRegistered:\n    print('refused')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "refused"
