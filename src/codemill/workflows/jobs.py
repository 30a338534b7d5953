"""Workflow executions run as jobs on the jobs queue (the one datasource indexing uses): no second queue."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from codemill.jobs.queue import JobContext, JobQueue, defer_in
from codemill.settings import Settings
from codemill.workflows import repository
from codemill.workflows.engine import ExecutionRunner
from codemill.workflows.nodes import WorkflowResources
from codemill.workflows.schemas import RUNNING

log = logging.getLogger("codemill.workflows")

TASK = "run_workflow_execution"
CONTEXT_KEY = "workflows"


async def run_workflow_execution(context: JobContext, execution_id: str) -> None:
    """The job: run (or resume) one execution until it ends, pauses or is aborted."""
    resources: WorkflowResources = context.additional_context[CONTEXT_KEY]
    await ExecutionRunner(resources, execution_id).run()


async def requeue_orphans(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    """Queue again the executions left without a live job (a worker shut down mid-run); at worker start."""
    async with sessions() as session, session.begin():
        orphans = await repository.orphaned_executions(session, list(RUNNING))
        for execution_id in orphans:
            execution = await repository.get_execution(session, execution_id, lock=True)
            if execution is not None:
                execution.job_id = await schedule(session, settings, execution_id)
    if orphans:
        log.warning("requeued workflow executions left without a job", extra={"executions": orphans})
    return len(orphans)


def register(queue: JobQueue) -> None:
    """Register the workflow task on the process's job queue."""
    queue.register(TASK, run_workflow_execution)


async def schedule(session: AsyncSession, settings: Settings, execution_id: str) -> int:
    """Queue a run of the execution in this transaction; one run per execution at a time (the lock)."""
    return await defer_in(
        session, settings.jobs.queue, TASK, {"execution_id": execution_id}, lock=f"workflow_execution:{execution_id}"
    )
