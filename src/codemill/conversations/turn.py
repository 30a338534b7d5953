"""Running a prepared chat turn: the agent's events become NDJSON records (CodeMie's StreamedGenerationResult).

Records, one JSON object per line: `generated_chunk` for answer text, `thought` for each tool call as it
starts and as it ends, and a final record with `last: true` and the whole answer in `generated`.
A streamed turn runs in its own task: when the client goes away the task is cancelled, which cancels
the upstream model call, and the partial answer is stored with status "interrupted". The question is
stored before the model runs and the answer so far now and then, so a crash of the server loses neither
(another server marks the turn interrupted when it notices). The final record
is sent as soon as the answer is complete; the stream ends once the turn is stored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from typing import Any

import orjson

from codemill.agent.loop import AgentRequest, Chunk, Final, ThoughtUpdate, run_agent
from codemill.agent.records import BASE_RECORD
from codemill.conversations.chat import Turn, begin, partial_save_due, save, save_partial, usage_totals
from codemill.conversations.checkpoints import pause
from codemill.models import TurnStatus

log = logging.getLogger("codemill.chat")

INTERRUPTED_NOTE = "Agent has been interrupted by client"

Emit = Callable[[dict[str, Any]], None]


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
    if turn.answer_id is None:  # a turn resumed after a tool-call approval was begun before its pause
        await begin(turn)
    try:
        async with aclosing(run_agent(_agent_request(turn), turn.run)) as events:
            async for event in events:
                if isinstance(event, Chunk):
                    emit({**BASE_RECORD, "generated_chunk": event.text})
                elif isinstance(event, ThoughtUpdate):
                    emit({**BASE_RECORD, "thought": event.record})
                elif isinstance(event, Final):
                    final = event
                # A clock check per event; a database write only every few seconds of a long answer.
                if partial_save_due(turn):
                    await save_partial(turn)
    except asyncio.CancelledError:
        turn.run.interrupt()
        # Shielded: a second cancellation (shutdown) must not lose the record of the turn.
        await asyncio.shield(save(turn, TurnStatus.INTERRUPTED, turn.run.partial_text or INTERRUPTED_NOTE))
        raise
    except Exception:
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


async def store(turn: Turn, final: dict[str, Any]) -> None:
    """Store the finished turn (history and usage)."""
    if final.get("tool_call_pending"):  # toolkits hook: a paused turn is kept (by execute), not stored
        return
    status = TurnStatus.SUCCESS if final["success"] else TurnStatus.ERROR
    # Shielded: the client may leave while the answer is being stored; the answer is still kept.
    await asyncio.shield(save(turn, status, final["generated"]))


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
