"""One chat turn, read top to bottom: prepare (checks, the model's input, tools) → run (the agent, its events
as records) → save (the question before the model runs, the answer and its usage after).

Records, one JSON object per line (CodeMie's StreamedGenerationResult): `generated_chunk` for answer text,
`thought` for each tool call as it starts and as it ends, and a final record with `last: true` and the whole
answer in `generated`. Chat is a streaming boundary: it opens its own short sessions and commits them here;
no database connection is held while the model and the tools run. A streamed turn runs in its own task: when
the client goes away the task is cancelled, which cancels the upstream model call, and the partial answer is
stored with status "interrupted". The question is stored before the model runs and the answer so far now and
then, so a crash of the server loses neither (another server marks the turn interrupted when it notices).
The final record is sent as soon as the answer is complete; the stream ends once the turn is stored.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from codemill.agent.loop import AgentRequest, AgentRun, Chunk, Final, ThoughtUpdate, run_agent
from codemill.agent.records import BASE_RECORD
from codemill.analytics.budgets.service import ensure_within_budget
from codemill.assistants import sealing
from codemill.auth import policy
from codemill.auth.principal import Principal
from codemill.conversations import repository, turn_repository
from codemill.conversations.assistant_tools import LLM_CREDENTIAL_TYPE, llm_credentials, tools_for
from codemill.conversations.checkpoints import pause
from codemill.conversations.prompt import client_history, fit, has_client_history, stored_history, system_prompt
from codemill.conversations.schemas import ChatRequest
from codemill.db.engine import reading
from codemill.db.raw import RawPool
from codemill.errors import PayloadTooLarge
from codemill.llm.catalogue import CatalogueModel
from codemill.llm.gateway import LLMGateway
from codemill.llm.provider import ChatMessage, LLMProvider
from codemill.llm.usage import UsageOwner, record_usage, usage_rows
from codemill.models import Assistant, TurnStatus
from codemill.models.base import new_id
from codemill.settings import Settings
from codemill.tools.base import Tool, ToolContext

log = logging.getLogger("codemill.chat")
NAME_LENGTH = 100
INTERRUPTED_NOTE = "Agent has been interrupted by client"
# The answer of a turn interrupted by a crash before any of it was saved.
INTERRUPTED_BY_CRASH = "The answer was interrupted: the server stopped before it was complete."

Emit = Callable[[dict[str, Any]], None]


class ChatResources(Protocol):
    """What a chat turn uses from the process's Resources."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    http: httpx.AsyncClient
    llm: LLMGateway
    # The chat's sessions: at most `chat.database_slots` open at once; and its raw statements' connections
    # (as many).
    chat_sessions: async_sessionmaker[AsyncSession]
    chat_db: RawPool


@dataclass(slots=True)
class Turn:
    """One chat turn, prepared and then run."""

    resources: ChatResources
    principal: Principal
    body: ChatRequest
    assistant: Assistant
    model: CatalogueModel
    provider: LLMProvider
    messages: list[ChatMessage]
    tools: list[Tool]
    tool_context: ToolContext
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    started: float = field(default_factory=time.perf_counter)
    run: AgentRun = field(default_factory=AgentRun)
    # The soft budget limits reached (found by prepare): their warnings go out with the answer.
    budget_warnings: list[dict[str, Any]] = field(default_factory=list)
    # Set once the question is stored (begin): the history message the answer goes into.
    answer_id: str | None = None
    saved_at: float = 0.0

    @property
    def conversation_id(self) -> str:
        """The conversation this turn belongs to."""
        return self.body.conversation_id

    def elapsed(self) -> float:
        """Seconds since the turn was received."""
        return time.perf_counter() - self.started


# 1. Prepare: everything that can be refused with a 4xx, and the model's input.


async def prepare(resources: ChatResources, principal: Principal, assistant_id: str, body: ChatRequest) -> Turn:
    """Check everything that can be refused with a 4xx, and gather the model's input."""
    limit = resources.settings.llm.max_message_chars
    if len(body.text) > limit:
        raise PayloadTooLarge(
            f"text: the message is {len(body.text)} characters long; the limit is {limit}",
            details={"field": "text", "length": len(body.text), "limit": limit},
            help="Send a shorter message, or attach the content as a file.",
        )
    # One statement brings the assistant and says which of the optional lookups (credentials, history, budgets,
    # skills, files) have anything to find; those that do share one read-only session (no BEGIN/ROLLBACK).
    async with resources.chat_db.acquire() as conn:
        found = await turn_repository.start(
            conn,
            assistant_id=assistant_id,
            conversation_id=body.conversation_id,
            user_id=principal.user_id,
            credential_type=LLM_CREDENTIAL_TYPE,
        )
    assistant = policy.ensure_assistant_visible(principal, found.assistant)
    model = resources.llm.model(body.llm_model or assistant.llm_model_type)
    credentials, variables, stored, over_soft = None, _plain_prompt_values(assistant), [], []
    owner = None if found.owner_id is None else (found.owner_id, found.finished_at)
    if found.has_credentials or owner is not None or found.has_budgets or variables is None:
        async with reading(resources.chat_sessions) as session:
            if found.has_credentials:
                credentials = await llm_credentials(session, principal, assistant, model)
            if variables is None:
                variables = await sealing.prompt_values(session, assistant)  # sensitive values opened here, only
            stored = await stored_history(session, principal, body, owner)
            if found.has_budgets:  # a hard limit refuses the turn (402) on every way in; soft limits give warnings
                over_soft = await ensure_within_budget(
                    session,
                    principal.user_id,
                    assistant.project,
                    model=model.base_name,
                    premium=resources.llm.catalogue.premium_llms(),
                )
    assert variables is not None
    provider = resources.llm.provider_for(model, credentials)
    system = await system_prompt(body, assistant, principal, variables)
    history = client_history(body) if has_client_history(body) else stored
    messages = [ChatMessage("system", system)] if system.strip() else []
    messages += fit(history, model)
    messages.append(ChatMessage("user", body.text))
    ctx = ToolContext(
        principal=principal,
        project=assistant.project,
        assistant_id=assistant.id,
        conversation_id=body.conversation_id,
        sessions=resources.chat_sessions,  # while its tools are gathered; running, they use their own
        http=resources.http,
        resources=resources,
        # The turn's attachments, and the model that describes attached images (read_attached_file).
        extra={
            "file_names": list(body.file_names),
            "vision": (provider, model) if model.features.vision else None,
            # What the probe found absent is not looked up again by the tool sources.
            "conversation_has_files": found.has_files,
            "has_skills": found.has_skills,
        },
    )
    tools = await tools_for(assistant, ctx) if model.features.tools else []
    ctx.sessions = resources.sessions
    turn = Turn(resources, principal, body, assistant, model, provider, messages, tools, ctx)
    turn.budget_warnings = [state.warning() for state in over_soft]
    return turn


def _plain_prompt_values(assistant: Assistant) -> dict[str, str] | None:
    """The prompt variables' values when none is sealed (None: they must be opened, in a session)."""
    if sealing.sealed_values(assistant.prompt_variables or [], []):
        return None
    return sealing.values_of(assistant.prompt_variables or [])


# 2. Run: the agent, its events as records (the turn is begun first: the question is stored before the model runs).


def _agent_request(turn: Turn) -> AgentRequest:
    llm = turn.resources.settings.llm
    limit = turn.assistant.tools_tokens_size_limit or llm.tool_output_max_tokens
    return AgentRequest(
        provider=turn.provider,
        model=turn.model,
        messages=turn.messages,
        tools=turn.tools,
        tool_context=turn.tool_context,
        temperature=turn.assistant.temperature if turn.body.temperature is None else turn.body.temperature,
        top_p=turn.assistant.top_p,
        recursion_limit=llm.recursion_limit,
        tool_output_max_tokens=limit,
        tool_timeout_seconds=llm.tool_timeout_seconds,
    )


async def execute(turn: Turn, emit: Emit) -> dict[str, Any]:
    """Run the turn, emitting records as they happen; return the final record (`store` it next).

    The question is stored first (with the answer in progress), and the answer so far every
    `chat.partial_save_seconds` while it streams, so a crash loses neither. A cancelled turn (the client
    went away) is stored here, as interrupted, before the cancellation goes on.
    """
    final: Final | None = None
    # The question is stored while the model is asked (a turn resumed after a tool-call approval was begun
    # before its pause): the first chunk waits for the slower of the two, not for both in turn. Nothing is
    # sent, and no tool runs, before the question is stored.
    begun = asyncio.ensure_future(begin(turn)) if turn.answer_id is None else None
    try:
        async with aclosing(run_agent(_agent_request(turn), turn.run)) as events:
            async for event in events:
                if begun is not None:
                    await asyncio.shield(begun)  # a cancellation of the turn must not cut the write short
                    begun = None
                if isinstance(event, Chunk):
                    emit({**BASE_RECORD, "generated_chunk": event.text})
                elif isinstance(event, ThoughtUpdate):
                    emit({**BASE_RECORD, "thought": event.record})
                elif isinstance(event, Final):
                    final = event
                # A clock check per event; a database write only every few seconds of a long answer.
                if partial_save_due(turn):
                    await save_partial(turn)
        if begun is not None:  # the model ended without a word (an error answer): the question is still stored
            await asyncio.shield(begun)
    except asyncio.CancelledError:
        turn.run.interrupt()
        # Shielded: a second cancellation (shutdown) must not lose the record of the turn.
        await asyncio.shield(_interrupted(turn, begun))
        raise
    except Exception:
        if begun is not None and not begun.done():
            await asyncio.shield(begun)
        log.exception("chat turn failed", extra={"conversation": turn.conversation_id})
        final = Final(
            turn.run.partial_text,
            success=False,
            agent_error={"error_code": "agent_internal_error", "message": "The assistant failed unexpectedly."},
        )
    assert final is not None  # run_agent always ends with a Final
    errors = turn.run.tool_errors()
    record = {
        **BASE_RECORD,
        "generated": final.text,
        "generated_chunk": "",
        "last": True,
        "time_elapsed": round(turn.elapsed(), 4),
        "success": final.success,
        "agent_error": final.agent_error,
        "tool_errors": errors or None,
        "execution_error": None if final.success else (final.agent_error or {}).get("error_code", "agent_error"),
        "debug": {**usage_totals(turn), "conversation_id": turn.conversation_id},
        # Toolkits hook: the call this turn waits on (the turn is kept, not stored, until it is answered).
        "tool_call_pending": final.pending.record() if final.pending else None,
    }
    pause(turn, record)  # toolkits hook: kept before the client can read the record and answer it
    return record


async def _interrupted(turn: Turn, begun: asyncio.Future[None] | None) -> None:
    """Store a cancelled turn as interrupted (once its question is stored, if that was still under way)."""
    if begun is not None:
        try:
            await asyncio.shield(begun)
        except Exception:  # the question could not be stored: the usage is still recorded below
            log.exception("storing the question failed", extra={"conversation": turn.conversation_id})
    await save(turn, TurnStatus.INTERRUPTED, turn.run.partial_text or INTERRUPTED_NOTE)


def line(record: dict[str, Any]) -> bytes:
    """One NDJSON line."""
    return orjson.dumps(record) + b"\n"


async def stream(
    turn: Turn, tasks: set[asyncio.Task[Any]], encode: Callable[[dict[str, Any]], bytes] = line
) -> AsyncIterator[bytes]:
    """The turn's NDJSON lines. The turn runs in its own task (kept in `tasks`) so a disconnect can cancel it.

    `encode` turns each record into bytes (other wire formats, e.g. OpenAI's SSE chunks, pass their own).
    """
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()

    async def produce() -> None:
        try:
            final = await execute(turn, lambda record: queue.put_nowait(encode(record)))
            # The answer goes out as soon as it is complete; the stream closes once the turn is stored, so a
            # client that reads to the end (as the SDK does) finds it in the conversation's history.
            queue.put_nowait(encode(final))
            await store(turn, final)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("chat stream failed", extra={"conversation": turn.conversation_id})
        finally:
            queue.put_nowait(None)

    task = asyncio.create_task(produce(), name=f"chat:{turn.conversation_id}")
    tasks.add(task)
    task.add_done_callback(tasks.discard)
    try:
        while True:
            # Send what is ready as one write: fewer syscalls, same bytes.
            batch = [await queue.get()]
            while batch[-1] is not None and not queue.empty():
                batch.append(queue.get_nowait())
            ready = [item for item in batch if item]
            if ready:
                yield b"".join(ready)
            if batch[-1] is None:
                break
    finally:
        # Normal end: the task is done. The client went away: cancel it (upstream call, tools), which
        # stores what was said so far as interrupted.
        if not task.done():
            task.cancel()


def response(turn: Turn, final: dict[str, Any]) -> dict[str, Any]:
    """The non-streamed answer (the SDK's BaseModelResponse, camelCase as CodeMie sends it)."""
    return {
        "generated": final["generated"],
        "timeElapsed": final["time_elapsed"],
        "tokensUsed": final["debug"]["output_tokens"],
        "thoughts": [t.record() for t in turn.run.thoughts],
        "taskId": None,
        "success": final["success"],
        "agentError": final["agent_error"],
        "toolErrors": final["tool_errors"],
        "toolCallPending": final["tool_call_pending"],  # toolkits hook
    }


# 3. Save: the question and an answer in progress before the run, the answer so far now and then, the turn after.


async def begin(turn: Turn) -> None:
    """Store the question, and an empty answer in progress, before the model runs (a crash keeps them)."""
    if not turn.body.save_history:
        return
    answer_id = new_id()
    body, principal, assistant = turn.body, turn.principal, turn.assistant
    now = datetime.now(UTC)
    values = {
        "conversation_id": body.conversation_id,
        "user_id": principal.user_id,
        "project": assistant.project,
        "name": body.text.strip().replace("\n", " ")[:NAME_LENGTH],
        "assistant_id": assistant.id,
        "llm_model": turn.model.base_name,
        "updated_at": now,
        "history_index": body.history_index,
        "question_id": new_id(),
        "question": body.text,
        "question_raw": body.content_raw or None,
        "parent_id": body.parent_id,  # answer versions and edits: the branch this turn continues
        "asked_at": turn.received_at,
        "file_names": _json(list(body.file_names)),
        "answer_id": answer_id,
        "answered_at": now,
        "response_time": round(turn.elapsed(), 4),
    }
    async with turn.resources.chat_db.acquire() as conn:
        stored = await turn_repository.begin_turn(conn, values)
    if stored:
        turn.answer_id, turn.saved_at = answer_id, time.perf_counter()
    else:
        log.warning("conversation taken by another user; turn not stored", extra={"conversation": body.conversation_id})


def _json(value: Any) -> str:
    """A JSON parameter of a raw statement (JSON text)."""
    return orjson.dumps(value).decode()


def partial_save_due(turn: Turn) -> bool:
    """True when the answer so far should be saved now (a begun turn, past the interval since the last)."""
    interval = turn.resources.settings.chat.partial_save_seconds
    return turn.answer_id is not None and time.perf_counter() - turn.saved_at >= interval


async def save_partial(turn: Turn) -> None:
    """Save the answer so far (one UPDATE, no transaction kept open)."""
    assert turn.answer_id is not None
    turn.saved_at = time.perf_counter()
    async with reading(turn.resources.chat_sessions) as session:
        await repository.save_partial_answer(session, turn.answer_id, turn.run.partial_text, datetime.now(UTC))


async def store(turn: Turn, final: dict[str, Any]) -> None:
    """Store the finished turn (history and usage)."""
    if final.get("tool_call_pending"):  # toolkits hook: a paused turn is kept (by execute), not stored
        return
    status = TurnStatus.SUCCESS if final["success"] else TurnStatus.ERROR
    # Shielded: the client may leave while the answer is being stored; the answer is still kept.
    await asyncio.shield(save(turn, status, final["generated"]))


async def save(turn: Turn, status: str, answer: str) -> None:
    """Record the turn: usage rows always; the answer into the begun turn's message, or (not begun: the
    conversation is someone else's, or history is off) nothing more."""
    owner = UsageOwner(turn.principal.user_id, turn.assistant.project, turn.assistant.id, turn.conversation_id)
    if turn.answer_id is None:
        async with turn.resources.chat_sessions() as session, session.begin():
            await record_usage(session, owner, turn.run.calls)
        return
    # One statement (answer, usage rows): atomic on its own, so no BEGIN/COMMIT round trips.
    async with turn.resources.chat_db.acquire() as conn:
        await turn_repository.finish_turn(
            conn, {**_answer_values(turn, status, answer), "usage": _json(usage_rows(owner, turn.run.calls))}
        )


def _answer_values(turn: Turn, status: str, answer: str) -> dict[str, Any]:
    totals = usage_totals(turn)
    return {
        "answer_id": turn.answer_id,
        "answer": answer,
        "answered_at": datetime.now(UTC),
        "response_time": round(turn.elapsed(), 4),
        **{key: totals[key] for key in ("input_tokens", "output_tokens", "money_spent")},
        "thoughts": _json([t.record() for t in turn.run.thoughts]),
        "status": status,
    }


def usage_totals(turn: Turn) -> dict[str, Any]:
    """Tokens and cost of the turn so far."""
    calls = turn.run.calls
    return {
        "input_tokens": sum(c.usage.input_tokens for c in calls),
        "output_tokens": sum(c.usage.output_tokens for c in calls),
        "money_spent": sum(c.cost for c in calls),
        "model": turn.model.base_name,
    }


async def mark_abandoned_turns(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    """Mark turns left in progress by a server that died (silent past interrupted_after_seconds) interrupted."""
    silent_since = datetime.now(UTC) - timedelta(seconds=settings.chat.interrupted_after_seconds)
    async with sessions() as session, session.begin():
        marked = await repository.mark_abandoned_turns(session, silent_since, INTERRUPTED_BY_CRASH)
    if marked:
        log.warning("chat turns left in progress by a stopped server marked interrupted", extra={"turns": marked})
    return marked
