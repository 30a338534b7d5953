"""The job-queue gauges of /metrics, read from the queue's tables (at each API scrape; every few seconds in
workers)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.analytics import repository
from codemill.kit.metrics import metrics


async def refresh_job_gauges(session: AsyncSession) -> None:
    """Set the job-queue gauges from the queue's tables (at each API scrape; every few seconds in workers)."""
    observed = metrics()
    queues = await repository.job_queues(session)
    observed.jobs_waiting.clear()
    observed.jobs_oldest_age.clear()
    for queue in queues:
        observed.jobs_waiting.labels(queue["queue"], "todo").set(queue["todo"])
        observed.jobs_waiting.labels(queue["queue"], "doing").set(queue["doing"])
        observed.jobs_oldest_age.labels(queue["queue"]).set(float(queue["oldest"]))
