"""The scheduled sweeps as plain functions (the CLI runs them without a Prefect server) and as a flow.

Every sweep step is its own transaction (and, in the flow, its own task): one that fails stops none
of the others, and the pass as a whole reports failure so nobody mistakes it for a clean run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact
from prefect.states import Completed, Failed, State

from flows.common import TASK_OPTIONS, settings
from flows.delivery import deliver_due_emails
from policies.core.db import unit_of_work, utcnow
from policies.core.settings import Settings
from policies.lifecycle.sweeps import SWEEP_STEPS, StepResult, SweepStep

SWEEP_FLOW = "run-due"
DELIVER_STEP = "deliver-email-reminders"
STEPS_BY_NAME: dict[str, SweepStep] = {step.name: step for step in SWEEP_STEPS}


class SweepStepFailed(RuntimeError):
    """A sweep step committed what it could but some policies failed (the step is reported failed)."""


@dataclass
class PassReport:
    """What one pass did: a line per step that ran, and what failed (step name → error)."""

    lines: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Tell whether every step succeeded."""
        return not self.failed

    def all_lines(self) -> list[str]:
        """Describe the pass in Indonesian, failures last."""
        return self.lines + [f"GAGAL {name}: {error}" for name, error in self.failed.items()]

    def markdown(self) -> str:
        """Render the pass for the run's artifact."""
        text = "# Sapuan terjadwal\n\n" + "\n".join(f"- {line}" for line in self.lines)
        if self.failed:
            text += "\n\n## Gagal\n\n" + "\n".join(f"- **{n}**: {e}" for n, e in self.failed.items())
        return text + "\n"


def run_step(step: SweepStep, *, settings: Settings, now: datetime) -> str:
    """Run one sweep step in its own transaction; raise after committing if some policies failed."""
    with unit_of_work(settings.database_url) as session:
        result: StepResult = step.run(session, now)
    if result.failures:
        raise SweepStepFailed(f"{result.line}; gagal: " + "; ".join(result.failures))
    return result.line


def run_due_once(*, settings: Settings, now: datetime | None = None) -> PassReport:
    """Run every sweep, each in its own transaction, then deliver what is due (without Prefect)."""
    now = now or utcnow()
    report = PassReport()
    for step in SWEEP_STEPS:
        try:
            report.lines.append(run_step(step, settings=settings, now=now))
        except Exception as exc:  # one broken step must not stop the others
            report.failed[step.name] = _error(exc)
    try:
        report.lines.append(deliver_due_emails(settings=settings, now=now).line())
    except Exception as exc:
        report.failed[DELIVER_STEP] = _error(exc)
    return report


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


@task(
    name="sweep-step",
    **TASK_OPTIONS,
)
def sweep_step_task(name: str, now: datetime) -> str:
    """Run one named sweep step."""
    line = run_step(STEPS_BY_NAME[name], settings=settings(), now=now)
    get_run_logger().info(line)
    return line


@task(
    name=DELIVER_STEP,
    **TASK_OPTIONS,
)
def deliver_task(now: datetime) -> str:
    """Deliver due email reminders over SMTP."""
    line = deliver_due_emails(settings=settings(), now=now).line()
    get_run_logger().info(line)
    return line


async def _outcome(state: State[Any], name: str, report: PassReport) -> None:
    if state.is_completed():
        report.lines.append(str(await state.aresult()))
        return
    try:
        await state.aresult()
    except BaseException as exc:
        report.failed[name] = _error(exc)
    else:
        report.failed[name] = state.message or str(state.type.value)


@flow(name=SWEEP_FLOW)
async def run_due(now: datetime | None = None) -> State[Any]:
    """Close due consultations, escalate, open and close survey rounds, send due reminders."""
    now = now or utcnow()
    report = PassReport()
    for step in SWEEP_STEPS:
        state = sweep_step_task.with_options(name=step.name)(step.name, now, return_state=True)
        await _outcome(state, step.name, report)
    await _outcome(deliver_task(now, return_state=True), DELIVER_STEP, report)
    await acreate_markdown_artifact(
        key="siklus-run-due", markdown=report.markdown(), description="Hasil sapuan terjadwal terakhir"
    )
    if not report.ok:
        # Failed, so Prefect's UI shows it; the other steps' work is committed all the same.
        return Failed(message="Langkah gagal: " + ", ".join(report.failed), data=report.all_lines())
    return Completed(data=report.all_lines())
