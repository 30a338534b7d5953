"""What a chat turn owes analytics: the soft-limit warnings it carries (turn.prepare checks the budgets), and
its tool calls and Prometheus counters once it is stored. Kept apart from turn.py: the router calls it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson

from codemill.analytics import repository as analytics
from codemill.conversations.turn import Turn
from codemill.kit.metrics import metrics
from codemill.llm.usage import count_calls
from codemill.models.base import new_id, utcnow


def annotate(turn: Turn, response: dict[str, Any]) -> dict[str, Any]:
    """The non-streamed answer with the soft-limit warnings of its turn (a CodeMie-tolerated extra field)."""
    return {**response, "budget_warnings": turn.budget_warnings} if turn.budget_warnings else response


async def observed(turn: Turn, lines: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The turn's NDJSON lines, a warning record first when a soft limit is reached; accounted at the end."""
    if turn.budget_warnings:
        yield orjson.dumps({"generated_chunk": None, "last": False, "budget_warnings": turn.budget_warnings}) + b"\n"
    try:
        async for chunk in lines:
            yield chunk
    finally:
        # Closed early (the client went away): close the turn's stream now, which cancels the turn.
        close = getattr(lines, "aclose", None)
        if close is not None:
            await close()
    await finished(turn)


async def finished(turn: Turn) -> None:
    """Record the stored turn's tool calls (their roll-ups follow by trigger) and count it."""
    thoughts = [t for t in turn.run.thoughts if not t.in_progress]
    rows = [
        {
            "id": new_id(),
            "created_at": utcnow(),
            "user_id": turn.principal.user_id,
            "project": turn.assistant.project,
            "assistant_id": turn.assistant.id,
            "tool": t.tool_name,
            "status": "success" if t.status == "completed" else t.status,
            "duration_ms": t.duration_ms or 0.0,
        }
        for t in thoughts
    ]
    if rows:
        async with turn.resources.chat_sessions() as session, session.begin():
            await analytics.record_tool_calls(session, rows)
    count_calls(turn.run.calls)
    observed_metrics = metrics()
    for row in rows:
        observed_metrics.tool_calls.labels(row["tool"], row["status"]).inc()
    observed_metrics.chats.labels("error" if any(c.status != "success" for c in turn.run.calls) else "success").inc()
