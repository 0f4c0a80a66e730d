"""The `siklus` command: the composition root that wires settings, database, web and flows."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from policies import accounts, queries
from policies.access import SYSTEM
from policies.actions.lifecycle import advance, next_steps
from policies.catalog import load_catalog
from policies.db import read_session, unit_of_work
from policies.errors import DomainError, GatesNotMet
from policies.i18n import format_datetime
from policies.migrate import upgrade
from policies.models import Role, Stage, StakeholderGroup
from policies.settings import get_settings

app = typer.Typer(help="Siklus — siklus kebijakan ASN.", no_args_is_help=True)
db_app = typer.Typer(help="Basis data.", no_args_is_help=True)
catalog_app = typer.Typer(help="Katalog jenis kebijakan.", no_args_is_help=True)
policy_app = typer.Typer(help="Kebijakan.", no_args_is_help=True)
flows_app = typer.Typer(help="Alur kerja terjadwal (Prefect).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(catalog_app, name="catalog")
app.add_typer(policy_app, name="policy")
account_app = typer.Typer(help="Akun pengguna.", no_args_is_help=True)
app.add_typer(account_app, name="account")
app.add_typer(flows_app, name="flows")

F = TypeVar("F", bound=Callable[..., Any])


def clear_errors(func: F) -> F:
    """Turn a domain refusal into one clear line on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GatesNotMet as exc:
            typer.echo(
                f"Ditolak: {exc.from_stage} → {exc.to_stage}; syarat belum terpenuhi:", err=True
            )
            for failed in exc.failed:
                typer.echo(f"  - [{failed.gate}] {failed.reason}", err=True)
            raise typer.Exit(1) from None
        except DomainError as exc:
            typer.echo(f"Galat: {exc.detail}", err=True)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations (Alembic) up to the newest."""
    settings = get_settings()
    upgrade(settings.database_url)
    typer.echo("Basis data mutakhir.")


@catalog_app.command("load")
@clear_errors
def catalog_load() -> None:
    """Load the catalogue of policy kinds and their examples (idempotent)."""
    with unit_of_work(get_settings().database_url) as session:
        report = load_catalog(session)
    typer.echo(
        f"Katalog: {len(report.kinds_created)} jenis baru, {len(report.kinds_updated)} diperbarui, "
        f"{len(report.kinds_unchanged)} tetap; {len(report.policies_created)} kebijakan contoh baru."
    )


@policy_app.command("list")
def policy_list() -> None:
    """List the policies with their stage and cycle."""
    with read_session(get_settings().database_url) as session:
        for p in queries.list_policies(session):
            typer.echo(f"{p.slug:55} {p.stage:14} siklus {p.cycle}  {p.unit}")


@policy_app.command("show")
@clear_errors
def policy_show(slug: str) -> None:
    """Show a policy's stage, history and the gates of each next stage."""
    with read_session(get_settings().database_url) as session:
        p = queries.get_policy(session, slug=slug)
        typer.echo(f"{p.title}\n  slug: {p.slug}\n  tahap: {p.stage} (siklus {p.cycle})")
        typer.echo("Riwayat:")
        for e in queries.stage_history(session, policy_id=p.id):  # type: ignore[arg-type]
            src = e.from_stage or "—"
            typer.echo(
                f"  {format_datetime(e.at)}  {src} → {e.to_stage}  {e.actor_name}: {e.reason}"
            )
        typer.echo("Tahap berikutnya:")
        for step in next_steps(session, policy=p):
            typer.echo(f"  {step.stage} — {'siap' if step.ready else 'belum siap'}")
            for g in step.gates:
                typer.echo(f"    [{'x' if g.passed else ' '}] {g.gate}: {g.reason}")


@policy_app.command("advance")
@clear_errors
def policy_advance(
    slug: str,
    stage: Annotated[Stage, typer.Argument(help="Tahap tujuan.")],
    reason: Annotated[str, typer.Option("--reason", help="Alasan perpindahan.")] = "",
) -> None:
    """Move a policy to the next stage (as the system administrator)."""
    with unit_of_work(get_settings().database_url) as session:
        event = advance(session, actor=SYSTEM, slug=slug, to_stage=stage, reason=reason)
    typer.echo(f"{slug}: {event.from_stage} → {event.to_stage} (siklus {event.cycle}).")


@account_app.command("create")
@clear_errors
def account_create(
    email: Annotated[str, typer.Option("--email", help="Alamat email (nama masuk).")],
    name: Annotated[str, typer.Option("--name", help="Nama lengkap.")],
    role: Annotated[Role, typer.Option("--role", help="Peran akun.")],
    password: Annotated[
        str,
        typer.Option(
            "--password",
            prompt="Kata sandi",
            hide_input=True,
            confirmation_prompt=True,
            help="Kata sandi (ditanyakan bila tidak diberikan).",
        ),
    ],
    unit: Annotated[str, typer.Option("--unit", help="Unit kerja; wajib untuk perancang.")] = "",
    group: Annotated[
        StakeholderGroup, typer.Option("--group", help="Kelompok pemangku kepentingan.")
    ] = StakeholderGroup.PUBLIC,
    nip: Annotated[str, typer.Option("--nip", help="NIP 18 digit (ASN).")] = "",
) -> None:
    """Create an account of any role, e.g. the first admin or a drafter of a unit."""
    with unit_of_work(get_settings().database_url) as session:
        account = accounts.create_account(
            session,
            actor=SYSTEM,
            email=email,
            name=name,
            password=password,
            role=role,
            unit=unit,
            group=group,
            nip=nip,
        )
        where = f", {account.unit}" if account.unit else ""
        typer.echo(f"Akun dibuat: {account.email} ({account.role}{where}).")


@account_app.command("ensure-demo")
@clear_errors
def account_ensure_demo() -> None:
    """Create the demo admin, drafter, moderator and stakeholder if absent (SIKLUS_DEMO_PASSWORD)."""
    settings = get_settings()
    with unit_of_work(settings.database_url) as session:
        report = accounts.ensure_demo_accounts(session, password=settings.demo_password.get_secret_value())
    for email, role, created in report:
        typer.echo(f"{email:28} {role:12} {'dibuat' if created else 'sudah ada'}")


@app.command("serve")
def serve() -> None:
    """Start Prefect (unless PREFECT_API_URL is set), the flow runner and the web; Ctrl-C stops all."""
    import os
    import sys

    from service.supervise import Child, Supervisor, prefect_env, prefect_server_child, wait_healthy

    settings = get_settings()
    supervisor = Supervisor()
    supervisor.install_signals()
    api_url = os.environ.get("PREFECT_API_URL", "").rstrip("/")
    try:
        if not api_url:
            server = supervisor.start(prefect_server_child(settings))
            api_url = f"http://127.0.0.1:{settings.prefect_port}/api"
            wait_healthy(api_url, child=server)
        else:
            wait_healthy(api_url)
        typer.echo(f"Prefect: {api_url.removesuffix('/api')}")
        env = prefect_env(settings, api_url=api_url)
        supervisor.start(Child("flow-runner", [sys.executable, "-m", "flows.runner"], env))
        web = [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory"]
        web += ["--host", settings.host, "--port", str(settings.port), "--workers", str(settings.workers)]
        supervisor.start(Child("web", web, env))
        typer.echo(f"Siklus: http://{settings.host}:{settings.port}")
    except BaseException:
        supervisor.stop_all()
        raise
    supervisor.watch()


@flows_app.command("run-due")
def flows_run_due() -> None:
    """Run the scheduled sweeps once, without a Prefect server (cron-minded operators, tests)."""
    from flows.sweeps import run_due_once

    report, delivery = run_due_once(settings=get_settings())
    for line in [*report.lines(), delivery.line()]:
        typer.echo(line)
