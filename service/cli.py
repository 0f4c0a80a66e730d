"""The `siklus` command: the composition root that wires settings, database, web and flows."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from policies import queries
from policies.access import SYSTEM
from policies.actions.lifecycle import advance, next_steps
from policies.catalog import load_catalog
from policies.db import read_session, unit_of_work
from policies.errors import DomainError, GatesNotMet
from policies.i18n import format_datetime
from policies.migrate import upgrade
from policies.models import Stage
from policies.settings import get_settings

app = typer.Typer(help="Siklus — siklus kebijakan ASN.", no_args_is_help=True)
db_app = typer.Typer(help="Basis data.", no_args_is_help=True)
catalog_app = typer.Typer(help="Katalog jenis kebijakan.", no_args_is_help=True)
policy_app = typer.Typer(help="Kebijakan.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(catalog_app, name="catalog")
app.add_typer(policy_app, name="policy")

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


@app.command("serve")
def serve() -> None:
    """Start the web service."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "service.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
    )
