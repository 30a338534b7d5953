"""The job queue: procrastinate on the main PostgreSQL, its tables in the `procrastinate` schema.

Jobs are deferred with SQL inside the caller's own transaction, so a job row and the row it works on
commit together (or not at all). Workers run in `codemill worker` processes or inside `codemill serve`;
a worker that dies mid-job stops heartbeating, and any live worker puts its jobs back in the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import procrastinate
from procrastinate import App, PsycopgConnector, RetryStrategy
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from codemill.db.engine import libpq_dsn
from codemill.kit.logs import request_id_var
from codemill.kit.metrics import metrics
from codemill.settings import JobsSettings

log = logging.getLogger(__name__)

SCHEMA = "procrastinate"
# A job argument the queue adds and removes itself: the id of the request that deferred the job.
REQUEST_ID_ARG = "_request_id"


class JobQueue:
    """One procrastinate app per process; tasks are registered by the domains that own them."""

    def __init__(self, database_url: str, settings: JobsSettings) -> None:
        self.settings = settings
        connector = PsycopgConnector(
            conninfo=libpq_dsn(database_url),
            kwargs={"options": f"-c search_path={SCHEMA},public", "application_name": "codemill-jobs"},
            min_size=1,
            max_size=max(4, settings.concurrency + 3),
            # Connections beyond the first close after a minute unused (psycopg's default keeps them 10).
            max_idle=60.0,
        )
        self.app = App(connector=connector)
        self._opened = False

    def retry_strategy(self) -> RetryStrategy:
        """Exponential backoff, a bounded number of attempts."""
        return RetryStrategy(
            max_attempts=self.settings.max_attempts, exponential_wait=max(1, int(self.settings.retry_wait_seconds))
        )

    def register(self, name: str, func: Callable[..., Awaitable[Any]]) -> None:
        """Register an async task `func(context, **args)`: timed and counted, under the request id that
        deferred it (its log lines carry that id)."""

        async def observed(context: procrastinate.JobContext, /, **args: Any) -> Any:
            token = request_id_var.set(args.pop(REQUEST_ID_ARG, None))
            started, status = time.perf_counter(), "failed"
            try:
                result = await func(context, **args)
                status = "succeeded"
                return result
            except procrastinate.exceptions.JobAborted:
                status = "aborted"
                raise
            finally:
                observed_metrics = metrics()
                observed_metrics.jobs_run.labels(name, status).inc()
                observed_metrics.job_seconds.labels(name).observe(time.perf_counter() - started)
                request_id_var.reset(token)

        self.app.task(name=name, pass_context=True, queue=self.settings.queue, retry=self.retry_strategy())(observed)

    async def open(self) -> None:
        """Open the connection pool."""
        if not self._opened:
            await self.app.open_async()
            self._opened = True

    async def close(self) -> None:
        """Close the connection pool."""
        if self._opened:
            await self.app.close_async()
            self._opened = False

    async def run_worker(self, concurrency: int, context: dict[str, Any], *, install_signal_handlers: bool) -> None:
        """Process jobs until cancelled; meanwhile put the jobs of dead workers back in the queue."""
        recovery = asyncio.create_task(self._recover_stalled_forever(), name="jobs-stalled-recovery")
        try:
            await self.app.run_worker_async(
                queues=[self.settings.queue],
                concurrency=concurrency,
                additional_context=context,
                install_signal_handlers=install_signal_handlers,
                update_heartbeat_interval=self.settings.heartbeat_seconds,
                stalled_worker_timeout=self.settings.stalled_after_seconds,
                fetch_job_polling_interval=self.settings.polling_seconds,
                abort_job_polling_interval=self.settings.polling_seconds,
                shutdown_graceful_timeout=5.0,
                delete_jobs="successful",
            )
        finally:
            recovery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await recovery

    async def recover_stalled(self) -> int:
        """Requeue jobs whose worker stopped heartbeating (killed, crashed, lost its machine)."""
        stalled = await self.app.job_manager.get_stalled_jobs(
            queue=self.settings.queue, seconds_since_heartbeat=self.settings.stalled_after_seconds
        )
        count = 0
        for job in stalled:
            log.warning("requeueing stalled job", extra={"job_id": job.id, "task": job.task_name})
            await self.app.job_manager.retry_job(job)
            count += 1
        return count

    async def _recover_stalled_forever(self) -> None:
        while True:
            try:
                await self.recover_stalled()
            except Exception:
                log.exception("stalled-job recovery failed")
            # Twice per stall timeout is often enough: a stalled job waits at most 1.5 timeouts.
            await asyncio.sleep(max(self.settings.heartbeat_seconds, self.settings.stalled_after_seconds / 2))


async def defer_in(
    session: AsyncSession, queue: str, task_name: str, args: dict[str, Any], *, lock: str | None = None
) -> int:
    """Insert a job within `session`'s transaction; it runs once that transaction commits. Returns its id.

    The job carries the current request id (the worker's log lines of it show the request that started it)."""
    request_id = request_id_var.get()
    if request_id:
        args = {**args, REQUEST_ID_ARG: request_id}
    row = await session.execute(
        text(
            f"SELECT {SCHEMA}.procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, 0, :lock, NULL, "
            f"CAST(:args AS jsonb), NULL)::{SCHEMA}.procrastinate_job_to_defer_v1])"
        ),
        {"queue": queue, "task": task_name, "lock": lock, "args": json.dumps(args)},
    )
    ids = row.scalar_one()
    return int(ids[0])


async def cancel_in(session: AsyncSession, job_id: int) -> bool:
    """Cancel a queued job, or ask a running one to abort (it stops at its next checkpoint)."""
    row = await session.execute(text(f"SELECT {SCHEMA}.procrastinate_cancel_job_v1(:id, true, false)"), {"id": job_id})
    return row.scalar_one() is not None


JobAborted = procrastinate.exceptions.JobAborted
JobContext = procrastinate.JobContext
AbortReason = procrastinate.job_context.AbortReason
