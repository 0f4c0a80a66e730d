"""Settings of every Siklus process, read from `SIKLUS_*` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DATA_DIR = Path(".siklus")
# Settings that may instead be read from a file named by `SIKLUS_<NAME>_FILE`: a process worker
# copies its whole environment into the files Prefect writes for each run (docs/deployment.md),
# so on worker hosts the secrets stay in files only the service user reads, and only their paths
# travel in the environment.
FILE_SETTINGS = ("database_url", "secret_key", "smtp_password")


class Settings(BaseSettings):
    """Configuration; build one per process with `get_settings()`, tests build their own."""

    # A refusal must not print the values it refused: they may be the secrets themselves.
    model_config = SettingsConfigDict(
        env_prefix="SIKLUS_", env_file=".env", extra="ignore", hide_input_in_errors=True
    )

    # Only these two: the SQL is written for both (bulk inserts use their ON CONFLICT) and tested on both.
    database_url: str = Field(
        default=f"sqlite:///{DATA_DIR / 'siklus.db'}",
        pattern=r"^(sqlite|postgresql)(\+\w+)?://",
        description="SQLAlchemy URL of SQLite or PostgreSQL; PostgreSQL as postgresql+psycopg://user@host/db.",
    )
    db_pool_size: int = Field(
        default=40,
        ge=1,
        description="PostgreSQL connections each process keeps (one per request thread: Starlette runs "
        "40); with several workers keep workers x (this + 10) under the server's max_connections.",
    )
    data_dir: Path = Field(default=DATA_DIR, description="Where embedded state lives.")
    secret_key: SecretStr = Field(
        default=SecretStr(""),
        description="Signs CSRF tokens and language cookies; generated into data_dir if empty.",
    )
    host: str = Field(default="127.0.0.1", description="Address the web service binds.")
    port: int = Field(default=8000, description="Port the web service binds.")
    workers: int = Field(default=1, description="Uvicorn worker processes.")
    base_url: str = Field(default="http://127.0.0.1:8000", description="Public URL in emails.")
    timezone: str = Field(default="Asia/Jakarta", description="Time zone for schedules and dates.")
    default_locale: str = Field(default="id", description="UI language when none is chosen.")
    # Prefect
    prefect_port: int = Field(default=4200, description="Port of the embedded Prefect server.")
    prefect_start_timeout: float = Field(
        default=120,
        gt=0,
        description="Seconds `siklus serve` waits for its embedded Prefect server while it does not work "
        "(use CPU); an external one (PREFECT_API_URL) is not waited for: the web starts without it.",
    )
    prefect_enabled: bool = Field(default=True, description="Dispatch stage work to Prefect.")
    prefect_ui_url: str = Field(
        default="",
        description="Prefect UI for run links; empty: the Prefect API URL without `/api`.",
    )
    sweep_cron: str = Field(
        default="*/15 * * * *",
        description="Cron (in `timezone`) of the sweeps: close, escalate, open rounds, send reminders.",
    )
    dispatch_cron: str = Field(
        default="*/5 * * * *",
        description="Cron (in `timezone`) of the dispatcher of stage work that did not start at once.",
    )
    dispatch_interval_seconds: int = Field(
        default=0,
        ge=0,
        description="When above 0, the dispatcher runs every this many seconds instead of on "
        "`dispatch_cron` (whose finest step is a minute): for tests and small sites.",
    )
    # Recovery of stage work (docs/recovery.md)
    stage_work_max_attempts: int = Field(
        default=4,
        ge=1,
        description="Runs of one stage's work before it is recorded failed and its drafters and the "
        "admins are told (the first run and the automatic retries).",
    )
    stage_work_retry_backoff_seconds: float = Field(
        default=60,
        ge=0,
        description="Wait after a run crashed or failed before its first retry; doubled for each next.",
    )
    stage_work_pending_limit_seconds: float = Field(
        default=0,
        ge=0,
        description="Override of every stage's bound on a run claimed by a worker and not started "
        "(Pending); 0 keeps each stage's own (`policies/lifecycle/spec.py`).",
    )
    stage_work_running_limit_seconds: float = Field(
        default=0,
        ge=0,
        description="Override of every stage's bound on a Running run; 0 keeps each stage's own.",
    )
    flow_heartbeat_seconds: int = Field(
        default=60,
        ge=30,
        description="Seconds between a deployed stage run's heartbeats (Prefect's minimum is 30).",
    )
    zombie_after_seconds: int = Field(
        default=180,
        ge=10,
        description="A run with no heartbeat for this long is marked Crashed by the automation "
        "`siklus flows deploy` creates.",
    )
    # Passwords: argon2id's cost. The defaults are argon2-cffi's (RFC 9106's second recommendation:
    # 64 MiB, 3 passes, 4 lanes); lowering them weakens every hash stored meanwhile, so only the test
    # suite does (tests/conftest.py), where no real password is ever stored.
    password_hash_memory_kib: int = Field(
        default=65_536, ge=32, description="Memory in KiB each argon2id password hash takes."
    )
    password_hash_passes: int = Field(default=3, ge=1, description="Passes of argon2id over that memory.")
    # Comments
    comment_max_length: int = Field(default=10_000, description="Longest comment body accepted.")
    comments_per_minute: int = Field(default=10, description="Comments per account per minute.")
    max_body_bytes: int = Field(default=1_000_000, description="Largest request body accepted.")
    # Documents
    document_font: str = Field(
        default="Bookman Old Style",
        min_length=1,
        max_length=100,
        description="Font of the .docx a version, an amending instrument or a consultation report is "
        "written in (Lampiran II UU 12/2011 prints regulations in Bookman Old Style).",
    )
    campaign_threshold: float = Field(
        default=0.8, description="Jaccard similarity at which comments join a campaign group."
    )
    token_ttl_hours: int = Field(default=24 * 14, description="Lifetime of a login token.")
    login_attempts_per_account: int = Field(
        default=5, ge=1, description="Wrong passwords for one email before its sign-ins wait."
    )
    login_attempts_per_address: int = Field(
        default=20, ge=1, description="Wrong passwords from one client address before its sign-ins wait."
    )
    registrations_per_address: int = Field(
        default=10, ge=1, description="Sign-ups from one client address within an hour before they wait."
    )
    demo_password: SecretStr = Field(
        default=SecretStr(""),
        description="Password of the demo accounts `siklus account ensure-demo` creates; empty refuses.",
    )
    # Email
    smtp_host: str = Field(default="", description="SMTP server; empty keeps email in the outbox.")
    smtp_port: int = Field(default=587, description="SMTP port.")
    smtp_tls: bool = Field(default=True, description="Use STARTTLS (ignored when `smtp_ssl`).")
    smtp_ssl: bool = Field(default=False, description="Implicit TLS from the first byte (port 465).")
    smtp_username: str = Field(default="", description="SMTP user, if the server needs one.")
    smtp_password: SecretStr = Field(default=SecretStr(""), description="SMTP password.")
    smtp_sender: str = Field(default="siklus@localhost", description="From address of emails.")
    reminder_max_attempts: int = Field(default=5, description="Delivery attempts per reminder.")

    database_url_file: Path | None = Field(
        default=None, description="File holding `database_url` (instead of the variable)."
    )
    secret_key_file: Path | None = Field(
        default=None, description="File holding `secret_key` (instead of the variable)."
    )
    smtp_password_file: Path | None = Field(
        default=None, description="File holding `smtp_password` (instead of the variable)."
    )

    @model_validator(mode="before")
    @classmethod
    def _read_files(cls, data: Any) -> Any:
        """Read each `<name>_file` setting into its value; both given is a mistake worth naming."""
        if not isinstance(data, dict):
            return data
        for name in FILE_SETTINGS:
            path = data.get(f"{name}_file")
            if not path:
                continue
            if data.get(name):
                raise ValueError(f"set SIKLUS_{name.upper()} or SIKLUS_{name.upper()}_FILE, not both")
            data = {**data, name: Path(path).read_text(encoding="utf-8").strip()}
        return data

    @property
    def is_sqlite(self) -> bool:
        """Tell whether the database is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return Settings()
