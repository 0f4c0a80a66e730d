"""README stays true: every setting documented, both commands shown first."""

from __future__ import annotations

from pathlib import Path

from policies.core.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    missing = [
        f"SIKLUS_{name.upper()}" for name in Settings.model_fields if f"`SIKLUS_{name.upper()}`" not in README
    ]
    assert missing == []


def test_the_two_commands_come_first() -> None:
    first_section = README.split("## ", 2)[1]
    assert "make run" in first_section and "make test" in first_section
