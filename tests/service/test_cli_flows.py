"""`siklus flows run-due`, `siklus outbox list` and `siklus policy advance` without a Prefect server,
and the supervisor `siklus serve` uses (process groups, Ctrl-C while starting, Prefect profiles)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import select
from typer.testing import CliRunner

from policies.consultation.models import ConsultationWindow
from policies.core.db import unit_of_work, utcnow
from policies.core.settings import get_settings
from policies.lifecycle.models import Stage, WorkState
from policies.outbox.notify import Recipient, notify
from service.cli import app
from service.supervise import Child, Supervisor, wait_healthy
from tests import faults, http
from tests import lifecycle_walk as walk

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def runner(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("SIKLUS_DATABASE_URL", db)
    monkeypatch.setenv("SIKLUS_SMTP_HOST", "")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def _into_consultation(db: str, *, started_days_ago: int = 30) -> None:
    people = walk.add_people(db)
    c = walk.Clock(start=utcnow() - timedelta(days=started_days_ago))
    actor = walk.drafter(people)
    walk.advance(db, Stage.WORKSHOP, actor=actor, now=c.start)
    walk.prepare_consultation(db, actor=actor, c=c)


def test_run_due_closes_a_due_consultation_without_prefect(runner: CliRunner, db: str, catalog: None) -> None:
    _into_consultation(db)
    result = runner.invoke(app, ["flows", "run-due"])
    assert result.exit_code == 0, result.output
    assert f"Konsultasi ditutup: {walk.SLUG}" in result.output
    # The drafter's email waits for SMTP, and so do the 3 workshop invitations queued with the advance.
    assert "menunggu SMTP dikonfigurasi: 4" in result.output
    with unit_of_work(db) as s:
        assert s.exec(select(ConsultationWindow)).one().closed_at is not None
    again = runner.invoke(app, ["flows", "run-due"])
    assert "Konsultasi ditutup: tidak ada" in again.output


def test_run_due_goes_on_past_a_failing_policy_and_exits_1(runner: CliRunner, db: str, catalog: None) -> None:
    _into_consultation(db)
    other = faults.due_window(db, closes_at=utcnow() - timedelta(days=1))
    with faults.reminders_refused(db, policy_id=faults.policy_id_of(db, walk.SLUG)):
        result = runner.invoke(app, ["flows", "run-due"])
    assert result.exit_code == 1, result.output
    # The other policy's window closed, every later step ran, and the failure is named.
    lines = result.output.splitlines()
    failed = [line for line in lines if line.startswith("GAGAL")]
    assert len(failed) == 1 and failed[0].startswith(
        f"GAGAL close-consultations: SweepStepFailed: Konsultasi ditutup: {faults.OTHER_SLUG}; "
        f"gagal: {walk.SLUG}: "
    )
    assert faults.REFUSAL in failed[0]
    for start in (
        "Pengingat tenggat jawaban baru: 0",
        "Putaran survei dibuka: 0",
        "Pesan kotak masuk terkirim:",
        "Email",
    ):
        assert any(line.startswith(start) for line in lines), start
    with unit_of_work(db) as s:
        windows = {w.id: w.closed_at for w in s.exec(select(ConsultationWindow))}
    assert windows[other] is not None and sum(v is None for v in windows.values()) == 1
    # Once the fault is gone, the next pass closes the window left open.
    again = runner.invoke(app, ["flows", "run-due"])
    assert again.exit_code == 0 and f"Konsultasi ditutup: {walk.SLUG}" in again.output


def test_outbox_list_shows_what_waits(runner: CliRunner, db: str, catalog: None) -> None:
    with unit_of_work(db) as s:
        notify(
            s,
            key="k",
            template="consultation_opened",
            recipients=[Recipient(account_id=None, email="warga@example.id")],
            due_at=utcnow() - timedelta(minutes=1),
            context={"title": "Perwal ASN", "slug": "perwal-asn", "cycle": 1},
        )
    waiting = runner.invoke(app, ["outbox", "list", "--state", "pending"])
    assert waiting.exit_code == 0, waiting.output
    assert "pending   email consultation_opened" in waiting.output and "warga@example.id" in waiting.output
    assert "Jumlah: email/pending: 1" in waiting.output
    sent = runner.invoke(app, ["outbox", "list", "--state", "sent"])
    assert "warga@example.id" not in sent.output
    assert runner.invoke(app, ["outbox", "list", "--state", "lost"]).exit_code == 2


def test_policy_advance_without_prefect_leaves_the_work_to_the_dispatcher(
    runner: CliRunner, db: str, catalog: None
) -> None:
    result = runner.invoke(app, ["policy", "advance", walk.SLUG, "workshop", "--reason", "Draf siap."])
    assert result.exit_code == 0, result.output
    assert f"{walk.SLUG}: drafting → workshop (siklus 1)." in result.output
    assert "Pekerjaan tahap: menunggu dispatcher." in result.output
    event = walk.latest_event(db)
    assert (event.to_stage, event.work_state, event.flow_run_id) == (Stage.WORKSHOP, WorkState.PENDING, None)


# A deadline that only a condition that never comes true reaches, even on a loaded machine.
DEADLINE_SECONDS = 120


def _eventually(condition: Callable[[], bool]) -> bool:
    """Wait until the condition holds; False only when it still does not after the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _answers(url: str) -> bool:
    try:
        return http.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"  # a zombie has ended; only its parent's reaping is left


def test_stop_ends_the_childs_whole_process_group(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    ignoring = tmp_path / "ignoring"
    script = (
        "import subprocess, sys, time\n"
        "sleeper = subprocess.Popen(['sleep', '600'])\n"
        "stubborn = subprocess.Popen([sys.executable, '-c', "
        "'import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        'open(sys.argv[1], "w").close(); time.sleep(600)\', sys.argv[1]])\n'
        f"open({str(pids)!r}, 'w').write(f'{{sleeper.pid}} {{stubborn.pid}}')\n"
        "time.sleep(600)\n"
    )
    child = Child("group", [sys.executable, "-c", script, str(ignoring)], dict(os.environ))
    child.start()
    # The stubborn one says when it ignores SIGTERM: only then does the stop have to kill it.
    assert _eventually(lambda: ignoring.exists() and pids.exists() and len(pids.read_text().split()) == 2)
    sleeper, stubborn = (int(p) for p in pids.read_text().split())
    assert _running(sleeper) and _running(stubborn)
    child.stop()
    assert not child.alive()
    assert _eventually(lambda: not _running(sleeper) and not _running(stubborn))


def test_wait_healthy_gives_up_at_once_when_asked_to_stop() -> None:
    asked: list[bool] = []

    def stopping() -> bool:
        asked.append(True)
        return len(asked) > 2  # asked to stop after two unanswered health checks

    answers: list[bool] = []
    # An hour's health wait, so only the stop can end it within the deadline.
    waiting = threading.Thread(
        target=lambda: answers.append(wait_healthy("http://127.0.0.1:9/api", limit=3600, stopping=stopping)),
        daemon=True,
    )
    waiting.start()
    waiting.join(timeout=DEADLINE_SECONDS)
    assert not waiting.is_alive() and answers == [False] and len(asked) == 3


def _serve(env: dict[str, str], *args: str, db: str, data_dir: Path) -> subprocess.Popen[str]:
    """Start `siklus serve` on the test database, this checkout first on its path, output in one pipe."""
    return subprocess.Popen(
        [sys.executable, "-c", "from service.cli import app; app()", "serve", *args],
        env={
            **env,
            "SIKLUS_DATABASE_URL": db,
            "SIKLUS_DATA_DIR": str(data_dir),
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_serve_reads_the_prefect_profile_and_starts_without_it_answering(tmp_path: Path, db: str) -> None:
    profiles = tmp_path / "profiles.toml"
    profiles.write_text('active = "uji"\n\n[profiles.uji]\nPREFECT_API_URL = "http://127.0.0.1:9/api"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_PROFILES_PATH=str(profiles),
        SIKLUS_PORT=str(_free_port()),
    )
    serve = _serve(env, db=db, data_dir=tmp_path / "data")
    try:
        assert serve.stdout is not None
        line = serve.stdout.readline()
        # From the profile, not the environment: no server of its own is started, none waited for.
        assert line.startswith("siklus serve: Prefect di http://127.0.0.1:9/api belum menjawab"), line
        assert _eventually(lambda: _answers(f"http://127.0.0.1:{env['SIKLUS_PORT']}/healthz"))
        serve.send_signal(signal.SIGINT)
        code = serve.wait(timeout=DEADLINE_SECONDS)
        rest = serve.stdout.read()
    finally:
        if serve.poll() is None:
            serve.kill()
    # The runner waits for Prefect in its own process; the stop ends it and the web in order.
    assert code == 0, rest
    assert "menghentikan web" in rest and "menghentikan flow-runner" in rest, rest


def test_supervisor_restarts_a_dead_child_and_stops_all() -> None:
    supervisor = Supervisor()
    sleeper = supervisor.start(Child("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"], {}))
    quitter = supervisor.start(Child("quitter", [sys.executable, "-c", "pass"], {}))
    quitter.started_at -= 10  # as if it had run long enough to deserve a restart at once
    quitter.process.wait()

    def stop_soon() -> None:
        _eventually(lambda: quitter.restarts > 0)
        supervisor.stopping = True

    threading.Thread(target=stop_soon).start()
    supervisor.watch(poll_seconds=0.05)
    assert quitter.restarts >= 1
    assert not sleeper.alive() and sleeper.process.returncode != 0


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_no_runner_starts_only_the_web_and_stops_it_on_ctrl_c(tmp_path: Path, db: str) -> None:
    # A stand-in Prefect that only answers the health check: enough for the supervisor's start-up.
    (tmp_path / "prefect" / "api").mkdir(parents=True)
    (tmp_path / "prefect" / "api" / "health").write_text("true")
    port = _free_port()
    health = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=tmp_path / "prefect",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {**os.environ, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api", "SIKLUS_PORT": str(_free_port())}
    serve = _serve(env, "--no-runner", db=db, data_dir=tmp_path / "data")
    try:
        assert serve.stdout is not None
        lines = [serve.stdout.readline().strip() for _ in range(3)]
        assert lines == [
            f"Prefect: http://127.0.0.1:{port}",
            "siklus serve: memulai web",
            f"Siklus: http://127.0.0.1:{env['SIKLUS_PORT']}",
        ], lines
        # Once the web answers, the supervisor (which watches right after starting it) has taken over.
        assert _eventually(lambda: _answers(f"http://127.0.0.1:{env['SIKLUS_PORT']}/healthz")), (
            "web never answered"
        )
        serve.send_signal(signal.SIGINT)
        code = serve.wait(timeout=DEADLINE_SECONDS)
        rest = serve.stdout.read()
    finally:
        for process in (serve, health):
            if process.poll() is None:
                process.kill()
    assert code == 0, rest
    assert "siklus serve: menghentikan web" in rest and "flow-runner" not in rest


def test_the_embedded_prefect_server_batches_task_run_records_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policies.core.settings import Settings
    from service.supervise import prefect_server_child

    settings = Settings(data_dir=str(tmp_path), prefect_port=4299)
    child = prefect_server_child(settings)
    assert child.env["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE"] == "500"
    assert child.env["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL"] == "1"
    assert child.env["PREFECT_API_DATABASE_CONNECTION_URL"].endswith(str(tmp_path / "prefect" / "prefect.db"))
    assert "--port" in child.argv and "4299" in child.argv

    # An operator's own setting wins over the embedded default.
    monkeypatch.setenv("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE", "1")
    assert prefect_server_child(settings).env["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE"] == "1"
