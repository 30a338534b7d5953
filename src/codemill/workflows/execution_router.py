"""/v1/workflows/{id}/executions: start (queued, or streamed as NDJSON), read, states, thoughts,
transitions, abort, resume, edit a state's output, export, delete (HTTP only)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Query
from fastapi.responses import StreamingResponse

from codemill.agent.records import BASE_RECORD, NDJSON
from codemill.auth.dependencies import AppSessions, AppSettings, CurrentPrincipal, Session
from codemill.errors import NotFound
from codemill.projects.schemas import Pagination
from codemill.workflows import executions, repository
from codemill.workflows.responses import execution_out, state_out, thought_out, transition_out
from codemill.workflows.schemas import (
    FINISHED,
    ExecutionCreate,
    ExecutionExportOut,
    ExecutionListOut,
    ExecutionOut,
    ExecutionStateListOut,
    ExecutionStateOut,
    ExecutionStatus,
    MessageOut,
    ResumeRequest,
    StateOutputOut,
    StateOutputUpdate,
    ThoughtOut,
    TransitionOut,
)

router = APIRouter(prefix="/v1/workflows/{workflow_id}/executions", tags=["workflow executions"])


async def _execution_out(session: Session, execution: Any) -> ExecutionOut:
    users = await repository.users_by_id(session, [execution.user_id])
    return execution_out(execution, users)


@router.get("", response_model=ExecutionListOut)
async def list_executions(
    workflow_id: str,
    session: Session,
    principal: CurrentPrincipal,
    page: Annotated[int, Query(ge=0)] = 0,
    per_page: Annotated[int, Query(ge=1, le=500)] = 10,
) -> ExecutionListOut:
    """The workflow's executions the caller may see, newest first."""
    found, total = await executions.list_page(session, principal, workflow_id, page, per_page)
    users = await repository.users_by_id(session, [e.user_id for e in found])
    return ExecutionListOut(
        data=[execution_out(e, users) for e in found], pagination=Pagination(total=total, page=page, per_page=per_page)
    )


@router.post("", response_model=ExecutionOut, responses={200: {"content": {NDJSON: {}}}})
async def start_execution(
    workflow_id: str,
    session: Session,
    principal: CurrentPrincipal,
    settings: AppSettings,
    sessions: AppSessions,
    body: Annotated[ExecutionCreate | None, Body()] = None,
    stream: bool = False,
) -> Any:
    """Start an execution in the background; with `stream=true`, follow its states as NDJSON until it ends."""
    execution = await executions.start(session, principal, settings, workflow_id, body or ExecutionCreate())
    out = await _execution_out(session, execution)
    if not stream:
        return out
    # The request's session commits when this handler returns (before the stream is sent), which queues the job.
    return StreamingResponse(_follow(sessions, execution.id, settings.workflows.poll_seconds), media_type=NDJSON)


async def _follow(sessions: AppSessions, execution_id: str, poll: float) -> AsyncIterator[bytes]:
    seen: set[tuple[str, str]] = set()
    while True:
        async with sessions() as session:
            execution = await repository.get_execution(session, execution_id)
            if execution is None:
                return
            states, _ = await repository.list_states(session, execution_id)
            users = await repository.users_by_id(session, [execution.user_id])
        for state in states:
            if (state.id, state.status) in seen:
                continue
            seen.add((state.id, state.status))
            record = {**BASE_RECORD, "workflow_state": state_out(state).model_dump(mode="json")}
            if state.status == ExecutionStatus.SUCCEEDED and state.thoughts:
                record["thought"] = thought_out(state, state.thoughts[0]).model_dump(mode="json")
            yield orjson.dumps(record) + b"\n"
        if execution.status in (*FINISHED, ExecutionStatus.INTERRUPTED):
            out = execution_out(execution, users)
            final = {
                **BASE_RECORD,
                "last": True,
                "generated": out.output,
                "workflow_execution": out.model_dump(mode="json"),
                "success": execution.status in (ExecutionStatus.SUCCEEDED, ExecutionStatus.INTERRUPTED),
                "execution_error": execution.error,
            }
            yield orjson.dumps(final) + b"\n"
            return
        await asyncio.sleep(poll)


@router.delete("", response_model=MessageOut)
async def delete_executions(workflow_id: str, session: Session, principal: CurrentPrincipal) -> MessageOut:
    """Delete the executions that do not run."""
    count = await executions.delete_all(session, principal, workflow_id)
    return MessageOut(message=f"{count} executions removed")


@router.get("/{execution_id}", response_model=ExecutionOut)
async def get_execution(
    workflow_id: str, execution_id: str, session: Session, principal: CurrentPrincipal
) -> ExecutionOut:
    """One execution (status, output, context store, token usage)."""
    _, execution = await executions.get(session, principal, workflow_id, execution_id)
    return await _execution_out(session, execution)


@router.delete("/{execution_id}", response_model=MessageOut)
async def delete_execution(
    workflow_id: str, execution_id: str, session: Session, principal: CurrentPrincipal
) -> MessageOut:
    """Delete an execution that does not run."""
    await executions.delete(session, principal, workflow_id, execution_id)
    return MessageOut(message="Execution removed")


@router.put("/{execution_id}/abort", response_model=ExecutionOut)
async def abort_execution(
    workflow_id: str, execution_id: str, session: Session, principal: CurrentPrincipal
) -> ExecutionOut:
    """Abort a queued, running or paused execution."""
    execution = await executions.abort(session, principal, workflow_id, execution_id)
    return await _execution_out(session, execution)


@router.put("/{execution_id}/resume", response_model=ExecutionOut)
async def resume_execution(
    workflow_id: str,
    execution_id: str,
    session: Session,
    principal: CurrentPrincipal,
    settings: AppSettings,
    body: Annotated[ResumeRequest | None, Body()] = None,
    propagate_headers: bool = False,
) -> ExecutionOut:
    """Continue an execution paused by `interrupt_before`; `user_input` replaces the paused state's task."""
    user_input = body.user_input if body else None
    execution = await executions.resume(session, principal, settings, workflow_id, execution_id, user_input)
    return await _execution_out(session, execution)


@router.get("/{execution_id}/states", response_model=ExecutionStateListOut)
async def list_states(
    workflow_id: str,
    execution_id: str,
    session: Session,
    principal: CurrentPrincipal,
    page: Annotated[int, Query(ge=0)] = 0,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 10,
) -> ExecutionStateListOut:
    """The execution's states in the order they started, with their thoughts' headers."""
    _, execution = await executions.get(session, principal, workflow_id, execution_id)
    states, total = await repository.list_states(session, execution.id, page, per_page)
    return ExecutionStateListOut(
        data=[state_out(s) for s in states], pagination=Pagination(total=total, page=page, per_page=per_page)
    )


@router.get("/{execution_id}/states/{state_id}/output", response_model=StateOutputOut)
async def state_output(
    workflow_id: str, execution_id: str, state_id: str, session: Session, principal: CurrentPrincipal
) -> StateOutputOut:
    """A state's output (by state row id, or the latest run of a state by name)."""
    state = await executions.state_of(session, principal, workflow_id, execution_id, state_id)
    return StateOutputOut(output=state.output)


@router.put("/{execution_id}/states/{state_id}/output", response_model=ExecutionStateOut)
async def edit_state_output(
    workflow_id: str,
    execution_id: str,
    state_id: str,
    body: StateOutputUpdate,
    session: Session,
    principal: CurrentPrincipal,
) -> ExecutionStateOut:
    """Replace a finished state's output while the execution does not run (e.g. before resuming)."""
    state = await executions.edit_output(session, principal, workflow_id, execution_id, state_id, body.output)
    return state_out(state)


@router.post("/{execution_id}/thoughts", response_model=list[ThoughtOut])
async def get_thoughts(
    workflow_id: str,
    execution_id: str,
    session: Session,
    principal: CurrentPrincipal,
    thought_ids: Annotated[list[str], Body(max_length=1000)],
) -> list[ThoughtOut]:
    """The full thoughts (input, output, tool calls) with these ids."""
    _, execution = await executions.get(session, principal, workflow_id, execution_id)
    wanted = set(thought_ids)
    states, _ = await repository.list_states(session, execution.id)
    return [thought_out(s, t) for s in states for t in s.thoughts or [] if t["id"] in wanted]


@router.get("/{execution_id}/transitions", response_model=list[TransitionOut])
async def list_transitions(
    workflow_id: str, execution_id: str, session: Session, principal: CurrentPrincipal
) -> list[TransitionOut]:
    """Every move from state to state, with the context store at that moment (Codemill's addition)."""
    _, execution = await executions.get(session, principal, workflow_id, execution_id)
    return [transition_out(t) for t in await repository.list_transitions(session, execution.id)]


@router.get("/{execution_id}/transitions/to/{state_id}", response_model=TransitionOut)
async def transition_to(
    workflow_id: str, execution_id: str, state_id: str, session: Session, principal: CurrentPrincipal
) -> TransitionOut:
    """The transition that led into a state (by name, or by state row id)."""
    _, execution = await executions.get(session, principal, workflow_id, execution_id)
    found = await repository.transition_to(session, execution.id, state_id)
    if found is None:
        raise NotFound("Transition not found", details={"state_id": state_id})
    return transition_out(found)


@router.get("/{execution_id}/export", response_model=ExecutionExportOut)
async def export_execution(
    workflow_id: str, execution_id: str, session: Session, principal: CurrentPrincipal
) -> ExecutionExportOut:
    """The execution with every state's task, output and thoughts, and its transitions, as one document."""
    workflow, execution = await executions.get(session, principal, workflow_id, execution_id)
    states, _ = await repository.list_states(session, execution.id)
    transitions = await repository.list_transitions(session, execution.id)
    return ExecutionExportOut(
        execution=await _execution_out(session, execution),
        workflow_name=workflow.name,
        yaml_config=execution.yaml_config,
        states=[
            state_out(s).model_dump(mode="json") | {"output": s.output, "thoughts_full": s.thoughts or []}
            for s in states
        ],
        transitions=[transition_out(t) for t in transitions],
    )
