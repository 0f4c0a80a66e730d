"""The `siklus` command: migrate, load, list, show, advance, and one-line errors."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from policies.core.db import get_engine
from policies.core.settings import get_settings
from service.cli import app

SLUG = "perwal-kebijakan-kepegawaian-asn-2026"
# Nothing listens on port 1: the connection is refused at once.
CLOSED = "postgresql+psycopg://siklus:rahasia@127.0.0.1:1/siklus"


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


def _commands(group: typer.Typer) -> Iterator[tuple[str, object]]:
    for command in group.registered_commands:
        yield command.name or "", command.callback
    for sub in group.registered_groups:
        assert sub.typer_instance is not None
        yield from _commands(sub.typer_instance)


def test_every_command_turns_errors_into_one_clear_line() -> None:
    found = dict(_commands(app))
    assert {"upgrade", "list", "show", "advance", "create", "serve", "run-due"} <= set(found)
    assert [name for name, callback in found.items() if not getattr(callback, "clear_errors", False)] == []


@pytest.fixture
def unmigrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the CLI at an empty database of the tests' kind: a fresh SQLite file or PostgreSQL schema."""
    base = os.environ.get("SIKLUS_TEST_DATABASE_URL", "")
    if base.startswith("postgresql"):
        schema = f"siklus_empty_{secrets.token_hex(4)}"
        admin = sa.create_engine(base)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("SIKLUS_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()
    get_engine(url).dispose()
    if base.startswith("postgresql"):
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


COMMANDS = [
    ["policy", "list"],
    ["policy", "show", SLUG],
    ["policy", "advance", SLUG, "workshop"],
    ["catalog", "load"],
    ["outbox", "list"],
    [
        "account",
        "create",
        "--email",
        "ani@siklus.test",
        "--name",
        "Ani",
        "--role",
        "admin",
        "--password",
        "rahasia-123",
    ],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_an_unmigrated_database_says_to_run_the_upgrade(unmigrated: str, args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert (
        line.startswith("Galat: basis data") and "belum dimigrasi" in line and "`siklus db upgrade`" in line
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("args", [["db", "upgrade"], *COMMANDS], ids=lambda a: " ".join(a[:2]))
def test_an_unreachable_database_says_what_to_check(monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    monkeypatch.setenv("SIKLUS_DATABASE_URL", CLOSED)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, args)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "tidak dapat dihubungi" in line and "SIKLUS_DATABASE_URL" in line and "127.0.0.1:1" in line
    assert "rahasia" not in line  # the URL is shown without its password


def test_the_installed_command_prints_no_traceback_for_a_closed_port() -> None:
    env = {**os.environ, "SIKLUS_DATABASE_URL": CLOSED}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("siklus")), "policy", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1 and "SIKLUS_DATABASE_URL" in done.stderr


def test_backfill_elements_writes_the_versions_without_them(runner: CliRunner) -> None:
    runner.invoke(app, ["catalog", "load"])
    with get_engine(get_settings().database_url).begin() as conn:
        conn.exec_driver_sql("DELETE FROM text_element")  # as a database from before migration 0015
    done = runner.invoke(app, ["db", "backfill-elements"])
    assert done.exit_code == 0 and "untuk 5 versi; 0 versi dilewati" in done.output, done.output
    again = runner.invoke(app, ["db", "backfill-elements"])
    assert "untuk 0 versi; 0 versi dilewati" in again.output
