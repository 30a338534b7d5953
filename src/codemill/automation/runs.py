"""A recorded run does its work in a job: start the workflow, queue the reindex, or chat with the assistant.

The run's owner is the integration's owner (or, for a project integration, its creator): the target is
reached with that user's rights, so a webhook can start only what its owner could start by hand.
Workflow and datasource targets are started in the transaction that marks the run done, so a retried job
never starts them twice; an assistant's answer is kept in the run's result (an excerpt) and in a conversation.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime
from typing import Any, Protocol, TypedDict

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.assistants.templates import PromptTemplateError, render_prompt_async
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.automation import repository
from codemill.automation.schemas import RunStatus, Target
from codemill.conversations import turn
from codemill.conversations.schemas import ChatRequest
from codemill.conversations.turn import ChatResources
from codemill.datasources import service as datasources
from codemill.errors import CodemillError
from codemill.jobs.queue import JobContext, JobQueue, defer_in
from codemill.models import AutomationRun, Integration
from codemill.settings import Settings
from codemill.users.service import load_principal
from codemill.workflows import executions
from codemill.workflows.schemas import ExecutionCreate

log = logging.getLogger("codemill.automation")

TASK = "run_automation"
CONTEXT_KEY = "automation"
ANSWER_EXCERPT = 4000
DEFAULT_PROMPT_CHARS = 20_000


class RunResult(TypedDict, total=False):
    """What a run records as its `result`: what it started or answered, or why it failed."""

    # A workflow run: the execution it started.
    execution_id: str
    workflow_id: str
    # A reindex run: the indexing job it queued.
    datasource_id: str
    mode: str
    job_id: int
    # An assistant run: the conversation of its turn and the answer's start.
    conversation_id: str
    answer: str
    # A failed run.
    error: str
    details: Any


class AutomationResources(ChatResources, Protocol):
    """What a run needs from the process's Resources (a chat turn's resources; settings and sessions)."""


async def schedule(session: AsyncSession, settings: Settings, run: AutomationRun) -> None:
    """Queue the run's job in this transaction (the run row and its job commit together)."""
    run.job_id = await defer_in(session, settings.jobs.queue, TASK, {"run_id": run.id}, lock=f"automation_run:{run.id}")


def register(queue: JobQueue) -> None:
    """Register the automation task on the process's job queue."""
    queue.register(TASK, run_automation)


async def run_automation(context: JobContext, run_id: str) -> None:
    """The job: one run, from queued to succeeded or failed (never retried into a second start)."""
    resources: AutomationResources = context.additional_context[CONTEXT_KEY]
    await perform(resources, run_id)


async def perform(resources: AutomationResources, run_id: str) -> None:
    """Do the run's work and record its outcome."""
    async with resources.sessions() as session, session.begin():
        run = await repository.get_for_update(session, run_id)
        if run is None or run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
            return  # deleted with its integration, or already done by an earlier attempt
        if run.status == RunStatus.RUNNING and run.resource_type == Target.ASSISTANT:
            # A worker stopped mid-turn: the turn is not asked again (it may have acted already).
            _mark(run, RunStatus.FAILED, {"error": "interrupted: the worker stopped during the assistant's turn"})
            return
        # A workflow or reindex starts in the transaction that ends the run: if RUNNING here, nothing started.
        run.status, run.started_at = RunStatus.RUNNING, run.started_at or datetime.now(UTC)
    try:
        if run.resource_type == Target.ASSISTANT:
            succeeded, result = await _ask_assistant(resources, run)
            await _finish(resources, run_id, RunStatus.SUCCEEDED if succeeded else RunStatus.FAILED, result)
        else:
            await _start_in_transaction(resources, run_id)
    except CodemillError as exc:
        await _finish(resources, run_id, RunStatus.FAILED, {"error": exc.message, "details": exc.details})
    except Exception as exc:  # recorded as the run's failure; never retried into a second start
        log.exception("automation run failed", extra={"run_id": run_id})
        await _finish(resources, run_id, RunStatus.FAILED, {"error": f"{type(exc).__name__}: {exc}"})


async def _owner(session: AsyncSession, integration: Integration) -> Principal:
    user_id = integration.owner_id or integration.created_by
    principal = await load_principal(session, user_id) if user_id else None
    if principal is None:
        raise CodemillError("The integration's owner is no longer an active user")
    return principal


async def _context(session: AsyncSession, run: AutomationRun) -> tuple[Integration, Principal, str]:
    integration = await repository.get_integration(session, run.integration_id)
    if integration is None:
        raise CodemillError("The integration was deleted")
    principal = await _owner(session, integration)
    return integration, principal, await _prompt(integration, run, principal)


async def _prompt(integration: Integration, run: AutomationRun, principal: Principal) -> str:
    """The integration's prompt template rendered with the trigger's payload (sandboxed, bounded)."""
    template = str(integration.values.get("prompt") or "")
    payload = run.payload.get("body")
    if not template:
        return json.dumps(payload, ensure_ascii=False)[:DEFAULT_PROMPT_CHARS] if payload is not None else ""
    variables: dict[str, Any] = {"payload": payload, "event": run.payload.get("event") or "", "trigger": run.trigger}
    try:
        return await render_prompt_async(template, variables, current_user=principal.username)
    except PromptTemplateError as exc:
        raise CodemillError(f"The prompt template failed: {exc}") from exc


async def _start_in_transaction(resources: AutomationResources, run_id: str) -> None:
    async with resources.sessions() as session, session.begin():
        run = await repository.get_for_update(session, run_id)
        if run is None or run.status != RunStatus.RUNNING:
            return
        _integration, principal, prompt = await _context(session, run)
        if run.resource_type == Target.WORKFLOW:
            body = ExecutionCreate(user_input=prompt or None)
            execution = await executions.start(session, principal, resources.settings, run.resource_id, body)
            result: RunResult = {"execution_id": execution.id, "workflow_id": run.resource_id}
        else:
            ds = policy.ensure_datasource_manageable(
                principal, await datasources.visible(session, principal, run.resource_id)
            )
            job_id = await datasources.schedule(session, ds, "incremental", resources.settings)
            result = {"datasource_id": ds.id, "mode": "incremental", "job_id": job_id}
        _mark(run, RunStatus.SUCCEEDED, result)


async def _ask_assistant(resources: AutomationResources, run: AutomationRun) -> tuple[bool, RunResult]:
    """Whether the turn succeeded, and what the run records of it."""
    async with resources.sessions() as session:
        _integration, principal, prompt = await _context(session, run)
    if not prompt.strip():
        raise CodemillError("The run has no prompt for the assistant (set the integration's prompt)")
    conversation_id = str(uuid.uuid4())
    request = ChatRequest(conversation_id=conversation_id, text=prompt, stream=False)
    prepared = await turn.prepare(resources, principal, run.resource_id, request)
    final = await turn.execute(prepared, lambda _record: None)
    await turn.store(prepared, final)
    answer = str(final.get("generated") or "")
    return bool(final["success"]), {"conversation_id": conversation_id, "answer": answer[:ANSWER_EXCERPT]}


def _mark(run: AutomationRun, status: RunStatus, result: RunResult) -> None:
    run.status, run.result = status, dict(result)
    run.finished_at = datetime.now(UTC)
    started = run.started_at or run.finished_at
    run.duration_ms = int((run.finished_at - started).total_seconds() * 1000)


async def _finish(resources: AutomationResources, run_id: str, status: RunStatus, result: RunResult) -> None:
    async with resources.sessions() as session, session.begin():
        run = await repository.get_for_update(session, run_id)
        if run is not None and run.status == RunStatus.RUNNING:
            _mark(run, status, result)
