"""`SIKLUS_<NAME>_FILE`: a secret read from a file, so it need not be in the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from policies.core.settings import Settings


def test_each_secret_is_read_from_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "database_url": "postgresql+psycopg://siklus:rahasia@db/siklus",
        "secret_key": "kunci-dari-berkas",
        "smtp_password": "sandi-smtp",
    }.items():
        (tmp_path / name).write_text(value + "\n")  # as an editor saves it: the newline is not part of it
        monkeypatch.delenv(f"SIKLUS_{name.upper()}", raising=False)
        monkeypatch.setenv(f"SIKLUS_{name.upper()}_FILE", str(tmp_path / name))
    settings = Settings()
    assert settings.database_url == "postgresql+psycopg://siklus:rahasia@db/siklus"
    assert settings.secret_key.get_secret_value() == "kunci-dari-berkas"
    assert settings.smtp_password.get_secret_value() == "sandi-smtp"


def test_a_value_and_a_file_together_are_refused_without_printing_the_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "key").write_text("dari-berkas")
    monkeypatch.setenv("SIKLUS_SECRET_KEY", "nilai-rahasia-di-lingkungan")
    monkeypatch.setenv("SIKLUS_SECRET_KEY_FILE", str(tmp_path / "key"))
    with pytest.raises(ValidationError) as refused:
        Settings()
    said = str(refused.value)
    assert "set SIKLUS_SECRET_KEY or SIKLUS_SECRET_KEY_FILE, not both" in said
    assert "nilai-rahasia-di-lingkungan" not in said and "dari-berkas" not in said


def test_a_database_url_from_a_file_is_still_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "url").write_text("mysql://siklus@db/siklus")
    monkeypatch.delenv("SIKLUS_DATABASE_URL", raising=False)
    monkeypatch.setenv("SIKLUS_DATABASE_URL_FILE", str(tmp_path / "url"))
    with pytest.raises(ValidationError, match="database_url"):
        Settings()
