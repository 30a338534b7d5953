"""Workflow executions run as jobs on the jobs queue (the one datasource indexing uses): no second queue."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.jobs.queue import JobContext, defer_in
from codemill.settings import Settings
from codemill.workflows.engine import ExecutionRunner
from codemill.workflows.nodes import WorkflowResources

TASK = "run_workflow_execution"
CONTEXT_KEY = "workflows"


async def run_workflow_execution(context: JobContext, execution_id: str) -> None:
    """The job: run (or resume) one execution until it ends, pauses or is aborted."""
    resources: WorkflowResources = context.additional_context[CONTEXT_KEY]
    await ExecutionRunner(resources, execution_id).run()


def register(queue: Any) -> None:
    """Register the workflow task on the process's job queue."""
    queue.register(TASK, run_workflow_execution)


async def schedule(session: AsyncSession, settings: Settings, execution_id: str) -> int:
    """Queue a run of the execution in this transaction; one run per execution at a time (the lock)."""
    return await defer_in(
        session, settings.jobs.queue, TASK, {"execution_id": execution_id}, lock=f"workflow_execution:{execution_id}"
    )
