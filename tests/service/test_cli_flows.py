"""`siklus flows run-due` without a Prefect server, and the supervisor `siklus serve` uses."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from policies.db import unit_of_work, utcnow
from policies.models import ConsultationWindow
from policies.settings import get_settings
from service.cli import app
from service.supervise import Child, Supervisor


@pytest.fixture
def runner(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("SIKLUS_DATABASE_URL", db)
    monkeypatch.setenv("SIKLUS_SMTP_HOST", "")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_run_due_closes_a_due_consultation_without_prefect(runner: CliRunner, db: str, catalog: None) -> None:
    from policies.models import Stage
    from tests import lifecycle_walk as walk

    people = walk.add_people(db)
    c = walk.Clock(start=utcnow() - timedelta(days=30))
    actor = walk.drafter(people)
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    walk.prepare_consultation(db, actor=actor, c=c)
    result = runner.invoke(app, ["flows", "run-due"])
    assert result.exit_code == 0, result.output
    assert f"Konsultasi ditutup: {walk.SLUG}" in result.output
    assert "menunggu SMTP dikonfigurasi: 1" in result.output  # the drafter's email waits for SMTP
    with unit_of_work(db) as s:
        assert s.exec(select(ConsultationWindow)).one().closed_at is not None
    again = runner.invoke(app, ["flows", "run-due"])
    assert "Konsultasi ditutup: tidak ada" in again.output


def test_supervisor_restarts_a_dead_child_and_stops_all() -> None:
    supervisor = Supervisor()
    sleeper = supervisor.start(Child("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], {}))
    quitter = supervisor.start(Child("quitter", [sys.executable, "-c", "pass"], {}))
    quitter.started_at -= 10  # as if it had run long enough to deserve a restart at once
    quitter.process.wait()

    import threading

    def stop_soon() -> None:
        deadline = time.monotonic() + 10
        while quitter.restarts == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        supervisor.stopping = True

    threading.Thread(target=stop_soon).start()
    supervisor.watch(poll_seconds=0.05)
    assert quitter.restarts >= 1
    assert not sleeper.alive() and sleeper.process.returncode != 0
