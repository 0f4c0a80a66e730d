"""Every refusal is written in Bahasa Indonesia and English: each domain error raised carries `en=`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from policies.core import errors

ROOT = Path(__file__).resolve().parents[1]
DOMAIN_ERRORS = {
    name
    for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, errors.DomainError)
}
# GatesNotMet builds both languages from its gates' reasons.
BUILT_BILINGUAL = {"GatesNotMet"}


def _raises_without_english(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        func = node.exc.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in DOMAIN_ERRORS - BUILT_BILINGUAL and "en" not in {k.arg for k in node.exc.keywords}:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    return found


@pytest.mark.parametrize("package", ["policies", "service", "flows"])
def test_every_domain_refusal_has_an_english_text(package: str) -> None:
    sources = [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    assert sources, f"no Python source found under {package}/"
    missing = [line for path in sources for line in _raises_without_english(path)]
    assert missing == [], "refusals without en=: " + ", ".join(missing)


def test_a_refusal_speaks_the_language_asked_for() -> None:
    refusal = errors.Conflict("Jendela sudah ditutup.", en="The window is closed.")
    assert refusal.in_language("id") == ("Konflik dengan keadaan saat ini", "Jendela sudah ditutup.")
    assert refusal.in_language("en") == ("Conflicts with the current state", "The window is closed.")
    gates = errors.GatesNotMet(
        from_stage="workshop",
        to_stage="consultation",
        failed=[errors.FailedGate("draft_published", "Terbitkan versinya.", "Publish the version.")],
    )
    assert gates.in_language("id")[1] == (
        "Tidak dapat pindah dari Lokakarya ke Konsultasi publik: Terbitkan versinya."
    )
    assert gates.in_language("en")[1] == (
        "Cannot move from Workshop to Public consultation: Publish the version."
    )
