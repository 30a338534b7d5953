"""The durable workflow engine: runs an execution wave by wave, checkpointing every finished state.

The frontier is a list of tokens (a state to run, with the `iter_key` item it runs for). A wave runs all
its tokens concurrently (bounded by `max_concurrency`); a finished token's successors go to the next wave,
where a state that several branches lead to appears once: that is the join. Each finished state commits
its output, the context store, the frontier and its transitions in ONE transaction on the execution row,
so a process killed at any point resumes (in any worker) from the last finished state, and no finished
state runs again. A state that was running when the process died runs again (its row counts the attempt).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from codemill.auth.principal import Principal
from codemill.llm.usage import UsageOwner, usage_rows
from codemill.models import WorkflowExecution, WorkflowExecutionState
from codemill.users import service as users
from codemill.workflows import repository
from codemill.workflows.checkpoint import (
    Checkpoint,
    HistoryMessage,
    Token,
    checkpoint_of,
    initial_checkpoint,
    new_token,
    stored,
)
from codemill.workflows.config import END, State, WorkflowConfig
from codemill.workflows.expressions import ExpressionError, evaluate, render_task
from codemill.workflows.nodes import NodeError, NodeResult, RunView, WorkflowResources, run_node
from codemill.workflows.repository import TransitionRow
from codemill.workflows.schemas import RUNNING, ExecutionStatus
from codemill.workflows.validation import WorkflowInvalid, parse

log = logging.getLogger("codemill.workflows")
# Checkpoints keep this much LLM history (messages); older messages are dropped first.
HISTORY_LIMIT = 200


class Aborted(Exception):
    """The execution was aborted while it ran."""


class StateFailed(Exception):
    def __init__(self, state: str, message: str) -> None:
        super().__init__(message)
        self.state = state
        self.message = message


@lru_cache(maxsize=128)
def parsed_config(yaml_config: str) -> WorkflowConfig:
    """A workflow's YAML read once per process (executions of one workflow share the text; nothing mutates it)."""
    return parse(yaml_config).config


def _json(value: Any) -> str:
    return orjson.dumps(value, default=str).decode()


def _now() -> datetime:
    return datetime.now(UTC)


def _parsed_output(output: str) -> Any:
    """JSON outputs (objects, lists, numbers, booleans) as values; anything else as the text it is."""
    text = output.strip()
    if text[:1] in ("{", "[", "-") or text[:1].isdigit() or text in ("true", "false", "null"):
        try:
            return json.loads(text)
        except ValueError:
            return output
    return output


def state_thought(state: WorkflowExecutionState) -> dict[str, Any]:
    """A state as a chat thought (CodeMie's thought record), its tool calls as children."""
    first = (state.thoughts or [{}])[0]
    return {
        "id": first.get("id") or state.id,
        "parent_id": None,
        "metadata": {"workflow_state_id": state.id, "status": state.status},
        "in_progress": False,
        "input_text": state.task,
        "message": state.output or "",
        "author_type": "Agent",
        "author_name": state.name,
        "output_format": "text",
        "error": state.status == ExecutionStatus.FAILED,
        "interrupted": False,
        "aborted": state.status == ExecutionStatus.ABORTED,
        "children": first.get("children") or [],
    }


def _first(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The exception that matters in a failed wave: an abort, then a state's failure, then anything else."""
    leaves: list[BaseException] = []

    def walk(error: BaseException) -> None:
        if isinstance(error, BaseExceptionGroup):
            for inner in error.exceptions:
                walk(inner)
        else:
            leaves.append(error)

    walk(group)
    for kind in (Aborted, StateFailed):
        for leaf in leaves:
            if isinstance(leaf, kind):
                return leaf
    return leaves[0]


def _is_summary(config: WorkflowConfig, state: State) -> bool:
    node = config.custom_nodes.get(state.ref) if state.kind.value == "custom" else None
    return node is not None and node.kind.value == "summarize"


class ExecutionRunner:
    """One run (of possibly several, across restarts) of one execution."""

    def __init__(self, resources: WorkflowResources, execution_id: str, on_state: Callable[[str], None] | None = None):
        self.resources = resources
        self.execution_id = execution_id
        self.on_state = on_state
        self.lock = asyncio.Lock()
        self.checkpoint: Checkpoint = initial_checkpoint("", "")  # replaced by the stored one on claiming
        self.config: WorkflowConfig | None = None
        self.principal: Principal | None = None
        self.project = ""
        self.workflow_id = ""
        self.conversation_id: str | None = None

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        """A transaction, within the process's share of connections for workflows (100 runs, one pool)."""
        async with self.resources.workflow_db_slots, self.resources.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def _statement(self) -> AsyncIterator[AsyncConnection]:
        """A connection in autocommit mode, for the engine's single-statement writes (no BEGIN/COMMIT trips)."""
        async with self.resources.workflow_db_slots, self.resources.engine.connect() as connection:
            yield await connection.execution_options(isolation_level="AUTOCOMMIT")

    async def run(self) -> None:
        """Run the execution until it ends, pauses, or is aborted."""
        if not await self._claim():
            return
        poll = self.resources.settings.workflows.poll_seconds
        main = asyncio.create_task(self._waves(), name=f"workflow:{self.execution_id}")
        watcher = asyncio.create_task(self._watch_abort(main, poll), name=f"workflow-abort:{self.execution_id}")
        try:
            await main
        except asyncio.CancelledError:
            if not (watcher.done() and not watcher.cancelled() and watcher.result()):
                raise  # the job itself is being cancelled (shutdown): the execution resumes elsewhere
            await self._mark_aborted()
        except Aborted:
            await self._mark_aborted()
        except StateFailed as exc:
            await self._finish(ExecutionStatus.FAILED, f"State '{exc.state}' failed: {exc.message}")
        except Exception as exc:
            log.exception("workflow execution failed", extra={"execution": self.execution_id})
            await self._finish(ExecutionStatus.FAILED, f"The engine failed unexpectedly ({exc.__class__.__name__}).")
        finally:
            watcher.cancel()

    async def _claim(self) -> bool:
        async with self._session() as session:
            execution = await repository.get_execution(session, self.execution_id, lock=True)
            if execution is None or execution.status not in RUNNING:
                return False
            workflow = await repository.get(session, execution.workflow_id)
            principal = await users.load_principal(session, execution.user_id)
            if workflow is None or principal is None:
                execution.status, execution.error = ExecutionStatus.FAILED, "The workflow or its user no longer exists."
                return False
            try:
                self.config = parsed_config(execution.yaml_config)
            except WorkflowInvalid as exc:
                execution.status, execution.error = ExecutionStatus.FAILED, exc.message
                return False
            execution.status = ExecutionStatus.IN_PROGRESS
            self.checkpoint = checkpoint_of(execution.checkpoint)
            self.principal, self.project, self.workflow_id = principal, workflow.project, workflow.id
            self.conversation_id = execution.conversation_id
            if self.checkpoint.get("steps", 0) == 0 and not self.checkpoint.get("started"):
                self.checkpoint["started"] = True
                execution.checkpoint = stored(self.checkpoint)
                repository.add_transitions(session, [self._transition(None, self.config.entry, [self.config.entry])])
        return True

    async def _watch_abort(self, main: asyncio.Task[None], poll: float) -> bool:
        while not main.done():
            await asyncio.sleep(poll)
            async with self._statement() as connection:
                status = await repository.execution_status(connection, self.execution_id)
            if status is None or status == ExecutionStatus.ABORTED:
                main.cancel()
                return True
        return False

    async def _waves(self) -> None:
        config = self.config
        assert config is not None
        semaphore = asyncio.Semaphore(config.max_concurrency)
        while True:
            wave = list(self.checkpoint["wave"])
            if not wave:
                if not self.checkpoint["next_wave"]:
                    await self._finish(ExecutionStatus.SUCCEEDED, None)
                    return
                self.checkpoint["wave"], self.checkpoint["next_wave"] = self.checkpoint["next_wave"], []
                await self._save()
                continue
            waiting = [
                t
                for t in wave
                if config.state(t["state"]).interrupt_before and t["id"] not in self.checkpoint["approved"]
            ]
            if waiting:
                await self._interrupt(waiting)
                return
            if self.checkpoint["steps"] + len(wave) > config.recursion_limit:
                raise StateFailed(wave[0]["state"], f"Recursion limit of {config.recursion_limit} states reached")
            values = self._values()
            try:
                async with asyncio.TaskGroup() as group:
                    for token in wave:
                        group.create_task(self._run_token(token, values, semaphore))
            except BaseExceptionGroup as failed:
                raise _first(failed) from None

    def _values(self) -> dict[str, Any]:
        return {**self.checkpoint["context_store"], "user_input": self.checkpoint.get("user_input", "")}

    async def _run_token(self, token: Token, values: dict[str, Any], semaphore: asyncio.Semaphore) -> None:
        config = self.config
        assert config is not None and self.principal is not None
        state = config.state(token["state"])
        scope = dict(values)
        if "index" in token:
            item = token.get("item")
            scope |= {"item": item, **(item if isinstance(item, dict) else {})}
        async with semaphore:
            edited = self.checkpoint["edited_input"].get(token["id"])
            task = edited if edited is not None else await self._render(state, scope)
            name = state.id if "index" not in token else f"{state.id} #{token['index'] + 1}"
            async with self._statement() as connection:
                await repository.start_state(
                    connection, self.execution_id, token["id"], name, task, ExecutionStatus.IN_PROGRESS, _now()
                )
            result = await self._with_retries(state, scope, task)
        await self._complete(token, state, name, scope, result)

    async def _render(self, state: State, scope: dict[str, Any]) -> str:
        try:
            return await render_task(state.task, scope)
        except ValueError as exc:  # PromptTemplateError
            raise StateFailed(state.id, f"invalid task template: {exc}") from None

    async def _with_retries(self, state: State, scope: dict[str, Any], task: str) -> NodeResult:
        config = self.config
        assert config is not None and self.principal is not None
        policy = state.retry_policy or config.retry_policy
        wait = policy.initial_interval
        for attempt in range(1, policy.max_attempts + 1):
            view = RunView(
                self.resources, self.principal, self.project, self.execution_id, config, scope,
                list(self.checkpoint["messages"]), dict(self.checkpoint["outputs"]), self.workflow_id,
            )  # fmt: skip
            try:
                return await run_node(view, state, task)
            except NodeError as exc:
                if attempt == policy.max_attempts:
                    raise StateFailed(state.id, exc.message) from None
                log.info("retrying workflow state", extra={"state": state.id, "attempt": attempt, "error": exc.message})
            await asyncio.sleep(wait)
            wait = min(wait * policy.backoff_factor, policy.max_interval)
        raise StateFailed(state.id, "no attempt was made")

    def _route(self, state: State, values: dict[str, Any]) -> list[str]:
        nxt = state.next
        try:
            if nxt.condition:
                expression, then, otherwise = nxt.condition
                return [then if evaluate(expression, values) else otherwise]
            if nxt.switch:
                cases, default = nxt.switch
                chosen = next((c.state_id for c in cases if evaluate(c.condition, values)), default)
                return [chosen]
        except ExpressionError as exc:
            raise StateFailed(state.id, f"the condition could not be evaluated: {exc.message}") from None
        return ([nxt.state_id] if nxt.state_id else []) + list(nxt.state_ids)

    def _apply_output(self, state: State, result: NodeResult, iterated: bool) -> Any:
        """Put the output where `next` says; returns the parsed output."""
        nxt, store, ck = state.next, self.checkpoint["context_store"], self.checkpoint
        parsed = _parsed_output(result.output)
        if nxt.store_in_context:
            if isinstance(parsed, dict) and state.kind.value != "tool":
                store.update(parsed)
            if nxt.output_key:
                if nxt.append_to_context or iterated:
                    current = store.get(nxt.output_key)
                    store[nxt.output_key] = [*(current if isinstance(current, list) else []), parsed]
                else:
                    store[nxt.output_key] = parsed
        if state.kind.value == "assistant":
            if nxt.clear_prior_messages:
                ck["messages"] = []
            if nxt.include_in_llm_history:
                ck["messages"] = [
                    *ck["messages"],
                    HistoryMessage(role="user", content=result.thought["input_text"]),
                    HistoryMessage(role="assistant", content=result.output),
                ][-HISTORY_LIMIT:]
        elif self.config is not None and _is_summary(self.config, state):
            # A summary stands in for the history it summarised.
            ck["messages"] = [{"role": "assistant", "content": result.output}]
        ck["outputs"][state.id] = result.output
        ck["final_output"] = result.output
        return parsed

    def _successors(self, token: Token, state: State, targets: list[str]) -> list[Token]:
        nxt = state.next
        queued = {t["state"] for t in self.checkpoint["next_wave"] if "index" not in t}
        made: list[Token] = []
        for target in targets:
            if target == END:
                continue
            if nxt.iter_key:
                items = self.checkpoint["context_store"].get(nxt.iter_key)
                items = _parsed_output(items) if isinstance(items, str) else items
                items = items if isinstance(items, list) else [items] if items is not None else []
                made += [new_token(target, state.id, item, i) for i, item in enumerate(items)]
            elif target not in queued:
                queued.add(target)
                made.append(new_token(target, state.id))
        return made

    async def _complete(self, token: Token, state: State, name: str, scope: dict[str, Any], result: NodeResult) -> None:
        async with self.lock:
            before: Checkpoint = orjson.loads(orjson.dumps(self.checkpoint, default=str))
            parsed = self._apply_output(state, result, "index" in token)
            values = {**scope, **self.checkpoint["context_store"], "output": parsed}
            if isinstance(parsed, dict):
                values |= parsed
            targets = self._route(state, values)
            successors = self._successors(token, state, targets)
            ck = self.checkpoint
            ck["wave"] = [t for t in ck["wave"] if t["id"] != token["id"]]
            ck["next_wave"] = [*ck["next_wave"], *successors]
            if not ck["wave"]:  # the wave is done: the next one starts from this same checkpoint
                ck["wave"], ck["next_wave"] = ck["next_wave"], []
            ck["steps"] += 1
            ck["edited_input"].pop(token["id"], None)
            transitions = [self._transition(state.id, t, targets) for t in targets]
            try:
                await self._commit_state(token, result, transitions)
            except BaseException:
                self.checkpoint = before
                raise
        if self.on_state is not None:
            self.on_state(name)

    def _transition(self, source: str | None, target: str, targets: list[str]) -> TransitionRow:
        ck = self.checkpoint
        return {
            "execution_id": self.execution_id,
            "from_state_id": source,
            "to_state_id": target,
            "workflow_context": {
                "context_store": dict(ck["context_store"]),
                "next": targets,
                "messages": [m["content"] for m in ck["messages"]][-20:],
                "user_input": ck.get("user_input"),
                "final_summary": [],
            },
        }

    async def _commit_state(self, token: Token, result: NodeResult, transitions: list[TransitionRow]) -> None:
        calls = result.calls
        assert self.principal is not None
        owner = UsageOwner(self.principal.user_id, self.project, None, self.conversation_id, source="workflow")
        values = {
            "execution_id": self.execution_id,
            "token": token["id"],
            "checkpoint": _json(self.checkpoint),
            "input_tokens": sum(c.usage.input_tokens for c in calls),
            "output_tokens": sum(c.usage.output_tokens for c in calls),
            "money_spent": sum(c.cost for c in calls),
            "output": result.output,
            "thoughts": _json([result.thought]),
            "transitions": _json([{**t, "id": str(uuid.uuid4())} for t in transitions]),
            "usage": _json(usage_rows(owner, calls)),
        }
        async with self._statement() as connection:
            # One statement (atomic on its own): it locks the execution row, checks that it still runs, and
            # writes the checkpoint, the state, the transitions and the usage.
            if not await repository.finish_state(connection, values):
                raise Aborted()

    async def _save(self) -> None:
        async with self._session() as session:
            execution = await repository.get_execution(session, self.execution_id, lock=True)
            if execution is None or execution.status != ExecutionStatus.IN_PROGRESS:
                raise Aborted()
            execution.checkpoint = stored(self.checkpoint)

    async def _interrupt(self, waiting: list[Token]) -> None:
        async with self._session() as session:
            execution = await repository.get_execution(session, self.execution_id, lock=True)
            if execution is None or execution.status != ExecutionStatus.IN_PROGRESS:
                raise Aborted()
            for token in waiting:
                state = self.config.state(token["state"]) if self.config else None
                task = await self._render(state, self._values()) if state else ""
                await repository.start_state(
                    session, self.execution_id, token["id"], token["state"], task, ExecutionStatus.INTERRUPTED, _now()
                )
                await repository.set_state(session, self.execution_id, token["id"], attempts=0, started_at=None)
            execution.status = ExecutionStatus.INTERRUPTED
            execution.checkpoint = stored(self.checkpoint)

    async def _finish(self, status: ExecutionStatus, error: str | None) -> None:
        async with self._session() as session:
            execution = await repository.get_execution(session, self.execution_id, lock=True)
            if execution is None or execution.status not in (*RUNNING, ExecutionStatus.IN_PROGRESS):
                return
            execution.status, execution.error = status, error
            execution.checkpoint = stored(self.checkpoint)
            if status == ExecutionStatus.FAILED:
                await repository.set_states_where(
                    session,
                    self.execution_id,
                    [ExecutionStatus.IN_PROGRESS],
                    status=ExecutionStatus.FAILED,
                    completed_at=_now(),
                )
            if execution.conversation_id:
                await self._conversation_turn(session, execution, status, error)

    async def _conversation_turn(
        self, session: AsyncSession, execution: WorkflowExecution, status: ExecutionStatus, error: str | None
    ) -> None:
        """A run started from a chat becomes a turn of it: the input, the final output, the states as thoughts."""
        states, _ = await repository.list_states(session, self.execution_id)
        succeeded = status == ExecutionStatus.SUCCEEDED
        answer = (self.checkpoint.get("final_output") or "") if succeeded else (error or "")
        stored = await repository.append_conversation_turn(
            session,
            {
                "conversation_id": execution.conversation_id,
                "user_id": execution.user_id,
                "project": self.project,
                "workflow_id": self.workflow_id,
                "question": execution.prompt,
                "answer": answer,
                "thoughts": [state_thought(s) for s in states],
                "asked_at": execution.created_at,
                "status": "success" if succeeded else "error",
            },
        )
        if not stored:
            log.warning("conversation taken by another user; run not stored", extra={"execution": self.execution_id})

    async def _mark_aborted(self) -> None:
        async with self._session() as session:
            await repository.set_states_where(
                session, self.execution_id, [ExecutionStatus.IN_PROGRESS, ExecutionStatus.INTERRUPTED],
                status=ExecutionStatus.ABORTED, completed_at=_now(),
            )  # fmt: skip
