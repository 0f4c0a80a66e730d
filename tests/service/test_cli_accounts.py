"""`siklus account create`, `verify` and `ensure-demo`; loading the catalogue makes no account."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from policies.accounts import actions as accounts
from policies.accounts.models import Account
from policies.core.db import read_session, utcnow
from policies.core.settings import get_settings
from service.cli import app


@pytest.fixture
def runner(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("SIKLUS_DATABASE_URL", db)
    monkeypatch.delenv("SIKLUS_DEMO_PASSWORD", raising=False)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def _emails(db: str) -> list[str]:
    with read_session(db) as s:
        return sorted(s.exec(select(Account.email)))


def test_catalog_load_creates_no_account(runner: CliRunner, db: str) -> None:
    assert runner.invoke(app, ["catalog", "load"]).exit_code == 0
    assert _emails(db) == []


def test_create_a_drafter_then_sign_in(runner: CliRunner, db: str) -> None:
    args = ["account", "create", "--email", "rina@bkpsdm.id", "--name", "Rina", "--role", "drafter"]
    result = runner.invoke(
        app, [*args, "--unit", "BKPSDM Kota Tangerang Selatan", "--password", "rahasia-123"]
    )
    assert result.exit_code == 0, result.output
    assert "drafter, BKPSDM Kota Tangerang Selatan" in result.output
    with read_session(db) as s:
        issued = accounts.login(s, email="rina@bkpsdm.id", password="rahasia-123", now=utcnow(), ttl_hours=1)
        assert issued.account.unit == "BKPSDM Kota Tangerang Selatan"
    again = runner.invoke(app, [*args, "--unit", "BKPSDM", "--password", "rahasia-123"])
    assert again.exit_code == 1 and "Galat: Email rina@bkpsdm.id sudah terdaftar" in again.output


def test_password_is_prompted_when_omitted(runner: CliRunner, db: str) -> None:
    args = ["account", "create", "--email", "admin@x.id", "--name", "Admin", "--role", "admin"]
    result = runner.invoke(app, args, input="rahasia-123\nrahasia-123\n")
    assert result.exit_code == 0, result.output
    assert "rahasia-123" not in result.output and _emails(db) == ["admin@x.id"]


def test_drafter_without_unit_is_one_clear_line(runner: CliRunner) -> None:
    args = [
        "account",
        "create",
        "--email",
        "d@x.id",
        "--name",
        "D",
        "--role",
        "drafter",
        "--password",
        "rahasia-123",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and result.output.startswith("Galat: Perancang wajib terikat")


def test_ensure_demo_needs_the_password_setting(
    runner: CliRunner, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = runner.invoke(app, ["account", "ensure-demo"])
    assert refused.exit_code == 1 and "SIKLUS_DEMO_PASSWORD" in refused.output and _emails(db) == []
    monkeypatch.setenv("SIKLUS_DEMO_PASSWORD", "demo-rahasia-1")
    get_settings.cache_clear()
    made = runner.invoke(app, ["account", "ensure-demo"])
    assert made.exit_code == 0 and made.output.count("dibuat") == 4
    assert _emails(db) == sorted(e for e, *_ in accounts.DEMO_ACCOUNTS)
    again = runner.invoke(app, ["account", "ensure-demo"])
    assert again.output.count("sudah ada") == 4


def test_an_operator_vouches_for_a_self_registered_address(runner: CliRunner, db: str) -> None:
    from policies.core.db import unit_of_work

    with unit_of_work(db) as s:
        accounts.register_stakeholder(s, email="siti@example.id", name="Siti", password="rahasia-123")
    done = runner.invoke(app, ["account", "verify", "--email", "SITI@example.id"])
    assert done.exit_code == 0 and "Email terverifikasi: siti@example.id." in done.output
    with read_session(db) as s:
        assert s.exec(select(Account.email_verified_at)).one() is not None
    missing = runner.invoke(app, ["account", "verify", "--email", "tidak@ada.id"])
    assert missing.exit_code == 1 and "Tidak ada akun dengan email tidak@ada.id" in missing.output


def test_a_weak_demo_password_is_refused_naming_the_setting(
    runner: CliRunner, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIKLUS_DEMO_PASSWORD", "password1")
    get_settings.cache_clear()
    refused = runner.invoke(app, ["account", "ensure-demo"])
    assert refused.exit_code == 1 and "SIKLUS_DEMO_PASSWORD: Kata sandi ini termasuk" in refused.output
    assert _emails(db) == []
