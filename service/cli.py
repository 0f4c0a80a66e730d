"""The `siklus` command: the composition root that wires settings, database, web and flows."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import sqlalchemy.exc
import typer
from sqlalchemy.engine import make_url

from policies.accounts import actions as accounts
from policies.accounts.access import SYSTEM
from policies.accounts.models import Role, StakeholderGroup
from policies.catalog import load_catalog
from policies.core.db import read_session, unit_of_work, utcnow
from policies.core.errors import DomainError, GatesNotMet
from policies.core.i18n import format_datetime
from policies.core.migrate import upgrade
from policies.core.settings import get_settings
from policies.drafting.elements import backfill_elements, versions_without_elements
from policies.lifecycle import queries, stagework
from policies.lifecycle.actions import advance, next_steps
from policies.lifecycle.models import Stage
from policies.outbox import operator as outbox
from policies.outbox.models import Channel, DeliveryState
from policies.outbox.queries import outbox_counts

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
outbox_app = typer.Typer(help="Antrean pengingat (email dan kotak masuk).", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")

F = TypeVar("F", bound=Callable[..., Any])


# SQLSTATEs of a schema older than the code (PostgreSQL): undefined table, undefined column.
MISSING_SCHEMA = frozenset({"42P01", "42703"})


def _database_shown() -> str:
    """Return the configured database URL without its password (or a hint if it cannot be read)."""
    try:
        return make_url(get_settings().database_url).render_as_string(hide_password=True)
    except Exception:  # the settings or the URL are what is broken; the line still has to go out
        return "SIKLUS_DATABASE_URL"


def database_trouble(exc: sqlalchemy.exc.DBAPIError) -> str:
    """Say in one line what is wrong with the database and what to do about it."""
    orig = getattr(exc, "orig", None)
    lines = str(orig if orig is not None else exc).strip().splitlines()
    driver = lines[0] if lines else type(exc).__name__
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in MISSING_SCHEMA or "no such table" in driver or "no such column" in driver:
        return (
            f"Galat: basis data {_database_shown()} belum dimigrasi ({driver}). "
            "Jalankan `siklus db upgrade`, lalu ulangi perintah ini."
        )
    if isinstance(exc, sqlalchemy.exc.OperationalError):
        return (
            f"Galat: basis data {_database_shown()} tidak dapat dihubungi ({driver}). Periksa "
            "SIKLUS_DATABASE_URL dan pastikan server basis data berjalan; basis data baru perlu "
            "`siklus db upgrade`."
        )
    return (
        f"Galat: basis data {_database_shown()} menolak perintah ini ({driver}). Periksa "
        "SIKLUS_DATABASE_URL dan jalankan `siklus db upgrade`."
    )


def clear_errors(func: F) -> F:
    """Turn a domain refusal or an unusable database into one clear line on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.ProgrammingError) as exc:
            typer.echo(database_trouble(exc), err=True)
            raise typer.Exit(1) from None
        except GatesNotMet as exc:
            typer.echo(f"Ditolak: {exc.from_stage} → {exc.to_stage}; syarat belum terpenuhi:", err=True)
            for failed in exc.failed:
                typer.echo(f"  - [{failed.gate}] {failed.reason}", err=True)
            raise typer.Exit(1) from None
        except DomainError as exc:
            typer.echo(f"Galat: {exc.detail}", err=True)
            raise typer.Exit(1) from None

    wrapper.clear_errors = True  # type: ignore[attr-defined]  # a test checks every command has it
    return wrapper  # type: ignore[return-value]


@db_app.command("upgrade")
@clear_errors
def db_upgrade() -> None:
    """Apply the database migrations (Alembic) up to the newest."""
    settings = get_settings()
    upgrade(settings.database_url)
    typer.echo("Basis data mutakhir.")


@db_app.command("backfill-elements")
@clear_errors
def db_backfill_elements() -> None:
    """Write the elements (ayat, huruf, …) of versions stored before they existed; idempotent."""
    url = get_settings().database_url
    with unit_of_work(url) as session:
        pending = versions_without_elements(session=session)
    written = skipped = 0
    for version_id in pending:
        # One version per transaction: a long history is not one long lock.
        with unit_of_work(url) as session:
            count = backfill_elements(session=session, version_id=version_id)
        written, skipped = written + (count > 0), skipped + (count == 0)
    typer.echo(
        f"Elemen ditulis untuk {written} versi; {skipped} versi dilewati (teksnya tidak mengikuti "
        "format Lampiran II)."
    )


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
@clear_errors
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
            typer.echo(f"  {format_datetime(e.at)}  {src} → {e.to_stage}  {e.actor_name}: {e.reason}")
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
    """Move a policy to the next stage (as the system administrator), then hand its work to Prefect."""
    from service.dispatch import dispatch_stage_work

    settings = get_settings()
    with unit_of_work(settings.database_url) as session:
        event = advance(session, actor=SYSTEM, slug=slug, to_stage=stage, reason=reason)
        work = stagework.work_of(event, slug=slug)
    typer.echo(f"{slug}: {event.from_stage} → {event.to_stage} (siklus {event.cycle}).")
    # After the commit, like the API: if Prefect does not take it now, the dispatcher will.
    run_id = dispatch_stage_work(settings=settings, work=work)
    waiting = "Pekerjaan tahap: menunggu dispatcher."
    typer.echo(f"Pekerjaan tahap: run Prefect {run_id}." if run_id else waiting)


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
    position: Annotated[str, typer.Option("--position", help="Jabatan (opsional).")] = "",
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
            position=position,
            group=group,
            nip=nip,
        )
        where = f", {account.unit}" if account.unit else ""
        typer.echo(f"Akun dibuat: {account.email} ({account.role}{where}).")


@account_app.command("verify")
@clear_errors
def account_verify(
    email: Annotated[str, typer.Option("--email", help="Alamat email akun.")],
) -> None:
    """Mark an account's email verified on the operator's word (when the emailed link cannot reach it)."""
    from policies.accounts.verification import vouch

    with unit_of_work(get_settings().database_url) as session:
        account = vouch(session, actor=SYSTEM, email=email, now=utcnow())
        typer.echo(f"Email terverifikasi: {account.email}.")


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
@clear_errors
def serve(
    runner: Annotated[
        bool,
        typer.Option(
            "--runner/--no-runner",
            help="Layani deployment Prefect di mesin ini; --no-runner bila worker pool yang menjalankannya.",
        ),
    ] = True,
) -> None:
    """Start Prefect (unless an API URL is configured), the flow runner and the web; Ctrl-C stops all."""
    import sys

    from service.dispatch import prefect_api_url
    from service.supervise import (
        PREFECT_DOWN,
        Child,
        StartFailed,
        Supervisor,
        prefect_answers,
        prefect_env,
        prefect_server_child,
        wait_healthy,
    )

    settings = get_settings()
    supervisor = Supervisor()
    supervisor.install_signals()
    # Prefect's own settings: PREFECT_API_URL from the environment or the active Prefect profile.
    api_url = (prefect_api_url() or "").rstrip("/")
    limit = settings.prefect_start_timeout
    try:
        if not api_url:
            server = supervisor.start(prefect_server_child(settings))
            api_url = f"http://127.0.0.1:{settings.prefect_port}/api"
            typer.echo(f"siklus serve: menunggu Prefect di {api_url}")
            wait_healthy(api_url, limit=limit, child=server)
        elif not prefect_answers(api_url):
            # An external Prefect is not ours to wait for: the web serves without it, stage work
            # waits in the outbox, and the dispatcher starts it once Prefect answers again.
            typer.echo(
                f"siklus serve: Prefect di {api_url} belum menjawab; web tetap dimulai ({PREFECT_DOWN})"
            )
        typer.echo(f"Prefect: {api_url.removesuffix('/api')}")
        env = prefect_env(settings, api_url=api_url)
        if runner:
            supervisor.start(Child("flow-runner", [sys.executable, "-m", "flows.runner"], env))
        web = [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory"]
        web += ["--host", settings.host, "--port", str(settings.port), "--workers", str(settings.workers)]
        supervisor.start(Child("web", web, env))
        typer.echo(f"Siklus: http://{settings.host}:{settings.port}")
    except KeyboardInterrupt:
        supervisor.stop_all()
        typer.echo("siklus serve: dihentikan.")
        raise typer.Exit(130) from None
    except (StartFailed, OSError) as exc:
        # One line, no traceback: what failed and what to do is all an operator needs here.
        supervisor.stop_all()
        typer.echo(f"Galat: siklus serve tidak dapat dimulai: {exc}", err=True)
        raise typer.Exit(1) from None
    except BaseException:
        supervisor.stop_all()
        raise
    supervisor.watch()


@flows_app.command("run-due")
@clear_errors
def flows_run_due() -> None:
    """Run the scheduled sweeps once, without a Prefect server (cron-minded operators, tests)."""
    from flows.sweeps import run_due_once

    report = run_due_once(settings=get_settings())
    for line in report.all_lines():
        typer.echo(line)
    if not report.ok:  # the other steps' work is committed; cron sees the failure
        raise typer.Exit(1)


@flows_app.command("deploy")
@clear_errors
def flows_deploy(
    pool: Annotated[str, typer.Option("--pool", help="Nama work pool bertipe process.")] = "siklus",
    limit: Annotated[
        int,
        typer.Option("--limit", min=0, help="Run serentak paling banyak di seluruh pool (0: tanpa batas)."),
    ] = 8,  # flows.deploy.DEFAULT_POOL_LIMIT (imported lazily: Prefect loads slowly)
) -> None:
    """Register every deployment on a bounded process work pool, with the recovery automations."""
    from flows.deploy import deploy

    settings = get_settings()
    report = deploy(settings, pool=pool, limit=limit or None)
    if report.pool_created:
        typer.echo(f"Work pool '{pool}' (process) dibuat.")
    for name in report.deployments:
        typer.echo(f"  {name} → pool {pool}")
    for name, done in report.automations.items():
        typer.echo(f"  otomasi '{name}': {'dibuat' if done == 'created' else 'diperbarui'}")
    typer.echo(
        f"{len(report.deployments)} deployment terdaftar; jadwal dalam zona {settings.timezone}; "
        f"batas pool: {limit or 'tanpa batas'} run serentak. Jalankan `prefect worker start --pool {pool} "
        "--limit 4` di mesin worker, dan `siklus serve --no-runner` di mesin web."
    )


@app.command("worker")
@clear_errors
def worker(
    pool: Annotated[str, typer.Option("--pool", help="Work pool bertipe process.")] = "siklus",
    limit: Annotated[int, typer.Option("--limit", min=1, help="Run bersamaan paling banyak.")] = 4,
    name: Annotated[str | None, typer.Option("--name", help="Nama worker di Prefect.")] = None,
    drain: Annotated[
        float, typer.Option("--drain-seconds", min=0, help="Saat berhenti: tunggu run berjalan selama ini.")
    ] = 60,
    in_process: Annotated[
        bool,
        typer.Option(
            "--in-process/--process-per-run",
            help="Jalankan tiap run di thread satu proses (hemat CPU) atau proses baru per run.",
        ),
    ] = False,
) -> None:
    """Run a worker supervised: restarted when it dies, stopped cleanly on SIGTERM/Ctrl-C."""
    from service.worker import run_worker

    code = run_worker(
        get_settings(), pool=pool, limit=limit, name=name, drain_seconds=drain, in_process=in_process
    )
    raise typer.Exit(code)


@outbox_app.command("list")
@clear_errors
def outbox_list(
    state: Annotated[DeliveryState | None, typer.Option("--state", help="Saring menurut status.")] = None,
    channel: Annotated[Channel | None, typer.Option("--channel", help="Saring menurut kanal.")] = None,
    template: Annotated[str | None, typer.Option("--template", help="Saring menurut templat.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=outbox.MAX_PAGE)] = 50,
) -> None:
    """List the reminder outbox, newest first: what waits for SMTP, what went out, what failed."""
    filters = outbox.OutboxFilter(state=state, channel=channel, template=template)
    with read_session(get_settings().database_url) as session:
        page = outbox.outbox_page(session, actor=SYSTEM, filters=filters, limit=limit)
        counts = outbox_counts(session)
        for r in page.items:
            who = r.recipient_email or f"akun {r.recipient_account_id}"
            error = f"  galat: {r.last_error[:80]}" if r.last_error else ""
            typer.echo(
                f"{r.id:>6} {r.state:9} {r.channel:5} {r.template:26} {who:32} "
                f"jatuh tempo {format_datetime(r.due_at)}  percobaan {r.attempts}{error}"
            )
    if page.next_cursor:
        typer.echo(f"… lebih banyak lagi; naikkan --limit (maks. {outbox.MAX_PAGE}) atau saring.")
    summary = ", ".join(f"{c}/{s}: {n}" for (c, s), n in sorted(counts.items())) or "kosong"
    typer.echo(f"Jumlah: {summary}")
