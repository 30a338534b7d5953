"""/v1/workflows/{id}/executions: start (queued, or streamed as NDJSON), read, states, thoughts,
transitions, abort, resume, edit a state's output, export, delete (HTTP only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from fastapi.responses import StreamingResponse

from codemill.agent.records import NDJSON
from codemill.auth.dependencies import AppSessions, AppSettings, CurrentPrincipal, Session
from codemill.workflows import execution_views as views
from codemill.workflows import executions
from codemill.workflows.responses import state_out
from codemill.workflows.schemas import (
    ExecutionCreate,
    ExecutionExportOut,
    ExecutionListOut,
    ExecutionOut,
    ExecutionStateListOut,
    ExecutionStateOut,
    MessageOut,
    ResumeRequest,
    StateOutputOut,
    StateOutputUpdate,
    ThoughtOut,
    TransitionOut,
)

router = APIRouter(prefix="/v1/workflows/{workflow_id}/executions", tags=["workflow executions"])


@router.get("", response_model=ExecutionListOut)
async def list_executions(
    workflow_id: str,
    session: Session,
    principal: CurrentPrincipal,
    page: Annotated[int, Query(ge=0)] = 0,
    per_page: Annotated[int, Query(ge=1, le=500)] = 10,
) -> ExecutionListOut:
    """The workflow's executions the caller may see, newest first."""
    return await views.execution_page(session, principal, workflow_id, page, per_page)


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
    out = await views.execution_view(session, execution)
    if not stream:
        return out
    # The request's session commits when this handler returns (before the stream is sent), which queues the job.
    return StreamingResponse(views.follow(sessions, execution.id, settings.workflows.poll_seconds), media_type=NDJSON)


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
    return await views.execution_view(session, execution)


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
    return await views.execution_view(session, execution)


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
    return await views.execution_view(session, execution)


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
    return await views.states_page(session, principal, workflow_id, execution_id, page, per_page)


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
    return await views.thoughts(session, principal, workflow_id, execution_id, thought_ids)


@router.get("/{execution_id}/transitions", response_model=list[TransitionOut])
async def list_transitions(
    workflow_id: str, execution_id: str, session: Session, principal: CurrentPrincipal
) -> list[TransitionOut]:
    """Every move from state to state, with the context store at that moment (Codemill's addition)."""
    return await views.transitions(session, principal, workflow_id, execution_id)


@router.get("/{execution_id}/transitions/to/{state_id}", response_model=TransitionOut)
async def transition_to(
    workflow_id: str, execution_id: str, state_id: str, session: Session, principal: CurrentPrincipal
) -> TransitionOut:
    """The transition that led into a state (by name, or by state row id)."""
    return await views.transition_into(session, principal, workflow_id, execution_id, state_id)


@router.get("/{execution_id}/export", response_model=ExecutionExportOut)
async def export_execution(
    workflow_id: str, execution_id: str, session: Session, principal: CurrentPrincipal
) -> ExecutionExportOut:
    """The execution with every state's task, output and thoughts, and its transitions, as one document."""
    return await views.export(session, principal, workflow_id, execution_id)
