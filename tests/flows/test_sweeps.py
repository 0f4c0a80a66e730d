"""The run-due flow: each sweep its own task and transaction; a failing one fails the run, not the rest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from sqlmodel import select

from flows.sweeps import run_due
from policies.consultation.models import ConsultationWindow
from policies.core.db import unit_of_work, utcnow
from policies.core.settings import Settings
from policies.lifecycle.models import Stage
from policies.outbox.models import Channel, DeliveryState, Reminder
from policies.outbox.notify import Recipient, notify
from tests import faults
from tests import lifecycle_walk as walk
from tests.flows.conftest import run_async

pytestmark = [pytest.mark.flows, pytest.mark.usefixtures("prefect_harness")]


async def _pass(now: Any) -> tuple[Any, Any]:
    state = await run_due(now=now, return_state=True)
    async with get_client() as client:
        run = await client.read_flow_run(state.state_details.flow_run_id)
        artifacts = await client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["siklus-run-due"]))
        )
    (artifact,) = [a for a in artifacts if a.flow_run_id == run.id]
    return run, artifact


def test_a_failing_policy_fails_its_step_and_the_run_while_every_other_step_runs(
    db: str, catalog: None, flow_settings: Settings
) -> None:
    people = walk.add_people(db)
    c = walk.Clock(start=utcnow() - timedelta(days=30))
    walk.advance(db, Stage.WORKSHOP, actor=walk.drafter(people), now=c.start)
    walk.prepare_consultation(db, actor=walk.drafter(people), c=c)
    other = faults.due_window(db, closes_at=utcnow() - timedelta(days=1))
    with unit_of_work(db) as s:  # an inbox message due, for the last sweep to deliver
        notify(
            s,
            key="k",
            template="notice",
            recipients=[Recipient.of(people["asn"])],
            due_at=utcnow() - timedelta(minutes=1),
            channels=[Channel.INBOX],
        )
    now = utcnow()
    with faults.reminders_refused(db, policy_id=faults.policy_id_of(db, walk.SLUG)):
        run, artifact = run_async(_pass(now))

    assert run.state.is_failed() and run.state.message == "Langkah gagal: close-consultations"
    # Every later step (its own task) ran and says what it did; the failed one names the policy and why.
    summary, failures = artifact.data.split("## Gagal")
    later = (
        "Pengingat tenggat jawaban baru: 0",
        "Putaran survei dibuka: 0",
        "Pengingat rencana tindak lanjut baru: 0",
    )
    for line in (*later, "Pesan kotak masuk terkirim: ", "Email"):
        assert f"- {line}" in summary, summary
    assert "Konsultasi ditutup" not in summary
    assert "**close-consultations**" in failures and f"gagal: {walk.SLUG}: " in failures
    assert faults.REFUSAL in failures and "INSERT INTO" not in failures
    with unit_of_work(db) as s:
        closed = {w.id: w.closed_at is not None for w in s.exec(select(ConsultationWindow))}
        inbox = s.exec(select(Reminder).where(Reminder.dedupe_key.startswith("k:"))).one()  # type: ignore[attr-defined]
    assert closed[other] and list(closed.values()).count(False) == 1
    assert inbox.state == DeliveryState.SENT

    again, artifact = run_async(_pass(utcnow()))  # the fault is gone: a clean pass
    assert again.state.is_completed()
    assert f"Konsultasi ditutup: {walk.SLUG}" in artifact.data and "Gagal" not in artifact.data
