"""Run Siklus's flow runs inside one long-lived process: each run is a Prefect flow run, none a new process.

Prefect's runner (`serve`) and its process worker start a Python process per flow run (the process
worker two: a workspace supervisor, then the engine), and each imports Prefect and Siklus again:
about 4 to 9 CPU-seconds for a stage's 0.2 s of work (docs/performance.md, "Stage runs"). This
executor claims a scheduled run the way Prefect's runner does (Scheduled → Pending, which only one
claimant wins), then hands it to Prefect's own engine (`run_flow`) in a thread of this process: the
run's states, task runs, logs, artifacts and heartbeats reach Prefect exactly as from a subprocess.

What it gives up is process isolation between runs: a run that kills the interpreter (a segfault,
the OOM killer) takes the runs beside it down too. Those end as any run of a dead process does:
Running without heartbeats, which Prefect's zombie detection crashes and the dispatcher re-dispatches.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from prefect import Flow
from prefect.client.orchestration import PrefectClient, get_client
from prefect.client.schemas.objects import FlowRun
from prefect.exceptions import Abort
from prefect.flow_engine import run_flow
from prefect.states import Crashed, Pending
from prefect.utilities.engine import propose_state

logger = logging.getLogger("siklus.executor")

# How often Prefect is asked for runs due: the most a freshly dispatched run waits to be claimed.
POLL_SECONDS = 1.0
# Runs at once per executor; the stage work is short and waits mostly on the database.
DEFAULT_LIMIT = 8
# On a stop, how long runs in flight may finish before the process exits anyway (their runs then
# end as a dead process's do: Running without heartbeats, crashed by zombie detection).
DRAIN_SECONDS = 60.0
WORKER_HEARTBEAT_SECONDS = 30.0


def known_flows() -> dict[str, Flow[..., Any]]:
    """Return every flow Siklus deploys, by name: the stage flows, the dispatcher and the sweeps."""
    from flows.dispatcher import dispatch_stage_work
    from flows.stages import STAGE_FLOWS
    from flows.sweeps import run_due

    return {f.name: f for f in [*STAGE_FLOWS.values(), dispatch_stage_work, run_due]}


def execute(flow: Flow[..., Any], run: FlowRun) -> str:
    """Run one claimed flow run through Prefect's engine in this thread; return its final state's name."""
    outcome = run_flow(flow, flow_run=run, return_type="state")
    if asyncio.iscoroutine(outcome):
        outcome = asyncio.run(outcome)
    return str(getattr(outcome, "name", outcome))


class InProcessExecutor:
    """Claim the due runs of some deployments (or of a work pool) and run them in threads of this process."""

    def __init__(
        self,
        *,
        flows: dict[str, Flow[..., Any]],
        deployment_ids: Iterable[UUID] = (),
        pool: str | None = None,
        limit: int = DEFAULT_LIMIT,
        poll_seconds: float = POLL_SECONDS,
        name: str | None = None,
    ) -> None:
        self.flows = flows
        self.deployment_ids = list(deployment_ids)
        self.pool = pool
        self.limit = max(1, limit)
        self.poll_seconds = poll_seconds
        self.name = name or f"siklus-executor-{socket.gethostname()}"
        self.stopping = asyncio.Event()
        self.in_flight: set[UUID] = set()
        self._lock = threading.Lock()
        self._flow_names: dict[UUID, str] = {}
        self._threads = ThreadPoolExecutor(max_workers=self.limit, thread_name_prefix="siklus-run")
        self._last_heartbeat = 0.0
        # Runs whose engine failed while Prefect was unreachable, so they could not be marked Crashed
        # then: still Pending or Running in Prefect, which only the dispatcher's per-stage bound (minutes)
        # would end. Crashed at the next poll that reaches Prefect, the dispatcher retries them at once.
        self.left_uncrashed: dict[UUID, str] = {}

    def free_slots(self) -> int:
        """Tell how many more runs this executor takes now."""
        with self._lock:
            return self.limit - len(self.in_flight)

    async def due_runs(self, client: PrefectClient) -> list[FlowRun]:
        """Ask Prefect for the runs due now (and in the next poll), oldest first."""
        before = datetime.now(UTC) + timedelta(seconds=self.poll_seconds)
        if self.pool is not None:
            loop = asyncio.get_running_loop()
            if loop.time() - self._last_heartbeat >= WORKER_HEARTBEAT_SECONDS:
                # Shown among the pool's workers in Prefect's UI; the pool reads as ready while it beats.
                await client.send_worker_heartbeat(
                    work_pool_name=self.pool,
                    worker_name=self.name,
                    heartbeat_interval_seconds=WORKER_HEARTBEAT_SECONDS,
                )
                self._last_heartbeat = loop.time()
            responses = await client.get_scheduled_flow_runs_for_work_pool(
                work_pool_name=self.pool, scheduled_before=before
            )
            runs = [r.flow_run for r in responses]
        else:
            runs = await client.get_scheduled_flow_runs_for_deployments(
                deployment_ids=self.deployment_ids, scheduled_before=before, limit=self.limit * 4
            )
        return sorted(runs, key=lambda r: r.next_scheduled_start_time or r.expected_start_time or before)

    async def flow_of(self, client: PrefectClient, run: FlowRun) -> Flow[..., Any] | None:
        """Find the flow a run belongs to among ours (None: another deployment's run, left alone)."""
        if run.flow_id not in self._flow_names:
            self._flow_names[run.flow_id] = (await client.read_flow(run.flow_id)).name
        return self.flows.get(self._flow_names[run.flow_id])

    async def claim(self, client: PrefectClient, run: FlowRun) -> bool:
        """Move the run to Pending; False when another executor or worker claimed it first."""
        try:
            state = await propose_state(client, Pending(), flow_run_id=run.id)
        except Abort:
            return False
        return state.is_pending()

    def _finished(self, run: FlowRun, future: Any) -> None:
        with self._lock:
            self.in_flight.discard(run.id)
        if (exc := future.exception()) is not None:
            # The engine reports a run's own failures as its state; this is the engine itself failing.
            logger.error("Flow run %s (%s) failed outside its engine: %r", run.id, run.name, exc)
            message = f"Siklus executor: {exc!r}"
            try:
                asyncio.run(self._crash_alone(run.id, message))
            except Exception:  # Prefect unreachable (often why the engine failed): at the next poll
                with self._lock:
                    self.left_uncrashed[run.id] = message
        else:
            logger.info("Flow run %s (%s) ended %s", run.id, run.name, future.result())

    @staticmethod
    async def _crash(client: PrefectClient, run_id: UUID, message: str) -> None:
        # Abort: already in a final state (zombie detection, or a retry of this very call).
        with contextlib.suppress(Abort):
            await propose_state(client, Crashed(message=message), flow_run_id=run_id)

    async def _crash_alone(self, run_id: UUID, message: str) -> None:
        async with get_client() as client:
            await self._crash(client, run_id, message)

    async def crash_left(self, client: PrefectClient) -> int:
        """Mark Crashed the runs whose crash could not reach Prefect earlier; return how many were."""
        with self._lock:
            left = dict(self.left_uncrashed)
        for run_id, message in left.items():
            await self._crash(client, run_id, message)  # raises while Prefect is still away: next poll
            with self._lock:
                self.left_uncrashed.pop(run_id, None)
            logger.warning("Flow run %s marked Crashed now that Prefect answers again", run_id)
        return len(left)

    async def submit_due(self, client: PrefectClient) -> int:
        """Claim and start as many due runs as there are free slots; return how many started."""
        if self.free_slots() <= 0:
            return 0
        started = 0
        for run in await self.due_runs(client):
            if self.free_slots() <= 0 or self.stopping.is_set():
                break
            if run.id in self.in_flight or (flow := await self.flow_of(client, run)) is None:
                continue
            if not await self.claim(client, run):
                continue
            with self._lock:
                self.in_flight.add(run.id)
            future = self._threads.submit(execute, flow, run)
            future.add_done_callback(lambda f, run=run: self._finished(run, f))
            started += 1
        return started

    async def run(self) -> None:
        """Poll and run until asked to stop, then let the runs in flight finish (bounded)."""
        async with get_client() as client:
            while not self.stopping.is_set():
                try:
                    await self.crash_left(client)
                    await self.submit_due(client)
                except Exception:  # Prefect unreachable for a moment: ask again at the next poll
                    logger.warning("Polling Prefect failed; retrying", exc_info=True)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.stopping.wait(), timeout=self.poll_seconds)
        await self.drain()

    async def drain(self, *, seconds: float = DRAIN_SECONDS) -> None:
        """Wait for the runs in flight to end, at most `seconds`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while self.in_flight and loop.time() < deadline:
            await asyncio.sleep(0.2)
        self._threads.shutdown(wait=False, cancel_futures=True)

    def stop(self) -> None:
        """Stop claiming runs (signal handlers call this)."""
        self.stopping.set()


async def serve_in_process(executor: InProcessExecutor) -> None:
    """Run the executor until SIGTERM or SIGINT, then drain it."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, executor.stop)
    logger.info(
        "Siklus executor %s: %s, up to %d runs at once, polling every %.1f s",
        executor.name,
        f"work pool {executor.pool}" if executor.pool else f"{len(executor.deployment_ids)} deployments",
        executor.limit,
        executor.poll_seconds,
    )
    await executor.run()
