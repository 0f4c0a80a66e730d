"""The scheduled sweeps as plain functions (the CLI runs them without a Prefect server) and as a flow."""

from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact

from flows.common import TASK_RETRIES, TASK_RETRY_DELAY_SECONDS, settings
from flows.delivery import DeliveryReport, deliver_due_emails
from policies.db import unit_of_work, utcnow
from policies.settings import Settings
from policies.sweeps import SweepReport, run_sweeps

SWEEP_FLOW = "run-due"


def sweep_once(*, settings: Settings, now: datetime | None = None) -> SweepReport:
    """Close, escalate, open and close rounds, queue reminders: one transaction."""
    with unit_of_work(settings.database_url) as session:
        return run_sweeps(session, now=now or utcnow(), escalation_days=settings.escalation_days)


def run_due_once(*, settings: Settings, now: datetime | None = None) -> tuple[SweepReport, DeliveryReport]:
    """Run every sweep, then deliver what is due (after the sweep committed its reminders)."""
    report = sweep_once(settings=settings, now=now)
    return report, deliver_due_emails(settings=settings, now=now)


@task(name="run-sweeps", retries=TASK_RETRIES, retry_delay_seconds=TASK_RETRY_DELAY_SECONDS)
def run_sweeps_task(now: datetime | None = None) -> list[str]:
    """Run the domain sweeps once."""
    lines = sweep_once(settings=settings(), now=now).lines()
    for line in lines:
        get_run_logger().info(line)
    return lines


@task(name="deliver-email-reminders", retries=TASK_RETRIES, retry_delay_seconds=TASK_RETRY_DELAY_SECONDS)
def deliver_task(now: datetime | None = None) -> str:
    """Deliver due email reminders over SMTP."""
    line = deliver_due_emails(settings=settings(), now=now).line()
    get_run_logger().info(line)
    return line


@flow(name=SWEEP_FLOW)
async def run_due(now: datetime | None = None) -> list[str]:
    """Close due consultations, escalate, open and close survey rounds, send due reminders."""
    lines = run_sweeps_task(now)
    lines.append(deliver_task(now))
    await acreate_markdown_artifact(
        key="siklus-run-due",
        markdown="# Sapuan terjadwal\n\n" + "\n".join(f"- {line}" for line in lines),
        description="Hasil sapuan terjadwal terakhir",
    )
    return lines
