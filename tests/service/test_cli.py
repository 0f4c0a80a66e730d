"""The `siklus` command: migrate, load, list, show, advance, and one-line errors."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from policies.settings import get_settings
from service.cli import app

SLUG = "perwal-kebijakan-kepegawaian-asn-2026"


@pytest.fixture
def runner(db: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("SIKLUS_DATABASE_URL", db)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_upgrade_load_list_show_advance(runner: CliRunner) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    loaded = runner.invoke(app, ["catalog", "load"])
    assert loaded.exit_code == 0 and "kebijakan contoh baru" in loaded.output
    again = runner.invoke(app, ["catalog", "load"])
    assert "0 jenis baru, 0 diperbarui" in again.output and "0 kebijakan contoh baru" in again.output
    assert SLUG in runner.invoke(app, ["policy", "list"]).output
    shown = runner.invoke(app, ["policy", "show", SLUG])
    assert shown.exit_code == 0 and "[x] draft_exists" in shown.output
    moved = runner.invoke(app, ["policy", "advance", SLUG, "workshop", "--reason", "Siap dibahas"])
    assert moved.exit_code == 0 and "drafting → workshop" in moved.output


def test_refusal_prints_every_gate_and_exits_nonzero(runner: CliRunner) -> None:
    runner.invoke(app, ["catalog", "load"])
    runner.invoke(app, ["policy", "advance", SLUG, "workshop"])
    refused = runner.invoke(app, ["policy", "advance", SLUG, "consultation"])
    assert refused.exit_code == 1
    assert "workshops_held" in refused.output and "window_long_enough" in refused.output


def test_unknown_policy_is_one_clear_line(runner: CliRunner) -> None:
    result = runner.invoke(app, ["policy", "show", "tidak-ada"])
    assert result.exit_code == 1
    assert result.output.strip() == "Galat: Kebijakan 'tidak-ada' tidak ditemukan."
