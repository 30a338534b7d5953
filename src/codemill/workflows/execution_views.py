"""What the execution routes answer: executions, their states, thoughts and transitions as clients see them,
read through the access checks of `executions` (the router only parses and calls these)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from codemill.agent.records import BASE_RECORD
from codemill.auth.principal import Principal
from codemill.errors import NotFound
from codemill.models import WorkflowExecution
from codemill.projects.schemas import Pagination
from codemill.workflows import executions, repository
from codemill.workflows.responses import execution_out, state_out, thought_out, transition_out
from codemill.workflows.schemas import (
    FINISHED,
    ExecutionExportOut,
    ExecutionListOut,
    ExecutionOut,
    ExecutionStateListOut,
    ExecutionStatus,
    ThoughtOut,
    TransitionOut,
)


async def execution_view(session: AsyncSession, execution: WorkflowExecution) -> ExecutionOut:
    """One execution with its starter's name."""
    return execution_out(execution, await repository.users_by_id(session, [execution.user_id]))


async def execution_page(
    session: AsyncSession, principal: Principal, workflow_id: str, page: int, per_page: int
) -> ExecutionListOut:
    """The workflow's executions the caller may see, newest first."""
    found, total = await executions.list_page(session, principal, workflow_id, page, per_page)
    users = await repository.users_by_id(session, [e.user_id for e in found])
    return ExecutionListOut(
        data=[execution_out(e, users) for e in found], pagination=Pagination(total=total, page=page, per_page=per_page)
    )


async def follow(sessions: async_sessionmaker[AsyncSession], execution_id: str, poll: float) -> AsyncIterator[bytes]:
    """An execution's states as NDJSON records as they start and finish, then a final record."""
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


async def states_page(
    session: AsyncSession, principal: Principal, workflow_id: str, execution_id: str, page: int, per_page: int
) -> ExecutionStateListOut:
    """The execution's states in the order they started, with their thoughts' headers."""
    _, execution = await executions.get(session, principal, workflow_id, execution_id)
    states, total = await repository.list_states(session, execution.id, page, per_page)
    return ExecutionStateListOut(
        data=[state_out(s) for s in states], pagination=Pagination(total=total, page=page, per_page=per_page)
    )


async def thoughts(
    session: AsyncSession, principal: Principal, workflow_id: str, execution_id: str, thought_ids: list[str]
) -> list[ThoughtOut]:
    """The full thoughts (input, output, tool calls) with these ids."""
    _, execution = await executions.get(session, principal, workflow_id, execution_id)
    wanted = set(thought_ids)
    states, _ = await repository.list_states(session, execution.id)
    return [thought_out(s, t) for s in states for t in s.thoughts or [] if t["id"] in wanted]


async def transitions(
    session: AsyncSession, principal: Principal, workflow_id: str, execution_id: str
) -> list[TransitionOut]:
    """Every move from state to state, with the context store at that moment."""
    _, execution = await executions.get(session, principal, workflow_id, execution_id)
    return [transition_out(t) for t in await repository.list_transitions(session, execution.id)]


async def transition_into(
    session: AsyncSession, principal: Principal, workflow_id: str, execution_id: str, state_id: str
) -> TransitionOut:
    """The transition that led into a state (by name, or by state row id)."""
    _, execution = await executions.get(session, principal, workflow_id, execution_id)
    found = await repository.transition_to(session, execution.id, state_id)
    if found is None:
        raise NotFound("Transition not found", details={"state_id": state_id})
    return transition_out(found)


async def export(
    session: AsyncSession, principal: Principal, workflow_id: str, execution_id: str
) -> ExecutionExportOut:
    """The execution with every state's task, output and thoughts, and its transitions, as one document."""
    workflow, execution = await executions.get(session, principal, workflow_id, execution_id)
    states, _ = await repository.list_states(session, execution.id)
    moves = await repository.list_transitions(session, execution.id)
    return ExecutionExportOut(
        execution=await execution_view(session, execution),
        workflow_name=workflow.name,
        yaml_config=execution.yaml_config,
        states=[
            state_out(s).model_dump(mode="json") | {"output": s.output, "thoughts_full": s.thoughts or []}
            for s in states
        ],
        transitions=[transition_out(t) for t in moves],
    )
