"""SQL for workflows, their YAML history, executions, execution states and transitions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Float,
    Integer,
    and_,
    bindparam,
    delete,
    func,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from codemill.jobs.queue import SCHEMA as JOBS_SCHEMA
from codemill.models import (
    Conversation,
    ConversationMessage,
    User,
    Workflow,
    WorkflowExecution,
    WorkflowExecutionState,
    WorkflowTransition,
    WorkflowYamlVersion,
)
from codemill.models.base import utcnow


@dataclass(frozen=True, slots=True)
class WorkflowFilters:
    """What a workflow list is narrowed to."""

    projects: Sequence[str] = ()
    search: str | None = None
    created_by: str | None = None
    shared: bool | None = None


def _storable(text: str) -> bool:
    return "\x00" not in text


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def get(session: AsyncSession, workflow_id: str) -> Workflow | None:
    """A workflow by id."""
    return await session.get(Workflow, workflow_id) if _storable(workflow_id) else None


async def get_for_update(session: AsyncSession, workflow_id: str) -> Workflow | None:
    """A workflow by id, its row locked until the transaction ends."""
    return await session.get(Workflow, workflow_id, with_for_update=True) if _storable(workflow_id) else None


async def list_page(
    session: AsyncSession, scope: ColumnElement[bool], filters: WorkflowFilters, page: int, per_page: int
) -> tuple[list[Workflow], int]:
    """A page of visible workflows, most recently updated first, and how many match."""
    conditions: list[ColumnElement[bool]] = [scope]
    if filters.projects:
        conditions.append(Workflow.project.in_(list(filters.projects)))
    if filters.search:
        pattern = f"%{_escape_like(filters.search)}%"
        conditions.append(
            or_(Workflow.name.ilike(pattern, escape="\\"), Workflow.description.ilike(pattern, escape="\\"))
        )
    if filters.created_by:
        who = filters.created_by
        creators = select(User.id).where(or_(User.name == who, User.username == who, User.id == who))
        conditions.append(Workflow.created_by.in_(creators))
    if filters.shared is not None:
        conditions.append(Workflow.shared.is_(filters.shared))
    query = select(Workflow).where(and_(*conditions))
    total = int((await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one())
    rows = await session.execute(
        query.order_by(Workflow.updated_at.desc(), Workflow.id).offset(page * per_page).limit(per_page)
    )
    return list(rows.scalars()), total


async def recent(session: AsyncSession, scope: ColumnElement[bool], user_id: str, limit: int) -> list[Workflow]:
    """Visible workflows the user ran, most recently run first."""
    last_run = (
        select(WorkflowExecution.workflow_id, func.max(WorkflowExecution.created_at).label("last"))
        .where(WorkflowExecution.user_id == user_id)
        .group_by(WorkflowExecution.workflow_id)
        .subquery()
    )
    query = (
        select(Workflow)
        .join(last_run, last_run.c.workflow_id == Workflow.id)
        .where(scope)
        .order_by(last_run.c.last.desc())
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def creators(session: AsyncSession, scope: ColumnElement[bool]) -> list[User]:
    """The users who created the visible workflows."""
    ids = select(Workflow.created_by).where(scope, Workflow.created_by.is_not(None)).distinct()
    rows = await session.execute(select(User).where(User.id.in_(ids)).order_by(User.name, User.id))
    return list(rows.scalars())


async def users_by_id(session: AsyncSession, ids: Sequence[str | None]) -> dict[str, User]:
    """The users with these ids, by id."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    return {u.id: u for u in (await session.execute(select(User).where(User.id.in_(wanted)))).scalars()}


def add_yaml_version(session: AsyncSession, workflow: Workflow, created_by: str | None) -> None:
    """Keep the workflow's current YAML in its history."""
    session.add(WorkflowYamlVersion(workflow_id=workflow.id, yaml_config=workflow.yaml_config, created_by=created_by))


async def yaml_history(session: AsyncSession, workflow_id: str, limit: int = 50) -> list[WorkflowYamlVersion]:
    """The workflow's earlier and current YAML, newest first."""
    rows = await session.execute(
        select(WorkflowYamlVersion)
        .where(WorkflowYamlVersion.workflow_id == workflow_id)
        .order_by(WorkflowYamlVersion.created_at.desc(), WorkflowYamlVersion.id)
        .limit(limit)
    )
    return list(rows.scalars())


# Executions


async def get_execution(session: AsyncSession, execution_id: str, *, lock: bool = False) -> WorkflowExecution | None:
    """An execution by id (row locked until the transaction ends when `lock`)."""
    if not _storable(execution_id):
        return None
    return await session.get(WorkflowExecution, execution_id, with_for_update=lock, populate_existing=lock)


async def list_executions(
    session: AsyncSession, workflow_id: str, user_id: str | None, page: int, per_page: int
) -> tuple[list[WorkflowExecution], int]:
    """A page of a workflow's executions (one user's when `user_id`), newest first."""
    query = select(WorkflowExecution).where(WorkflowExecution.workflow_id == workflow_id)
    if user_id is not None:
        query = query.where(WorkflowExecution.user_id == user_id)
    total = int((await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one())
    rows = await session.execute(
        query.order_by(WorkflowExecution.created_at.desc(), WorkflowExecution.id)
        .offset(page * per_page)
        .limit(per_page)
    )
    return list(rows.scalars()), total


async def count_running(session: AsyncSession, user_id: str, statuses: Sequence[str]) -> int:
    """How many of the user's executions are queued or running."""
    query = select(func.count()).where(WorkflowExecution.user_id == user_id, WorkflowExecution.status.in_(statuses))
    return int((await session.execute(query)).scalar_one())


async def delete_executions(session: AsyncSession, workflow_id: str, user_id: str | None, keep: Sequence[str]) -> int:
    """Delete a workflow's executions (one user's when `user_id`) except those in `keep` statuses."""
    query = delete(WorkflowExecution).where(
        WorkflowExecution.workflow_id == workflow_id, WorkflowExecution.status.not_in(list(keep))
    )
    if user_id is not None:
        query = query.where(WorkflowExecution.user_id == user_id)
    result = await session.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)


# Execution states


async def start_state(
    session: AsyncSession | AsyncConnection,
    execution_id: str,
    token: str,
    name: str,
    task: str,
    status: str,
    at: datetime,
) -> None:
    """Record that a state (engine token) started; a restarted run counts another attempt on the same row."""
    values = {"execution_id": execution_id, "token": token, "name": name, "task": task, "status": status, "at": at}
    await session.execute(_START_STATE, values)


async def set_state(session: AsyncSession, execution_id: str, token: str, **values: Any) -> None:
    """Change a state row's columns."""
    await session.execute(
        update(WorkflowExecutionState)
        .where(WorkflowExecutionState.execution_id == execution_id, WorkflowExecutionState.token == token)
        .values(**values)
    )


async def set_states_where(session: AsyncSession, execution_id: str, status_in: Sequence[str], **values: Any) -> None:
    """Change every state row of the execution whose status is one of `status_in`."""
    await session.execute(
        update(WorkflowExecutionState)
        .where(WorkflowExecutionState.execution_id == execution_id, WorkflowExecutionState.status.in_(list(status_in)))
        .values(**values)
    )


async def list_states(
    session: AsyncSession, execution_id: str, page: int = 0, per_page: int = 10_000
) -> tuple[list[WorkflowExecutionState], int]:
    """A page of an execution's states in the order they started."""
    query = select(WorkflowExecutionState).where(WorkflowExecutionState.execution_id == execution_id)
    total = int((await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one())
    rows = await session.execute(
        query.order_by(
            WorkflowExecutionState.started_at.asc().nulls_last(),
            WorkflowExecutionState.created_at,
            WorkflowExecutionState.id,
        )
        .offset(page * per_page)
        .limit(per_page)
    )
    return list(rows.scalars()), total


async def get_state(session: AsyncSession, execution_id: str, state_id: str) -> WorkflowExecutionState | None:
    """A state row by its id, or the latest run of the state with this name."""
    if not _storable(state_id):
        return None
    query = (
        select(WorkflowExecutionState)
        .where(
            WorkflowExecutionState.execution_id == execution_id,
            or_(WorkflowExecutionState.id == state_id, WorkflowExecutionState.name == state_id),
        )
        .order_by((WorkflowExecutionState.id == state_id).desc(), WorkflowExecutionState.started_at.desc().nulls_last())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


# Transitions


class TransitionRow(TypedDict):
    """A transition as the engine records it (the columns of WorkflowTransition, its id aside)."""

    execution_id: str
    from_state_id: str | None
    to_state_id: str
    # The context at the transition, as CodeMie's transition records show it.
    workflow_context: dict[str, Any]


def add_transitions(session: AsyncSession, rows: list[TransitionRow]) -> None:
    """Record transitions (flushed with the session)."""
    for row in rows:
        session.add(WorkflowTransition(**row))


async def list_transitions(session: AsyncSession, execution_id: str) -> list[WorkflowTransition]:
    """An execution's transitions in order."""
    rows = await session.execute(
        select(WorkflowTransition)
        .where(WorkflowTransition.execution_id == execution_id)
        .order_by(WorkflowTransition.created_at, WorkflowTransition.id)
    )
    return list(rows.scalars())


async def transition_to(session: AsyncSession, execution_id: str, state_id: str) -> WorkflowTransition | None:
    """The latest transition into a state (by state name, or by a state row's id)."""
    if not _storable(state_id):
        return None
    names = select(WorkflowExecutionState.name).where(
        WorkflowExecutionState.execution_id == execution_id, WorkflowExecutionState.id == state_id
    )
    query = (
        select(WorkflowTransition)
        .where(
            WorkflowTransition.execution_id == execution_id,
            or_(WorkflowTransition.to_state_id == state_id, WorkflowTransition.to_state_id.in_(names)),
        )
        .order_by(WorkflowTransition.created_at.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


def everything() -> ColumnElement[bool]:
    """A scope that lets every row through."""
    return true()


# Workflow conversations: a chat that runs a workflow keeps each run as a turn of the conversation.


async def conversation_owner(session: AsyncSession, conversation_id: str) -> str | None:
    """The user a conversation belongs to (None when there is no such conversation)."""
    if not _storable(conversation_id):
        return None
    query = select(Conversation.user_id).where(Conversation.id == conversation_id)
    return (await session.execute(query)).scalar_one_or_none()


async def append_conversation_turn(session: AsyncSession, turn: dict[str, Any]) -> bool:
    """Add a run as a turn (question, answer with the states as thoughts); False when the id is another user's.

    `turn`: conversation_id, user_id, project, workflow_id, question, answer, thoughts, asked_at, status.
    """
    conversation = await session.get(Conversation, turn["conversation_id"], with_for_update=True)
    if conversation is None:
        conversation = Conversation(
            id=turn["conversation_id"],
            user_id=turn["user_id"],
            project=turn["project"],
            name=turn["question"].strip().replace("\n", " ")[:100],
            assistant_ids=[],
        )
        session.add(conversation)
        await session.flush()
    elif conversation.user_id != turn["user_id"]:
        return False
    slots = await session.execute(
        select(
            func.coalesce(func.max(ConversationMessage.position), -1),
            func.coalesce(func.max(ConversationMessage.history_index), -1),
        ).where(ConversationMessage.conversation_id == conversation.id)
    )
    position, index = (int(v) + 1 for v in slots.one())
    session.add_all(
        [
            ConversationMessage(
                conversation_id=conversation.id, position=position, history_index=index, role="User",
                message=turn["question"], created_at=turn["asked_at"], thoughts=[], status="success",
            ),
            ConversationMessage(
                conversation_id=conversation.id, position=position + 1, history_index=index, role="Assistant",
                message=turn["answer"], thoughts=turn["thoughts"], status=turn["status"],
            ),
        ]
    )  # fmt: skip
    conversation.updated_at = utcnow()
    return True


async def orphaned_executions(session: AsyncSession, statuses: Sequence[str], limit: int = 1000) -> list[str]:
    """Queued or running executions whose job is gone or ended (e.g. cancelled by a shutdown)."""
    live_jobs = text(f"SELECT id FROM {JOBS_SCHEMA}.procrastinate_jobs WHERE status IN ('todo', 'doing')")  # noqa: S608 (a constant)
    query = (
        select(WorkflowExecution.id)
        .where(
            WorkflowExecution.status.in_(list(statuses)),
            or_(WorkflowExecution.job_id.is_(None), WorkflowExecution.job_id.not_in(live_jobs.columns(id=Integer))),
        )
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def execution_status(session: AsyncSession | AsyncConnection, execution_id: str) -> str | None:
    """An execution's status alone (what a running engine polls for an abort)."""
    query = select(WorkflowExecution.status).where(WorkflowExecution.id == execution_id)
    return (await session.execute(query)).scalar_one_or_none()


# The engine's two statements per state, as plain SQL (built once): a state starts; a state finishes
# (checkpoint, state row, transitions and usage in one round trip, written only while the execution runs).
_START_STATE = text(
    """
    INSERT INTO workflow_execution_states
        (id, execution_id, token, name, task, status, attempts, thoughts, started_at, created_at)
    VALUES (:token, :execution_id, :token, :name, :task, :status, 1, CAST('[]' AS jsonb), :at, :at)
    ON CONFLICT (execution_id, token) DO UPDATE SET
        attempts = workflow_execution_states.attempts + 1,
        status = EXCLUDED.status,
        task = EXCLUDED.task,
        started_at = EXCLUDED.started_at
    """
).bindparams(bindparam("at", type_=DateTime(timezone=True)))

_FINISH_STATE = text(
    """
    WITH execution AS (
        UPDATE workflow_executions SET
            checkpoint = CAST(:checkpoint AS jsonb),
            input_tokens = input_tokens + :input_tokens,
            output_tokens = output_tokens + :output_tokens,
            money_spent = money_spent + :money_spent,
            updated_at = clock_timestamp()
        WHERE id = :execution_id AND status = 'In Progress'
        RETURNING id
    ),
    finished AS (
        UPDATE workflow_execution_states SET
            status = 'Succeeded', output = :output, thoughts = CAST(:thoughts AS jsonb),
            completed_at = clock_timestamp()
        WHERE execution_id IN (SELECT id FROM execution) AND token = :token
    ),
    moves AS (
        INSERT INTO workflow_transitions (id, execution_id, from_state_id, to_state_id, workflow_context, created_at)
        SELECT t.id, e.id, t.from_state_id, t.to_state_id, t.workflow_context, clock_timestamp()
        FROM execution e, jsonb_to_recordset(CAST(:transitions AS jsonb)) AS t(
            id varchar, from_state_id varchar, to_state_id varchar, workflow_context jsonb
        )
    ),
    usage AS (
        INSERT INTO llm_usage (
            id, created_at, user_id, project, assistant_id, conversation_id, source, model, provider,
            input_tokens, output_tokens, estimated, cost, latency_ms, status
        )
        SELECT u.id, u.created_at, u.user_id, u.project, u.assistant_id, u.conversation_id, u.source, u.model,
               u.provider, u.input_tokens, u.output_tokens, u.estimated, u.cost, u.latency_ms, u.status
        FROM execution e, jsonb_to_recordset(CAST(:usage AS jsonb)) AS u(
            id varchar, created_at timestamptz, user_id varchar, project varchar, assistant_id varchar,
            conversation_id varchar, source varchar, model varchar, provider varchar, input_tokens integer,
            output_tokens integer, estimated boolean, cost double precision, latency_ms double precision,
            status varchar
        )
    )
    SELECT id FROM execution
    """
).bindparams(
    bindparam("input_tokens", type_=Integer),
    bindparam("output_tokens", type_=Integer),
    bindparam("money_spent", type_=Float),
)


async def finish_state(session: AsyncSession | AsyncConnection, values: dict[str, Any]) -> bool:
    """Commit a finished state (see _FINISH_STATE; JSON values as text); False when the execution no longer runs."""
    return (await session.execute(_FINISH_STATE, values)).scalar_one_or_none() is not None
