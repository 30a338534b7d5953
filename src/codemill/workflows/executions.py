"""Workflow executions: start, read, abort, resume after `interrupt_before`, edit a state's output, delete.

Starting or resuming queues a job (jobs.schedule) in the request's transaction: the execution row and its
job commit together. The engine (engine.py) does the work in whichever worker takes the job.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from codemill.analytics.budgets.service import ensure_within_budget
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.errors import CodemillError, Conflict, NotFound
from codemill.jobs.queue import cancel_in
from codemill.models import Workflow, WorkflowExecution, WorkflowExecutionState
from codemill.settings import Settings
from codemill.workflows import jobs, repository
from codemill.workflows.checkpoint import initial_checkpoint, stored
from codemill.workflows.schemas import RUNNING, ExecutionCreate, ExecutionStatus
from codemill.workflows.service import get_visible
from codemill.workflows.validation import parse


class TooManyExecutions(CodemillError):
    status = 429
    code = "too_many_executions"


def _input_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


async def start(
    session: AsyncSession, principal: Principal, settings: Settings, workflow_id: str, body: ExecutionCreate
) -> WorkflowExecution:
    """A new execution, queued (the per-user limit on running executions applies)."""
    workflow = await get_visible(session, principal, workflow_id)
    await ensure_within_budget(session, principal.user_id, workflow.project)  # a hard budget refuses the run
    limit = settings.workflows.max_running_per_user
    if await repository.count_running(session, principal.user_id, list(RUNNING)) >= limit:
        raise TooManyExecutions(
            f"You already have {limit} workflow executions running",
            details={"limit": limit},
            help="Wait for one to finish or abort one, then start again.",
        )
    if body.conversation_id:
        owner = await repository.conversation_owner(session, body.conversation_id)
        if owner is not None:
            policy.ensure_conversation_owned(principal, owner)
    config = parse(workflow.yaml_config).config
    prompt = _input_text(body.user_input)
    execution = WorkflowExecution(
        workflow_id=workflow.id,
        user_id=principal.user_id,
        status=ExecutionStatus.NOT_STARTED,
        prompt=prompt,
        conversation_id=body.conversation_id,
        yaml_config=workflow.yaml_config,
        checkpoint=stored(initial_checkpoint(config.entry, prompt)),
        input_tokens=0,
        output_tokens=0,
        money_spent=0.0,
    )
    session.add(execution)
    await session.flush()
    execution.job_id = await jobs.schedule(session, settings, execution.id)
    await session.flush()
    return execution


async def get(
    session: AsyncSession, principal: Principal, workflow_id: str, execution_id: str, *, lock: bool = False
) -> tuple[Workflow, WorkflowExecution]:
    """The workflow and one of its executions the caller may see (404 otherwise)."""
    workflow = await get_visible(session, principal, workflow_id)
    execution = await repository.get_execution(session, execution_id, lock=lock)
    return workflow, policy.ensure_execution_visible(principal, workflow, execution)


async def list_page(
    session: AsyncSession, principal: Principal, workflow_id: str, page: int, per_page: int
) -> tuple[list[WorkflowExecution], int]:
    """The executions the caller may see: their own, or all for those who may change the workflow."""
    workflow = await get_visible(session, principal, workflow_id)
    only = None if policy.can_edit_workflow(principal, workflow) else principal.user_id
    return await repository.list_executions(session, workflow.id, only, page, per_page)


async def abort(session: AsyncSession, principal: Principal, workflow_id: str, execution_id: str) -> WorkflowExecution:
    """Stop a queued, running or paused execution; a running state is cancelled within a poll interval."""
    _, execution = await get(session, principal, workflow_id, execution_id, lock=True)
    if execution.status not in (*RUNNING, ExecutionStatus.INTERRUPTED):
        raise Conflict(
            f"Workflow execution is not running (status: {execution.status})", details={"status": execution.status}
        )
    was = execution.status
    execution.status = ExecutionStatus.ABORTED
    if was != ExecutionStatus.IN_PROGRESS:
        # No engine runs it: close its paused states here, and drop its queued job.
        await repository.set_states_where(
            session, execution.id, [ExecutionStatus.INTERRUPTED], status=ExecutionStatus.ABORTED
        )
        if execution.job_id is not None and was == ExecutionStatus.NOT_STARTED:
            await cancel_in(session, execution.job_id)
    await session.flush()
    return execution


async def resume(
    session: AsyncSession,
    principal: Principal,
    settings: Settings,
    workflow_id: str,
    execution_id: str,
    user_input: str | None,
) -> WorkflowExecution:
    """Approve the paused states (optionally replacing their task) and queue the execution again."""
    _, execution = await get(session, principal, workflow_id, execution_id, lock=True)
    if execution.status != ExecutionStatus.INTERRUPTED:
        raise Conflict(
            f"Workflow execution is not interrupted (status: {execution.status})",
            details={"status": execution.status},
            help="Only an execution paused by interrupt_before can be resumed.",
        )
    checkpoint = copy.deepcopy(execution.checkpoint)
    waiting = [t["id"] for t in checkpoint.get("wave", [])]
    checkpoint["approved"] = [*checkpoint.get("approved", []), *waiting]
    if user_input is not None:
        checkpoint["edited_input"] = {**checkpoint.get("edited_input", {}), **dict.fromkeys(waiting, user_input)}
    execution.checkpoint = checkpoint
    execution.status = ExecutionStatus.NOT_STARTED
    await repository.set_states_where(
        session, execution.id, [ExecutionStatus.INTERRUPTED], status=ExecutionStatus.NOT_STARTED
    )
    execution.job_id = await jobs.schedule(session, settings, execution.id)
    await session.flush()
    return execution


async def state_of(
    session: AsyncSession, principal: Principal, workflow_id: str, execution_id: str, state_id: str
) -> WorkflowExecutionState:
    """One state row (by id, or the latest run of a state by name)."""
    _, execution = await get(session, principal, workflow_id, execution_id)
    state = await repository.get_state(session, execution.id, state_id)
    if state is None:
        raise NotFound("Workflow execution state not found", details={"state_id": state_id})
    return state


async def edit_output(
    session: AsyncSession, principal: Principal, workflow_id: str, execution_id: str, state_id: str, output: str
) -> WorkflowExecutionState:
    """Replace a finished state's output (and what it put in the context store) while nothing runs."""
    _, execution = await get(session, principal, workflow_id, execution_id, lock=True)
    if execution.status in RUNNING:
        raise Conflict("A running workflow execution cannot be edited", help="Abort it, or wait for it to pause.")
    state = await repository.get_state(session, execution.id, state_id)
    if state is None or state.status != ExecutionStatus.SUCCEEDED:
        raise NotFound("Workflow execution state not found", details={"state_id": state_id})
    config = parse(execution.yaml_config).config
    checkpoint = copy.deepcopy(execution.checkpoint)
    name = state.name.split(" #", 1)[0]
    if name in config.states:
        key = config.state(name).next.output_key
        if (
            key
            and key in checkpoint.get("context_store", {})
            and not isinstance(checkpoint["context_store"][key], list)
        ):
            checkpoint["context_store"][key] = output
        if checkpoint.get("outputs", {}).get(name) == state.output:
            checkpoint["outputs"][name] = output
    if checkpoint.get("final_output") == state.output:
        checkpoint["final_output"] = output
    execution.checkpoint = checkpoint
    state.output = output
    for thought in state.thoughts or []:
        thought["content"] = output
    state.thoughts = copy.deepcopy(state.thoughts)
    await session.flush()
    return state


async def delete(session: AsyncSession, principal: Principal, workflow_id: str, execution_id: str) -> None:
    """Delete an execution that does not run."""
    _, execution = await get(session, principal, workflow_id, execution_id, lock=True)
    if execution.status in RUNNING:
        raise Conflict("A running workflow execution cannot be deleted", help="Abort it first.")
    await session.delete(execution)
    await session.flush()


async def delete_all(session: AsyncSession, principal: Principal, workflow_id: str) -> int:
    """Delete the caller's executions of the workflow that do not run (everyone's for its editors)."""
    workflow = await get_visible(session, principal, workflow_id)
    only = None if policy.can_edit_workflow(principal, workflow) else principal.user_id
    return await repository.delete_executions(session, workflow.id, only, list(RUNNING))
